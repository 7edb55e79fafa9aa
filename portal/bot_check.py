"""A registration form sent by a program rather than a person: a field
people never see was filled in, or the form came back faster than anyone
can fill it. Shared by every page that shows the registration form."""
import time

from flask import current_app
from itsdangerous import BadSignature, Signer

FORM_CLOCK_SALT = "registration-form-opened"


def _clock_signer():
    return Signer(current_app.config["SECRET_KEY"], salt=FORM_CLOCK_SALT)


def form_opened_stamp(at=None):
    """A signed record of when the form was opened, kept in the form."""
    moment = int((time.time() if at is None else at) * 1000)
    return _clock_signer().sign(str(moment)).decode()


def seconds_since_opened(stamp):
    """Seconds since the form with this stamp was opened; None when the stamp
    is missing or was not made here."""
    try:
        moment = _clock_signer().unsign(stamp or "").decode()
    except BadSignature:
        return None
    if not moment.isdecimal():
        return None
    return time.time() - int(moment) / 1000


def looks_automated(trap_value, stamp):
    """True when the hidden field a person never sees was filled, or the form
    came back faster than a person can fill it."""
    if trap_value:
        return True
    minimum = current_app.config["MIN_FORM_SECONDS"]
    if minimum <= 0:
        return False
    elapsed = seconds_since_opened(stamp)
    return elapsed is None or elapsed < minimum
