"""Sending a family's manage link again to a family who lost it. The link only ever goes to the phone or
email on file, and whoever asks gets the same answer whether that contact
is registered or not, so asking tells nothing about a family."""
from datetime import timedelta

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Event, ManageToken, MessageKind, OutboxMessage, Registration, RegistrationStatus
from . import outbox
from .contact import normalize_email, normalize_phone
from .tokens import hash_token, new_manage_token

# However often someone asks, a family gets a link again at most once in
# RESEND_GAP and RESENDS_PER_DAY times a day: per registration and per
# phone or email (a stranger typing a family's phone cannot flood it).
RESEND_GAP = timedelta(minutes=10)
RESENDS_PER_DAY = 3
DAY = timedelta(days=1)


def _too_soon(times, now):
    """Whether one more link now would go past the limits, given the moments
    links were sent in the last day."""
    moments = set(times)
    return any(moment > now - RESEND_GAP for moment in moments) or len(moments) >= RESENDS_PER_DAY


def _links_sent_within_a_day(where, now):
    return db.session.execute(
        select(OutboxMessage.created_at).where(
            OutboxMessage.kind == MessageKind.LINK, OutboxMessage.created_at > now - DAY, where)
    ).scalars().all()


def _send(registration, now):
    """A new link for `registration`, working alongside its earlier ones,
    queued to the contact on file."""
    token = new_manage_token()
    db.session.add(ManageToken(registration_id=registration.id, token_hash=hash_token(token), created_at=now))
    return outbox.queue(registration, MessageKind.LINK, now, payload={"token": token})


def _may_have_link(registration):
    return registration.status != RegistrationStatus.CANCELLED and outbox.channel_for(registration) is not None


def _send_within_limits(registrations, now):
    """One request: each registration's link again, unless its contact or
    itself had one too recently. Returns the queued messages."""
    registrations = [registration for registration in registrations if _may_have_link(registration)]
    recipients = {outbox.channel_for(registration)[1] for registration in registrations}
    if not registrations or _too_soon(_links_sent_within_a_day(OutboxMessage.recipient.in_(recipients), now), now):
        return []
    queued = [
        _send(registration, now) for registration in registrations
        if not _too_soon(_links_sent_within_a_day(OutboxMessage.registration_id == registration.id, now), now)
    ]
    db.session.flush()
    return queued


def send_link_again(registration_id, now):
    """Someone registered again with a contact already registered for the
    event: that registration's link goes again to its own contact."""
    registration = db.session.get(Registration, registration_id)
    return _send_within_limits([registration] if registration else [], now)


def send_links_to_contact(contact, now):
    """Someone typed a phone or email on a dead link's page: each upcoming
    registration with that contact gets its link again, on its own channel."""
    email, phone = normalize_email(contact), normalize_phone(contact)
    matches = [column == value for column, value in ((Registration.email, email), (Registration.phone, phone))
               if value]
    if not matches:
        return []
    registrations = db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(or_(*matches), Event.ends_at > now)
        .order_by(Event.starts_at, Registration.id)
    ).scalars().all()
    return _send_within_limits(registrations, now)


def forget_links(registration_id):
    """Every link sent again to this registration stops working."""
    db.session.execute(ManageToken.__table__.delete().where(ManageToken.registration_id == registration_id))
