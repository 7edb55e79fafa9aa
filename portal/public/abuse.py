"""What keeps one visitor from taking a school's places: too many
registrations from one network (a form sent by a program rather than a
person is caught by portal/bot_check.py). Families never see a puzzle; a
refusal is a sentence in their language."""
from flask import current_app
from limits import parse

from ..extensions import limiter
from ..services.addresses import address_hash, in_networks, parse_networks


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
