"""Delivering the outbox: rendering in the family's language, email over
SMTP, SMS through a provider, retries, and the send-due worker."""
