"""What keeps one visitor from taking a school's places: a form sent by a
program rather than a person, and too many registrations from one network.
Families never see a puzzle; a refusal is a sentence in their language."""
import time

from flask import current_app
from itsdangerous import BadSignature, Signer
from limits import parse

from ..extensions import limiter
from ..services.addresses import address_hash, in_networks, parse_networks

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


def check_settings(config):
    """Refuse to start with limits or school networks that cannot be read,
    rather than fail on a family's registration."""
    try:
        parse_networks(config["SCHOOL_NETWORKS"])
    except ValueError as error:
        raise ValueError(f"SCHOOL_NETWORKS must be CIDRs such as 192.0.2.0/24, separated by spaces "
                         f"or commas: {error}") from None
    for name in ("REGISTRATIONS_PER_EVENT_LIMIT", "REGISTRATIONS_PER_SCHOOL_LIMIT",
                 "SCHOOL_NETWORK_PER_EVENT_LIMIT", "SCHOOL_NETWORK_PER_SCHOOL_LIMIT"):
        try:
            parse(config[name])
        except ValueError:
            raise ValueError(f"{name} must read like '6 per hour', not {config[name]!r}") from None


def requester_hash(address):
    return address_hash(address, current_app.config["SECRET_KEY"])


def _limits_for(address):
    config = current_app.config
    if in_networks(address, parse_networks(config["SCHOOL_NETWORKS"])):
        return config["SCHOOL_NETWORK_PER_EVENT_LIMIT"], config["SCHOOL_NETWORK_PER_SCHOOL_LIMIT"]
    return config["REGISTRATIONS_PER_EVENT_LIMIT"], config["REGISTRATIONS_PER_SCHOOL_LIMIT"]


def take_registration_allowance(event, address):
    """Count one registration from this address for this event and its
    school; False when either limit is already reached (nothing is counted
    then). The counts live in the rate limiter's storage, shared by every
    worker when it is Redis, under a hash of the network, not the address."""
    if not limiter.enabled:
        return True
    network = requester_hash(address) or "unknown"
    per_event, per_school = _limits_for(address)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    counters = [
        (parse(per_event), (prefix, "registrations", "event", str(event.id), network)),
        (parse(per_school), (prefix, "registrations", "school", str(event.school_id), network)),
    ]
    strategy = limiter.limiter
    if not all(strategy.test(item, *identifiers) for item, identifiers in counters):
        return False
    return all([strategy.hit(item, *identifiers) for item, identifiers in counters])
