"""Checking that an inbound SMS webhook really comes from the provider."""
import base64
import hashlib
import hmac

# Carrier-standard opt-out words, and the Spanish ones families use.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "PARE"}
START_WORDS = {"START", "UNSTOP", "YES", "INICIO"}


def valid_provider_signature(request, config):
    """Twilio signs each webhook with the account's auth token (HMAC-SHA1 of
    the URL and the sorted form fields). Without a token nothing can be
    checked: only a development (debug) or test set-up accepts the webhook then."""
    token = config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return bool(config.get("DEBUG") or config.get("TESTING"))
    url = config["PUBLIC_BASE_URL"].rstrip("/") + request.full_path.rstrip("?")
    signed = url + "".join(f"{key}{value}" for key, value in sorted(request.form.items(multi=True)))
    expected = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(expected, request.headers.get("X-Twilio-Signature", ""))
