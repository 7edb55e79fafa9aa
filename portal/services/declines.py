"""A family's "we can't come", so that organizers learn what keeps families away."""
from ..extensions import db
from ..models import Decline, DeclineReason
from .errors import DomainError
from .windows import DECLINE_FORM, is_open

MAX_NOTE = 1000


def record_decline(event, reason, language, now, note="", name=""):
    if reason not in DeclineReason.values():
        raise DomainError("unknown_reason", field="reason")
    if not is_open(event, now, DECLINE_FORM):
        raise DomainError("event_closed")
    decline = Decline(
        event_id=event.id, reason=reason, language=language,
        note=(note or "").strip()[:MAX_NOTE], name=(name or "").strip()[:200],
    )
    db.session.add(decline)
    db.session.flush()
    return decline
