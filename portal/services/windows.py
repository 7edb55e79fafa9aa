"""May this happen now: the one check of an event's state and the clock
before anything is done to its registrations.

Each kind of action has its window (a `Window`); `closed_reason` answers
None when the action may happen now, else the error code that says why
not, in this order: the event is cancelled, is not published (a draft), the
door is not open yet, the event has not started, it has started, the
registration deadline has passed. Pages show the answer; they do not work
it out again."""
from dataclasses import dataclass

from ..clock import day_start
from ..models import EventStatus
from .errors import RegistrationError


@dataclass(frozen=True)
class Window:
    drafts: bool = False  # may happen while the event is a draft
    until_start: bool = True  # closes when the event starts
    until_deadline: bool = False  # closes at the registration deadline
    from_event_day: bool = False  # opens at midnight (school time) of the day the event starts
    from_start: bool = False  # opens when the event starts


# A family registers or changes its registration online.
FAMILY_FORM = Window(until_deadline=True)
# Staff register or change a family: the deadline is for families only.
STAFF_FORM = Window()
# A family tells us it cannot come.
DECLINE_FORM = Window()
# Staff call a household about the event and write down what it said.
CALL = Window()
# Places are given to waiting families, in turn.
PROMOTION = Window()
# An organizer confirms one family by hand (restores it, or promotes it out of turn), draft or not.
BY_HAND = Window(drafts=True)
# The door registers a family that walked in: it never turns a family away.
WALK_IN = Window(until_start=False)
# The front desk checks families in: from the event's day on, and afterwards, to put mistakes right.
CHECK_IN = Window(until_start=False, from_event_day=True)
# Families not checked in are marked as no-shows once the event has started.
NO_SHOWS = Window(until_start=False, from_start=True)


def closed_reason(event, now, window=FAMILY_FORM):
    """None when the action may happen now, else the code saying why not."""
    if event.status == EventStatus.CANCELLED:
        return "event_cancelled"
    if event.status != EventStatus.PUBLISHED and not (window.drafts and event.status == EventStatus.DRAFT):
        return "event_not_found"
    if window.from_event_day and now < day_start(event.starts_at, event.school.tz):
        return "checkin_not_open"
    if window.from_start and now < event.starts_at:
        return "event_not_started"
    if window.until_start and event.starts_at <= now:
        return "event_past"
    if window.until_deadline and event.registration_deadline is not None and event.registration_deadline <= now:
        return "registration_closed"
    return None


def is_open(event, now, window=FAMILY_FORM):
    return closed_reason(event, now, window) is None


def check_open(event, now, window=FAMILY_FORM, error=RegistrationError):
    """Raise `error` with the reason when the action may not happen now."""
    reason = closed_reason(event, now, window)
    if reason is not None:
        raise error(reason)


def checkin_open(event, now):
    """Whether the front desk may check families in now."""
    return is_open(event, now, CHECK_IN)
