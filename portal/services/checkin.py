"""The front desk: today's events, the list, checking families in (finding
a family is services.search; the counts are services.seats).

Plain functions: they take model objects or ids, the acting staff user and
`now`, refuse with DomainError("code", field=...), record every check-in,
undo and no-show as a CheckIn row, and flush. The request commits once.

A check-in locks the registration row first (SELECT ... FOR UPDATE on
PostgreSQL, the write lock on SQLite), so two desks scanning the same code
at once count the family once: the second answer is "already checked in".
Admitting a waitlisted family changes the seats taken, so it locks the event
row first, like every other change of seats. A `client_key` (sent by the
page with every action, and kept with an action queued while offline) makes
a replayed action count once: it is stored on the CheckIn row, and on the
Registration (as its submission_key) for a walk-in."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, insert, select, update

from ..clock import day_bounds, school_day
from ..database import lock_row
from ..extensions import db
from ..models import (
    Attendance,
    CheckIn,
    CheckInAction,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Source,
    User,
)
from . import windows
from .errors import DomainError, RegistrationError
from .registration import MAX_ADULTS, MAX_CHILDREN, register
from .search import looks_like_code
from .seats import over_capacity
from .tokens import normalize_checkin_code

CHECK_IN, UNDO, NO_SHOW = CheckInAction.CHECK_IN, CheckInAction.UNDO, CheckInAction.NO_SHOW
MAX_CLIENT_KEY = 64
# Rows changed this long before the last poll are sent again: a transaction
# stamps updated_at when it flushes, and may commit a little later.
CHANGES_MARGIN = timedelta(minutes=2)


class CheckInError(DomainError):
    pass


# -- days and events ----------------------------------------------------------------

def _at_the_door(school, now):
    """The door's events: published events of the school taking place today
    or tomorrow (school time)."""
    start, end = day_bounds(school_day(now, school.tz), school.tz, days=2)
    return (Event.school_id == school.id, Event.status == EventStatus.PUBLISHED,
            Event.starts_at < end, Event.ends_at > start)


def frontdesk_events(school, now):
    return db.session.execute(
        select(Event).where(*_at_the_door(school, now)).order_by(Event.starts_at, Event.id)
    ).scalars().all()


def is_frontdesk_event(event, now):
    """Whether the front desk may open this event's list of families."""
    return db.session.execute(
        select(Event.id).where(Event.id == event.id, *_at_the_door(event.school, now))
    ).first() is not None


def _check_checkin_open(event, now):
    windows.check_open(event, now, windows.CHECK_IN, CheckInError)


# -- what changed -----------------------------------------------------------------------

def changes_stamp(event_id):
    """Changes whenever a registration of the event does: the page polls it
    and fetches the changed rows only when it moves."""
    latest, total = db.session.execute(
        select(func.max(Registration.updated_at), func.count())
        .where(Registration.event_id == event_id)
    ).one()
    return f"{latest.isoformat() if latest else '-'}/{total}"


# -- the list ---------------------------------------------------------------------------

def _listed(statement):
    return statement.order_by(
        case((Registration.status == RegistrationStatus.CONFIRMED, 0), else_=1),
        Registration.search_name, Registration.id,
    )


def roster(event_id, changed_since=None):
    """Every family of the event, confirmed first, then waitlisted. With
    `changed_since`, only those changed since then, cancelled ones included
    (so that a page holding the list can drop them)."""
    statement = select(Registration).where(Registration.event_id == event_id)
    if changed_since is None:
        statement = statement.where(Registration.status != RegistrationStatus.CANCELLED)
    else:
        statement = statement.where(Registration.updated_at >= changed_since - CHANGES_MARGIN)
    return db.session.execute(_listed(statement)).scalars().all()


def roster_page(event_id, page, per_page):
    """One page of the list, and whether there are more."""
    statement = select(Registration).where(
        Registration.event_id == event_id, Registration.status != RegistrationStatus.CANCELLED
    )
    rows = db.session.execute(
        _listed(statement).offset((page - 1) * per_page).limit(per_page + 1)
    ).scalars().all()
    return rows[:per_page], len(rows) > per_page


# -- who did what ------------------------------------------------------------------------

def last_check_in(registration_id):
    """The CheckIn row of the family's current check-in (who, when), or None."""
    return db.session.execute(
        select(CheckIn)
        .where(CheckIn.registration_id == registration_id, CheckIn.action == CHECK_IN)
        .order_by(CheckIn.id.desc()).limit(1)
    ).scalar_one_or_none()


def check_in_staff(event_id, registration_ids=None):
    """{registration_id: staff name} of the latest check-in of each family
    (of those listed, or of the whole event), in one query."""
    statement = (
        select(CheckIn.registration_id, User.name)
        .outerjoin(User, User.id == CheckIn.staff_id)
        .where(CheckIn.event_id == event_id, CheckIn.action == CHECK_IN)
        .order_by(CheckIn.id)
    )
    if registration_ids is not None:
        if not registration_ids:
            return {}
        statement = statement.where(CheckIn.registration_id.in_(registration_ids))
    rows = db.session.execute(statement).all()
    return {registration_id: name for registration_id, name in rows}


# -- changes at the door ---------------------------------------------------------------

@dataclass
class DoorResult:
    """What happened: `outcome` is checked_in, already_checked_in, undone,
    admitted, walked_in or waitlisted (a scanned family that must be admitted
    first). `checkin` is the row that recorded the family's check-in (who and
    when), `replayed` says the action had been done before under the same
    client_key, `over_capacity` that the event now has more people than places."""

    outcome: str
    registration: Registration
    checkin: CheckIn | None = None
    replayed: bool = False
    over_capacity: bool = False


def _clean_client_key(client_key):
    client_key = (client_key or "").strip()
    if len(client_key) > MAX_CLIENT_KEY:
        raise CheckInError("client_key_invalid")
    return client_key or None


def _earlier_action(client_key):
    if client_key is None:
        return None
    return db.session.execute(select(CheckIn).where(CheckIn.client_key == client_key)).scalar_one_or_none()


def _lock_registration(event, registration_id):
    registration = lock_row(Registration, registration_id) if registration_id else None
    if registration is None or registration.event_id != event.id:
        raise CheckInError("registration_not_found")
    return registration


def _arrived_numbers(registration, adults, children):
    adults = registration.adults if adults is None else adults
    children = registration.children if children is None else children
    if not isinstance(adults, int) or not 0 <= adults <= MAX_ADULTS:
        raise CheckInError("arrived_adults_out_of_range", field="adults", max=MAX_ADULTS)
    if not isinstance(children, int) or not 0 <= children <= MAX_CHILDREN:
        raise CheckInError("arrived_children_out_of_range", field="children", max=MAX_CHILDREN)
    if adults + children == 0:
        raise CheckInError("nobody_arrived", field="adults")
    return adults, children


def _record(registration, action, user, now, client_key, adults=0, children=0):
    row = CheckIn(registration_id=registration.id, event_id=registration.event_id, action=action,
                  adults=adults, children=children, staff_id=user.id if user else None,
                  client_key=client_key, created_at=now)
    db.session.add(row)
    return row


def _replayed(event, earlier, outcome):
    registration = db.session.get(Registration, earlier.registration_id)
    if registration is None or registration.event_id != event.id:
        raise CheckInError("client_key_invalid")
    checkin = last_check_in(registration.id) if registration.attendance == Attendance.ATTENDED else None
    return DoorResult(outcome, registration, checkin, replayed=True,
                      over_capacity=over_capacity(event))


def _mark_arrived(registration, adults, children, user, now, client_key):
    registration.mark_attendance(Attendance.ATTENDED, now, adults, children)
    row = _record(registration, CHECK_IN, user, now, client_key, adults, children)
    db.session.flush()
    return row


def check_in(event, registration_id, user, now, adults=None, children=None, client_key=None):
    """Check a confirmed family in with how many came (the registered numbers
    unless told). A second check-in changes nothing and answers
    already_checked_in with who checked them in and when. A family marked
    as a no-show is checked in all the same."""
    client_key = _clean_client_key(client_key)
    _check_checkin_open(event, now)
    registration = _lock_registration(event, registration_id)
    earlier = _earlier_action(client_key)
    if earlier is not None:
        return _replayed(event, earlier, "checked_in")
    if registration.status == RegistrationStatus.CANCELLED:
        raise CheckInError("registration_cancelled")
    if registration.status == RegistrationStatus.WAITLISTED:
        raise CheckInError("registration_waitlisted")
    if registration.attendance == Attendance.ATTENDED:
        return DoorResult("already_checked_in", registration, last_check_in(registration.id))
    adults, children = _arrived_numbers(registration, adults, children)
    row = _mark_arrived(registration, adults, children, user, now, client_key)
    return DoorResult("checked_in", registration, row)


def undo_check_in(event, registration_id, user, now, client_key=None):
    """Take back a check-in made by mistake: the family is expected again."""
    client_key = _clean_client_key(client_key)
    registration = _lock_registration(event, registration_id)
    earlier = _earlier_action(client_key)
    if earlier is not None:
        return _replayed(event, earlier, "undone")
    if registration.attendance != Attendance.ATTENDED:
        raise CheckInError("not_checked_in")
    registration.mark_attendance(Attendance.UNKNOWN, now)
    _record(registration, UNDO, user, now, client_key)
    db.session.flush()
    return DoorResult("undone", registration)


def admit(event, registration_id, user, now, adults=None, children=None, client_key=None):
    """A waitlisted family came anyway: confirm them, even over capacity, and
    check them in. A family already confirmed is simply checked in."""
    client_key = _clean_client_key(client_key)
    _check_checkin_open(event, now)
    if lock_row(Event, event.id) is None:  # the seats taken change: the event row first
        raise CheckInError("event_not_found")
    registration = _lock_registration(event, registration_id)
    earlier = _earlier_action(client_key)
    if earlier is not None:
        return _replayed(event, earlier, "admitted")
    if registration.status == RegistrationStatus.CANCELLED:
        raise CheckInError("registration_cancelled")
    if registration.attendance == Attendance.ATTENDED:
        return DoorResult("already_checked_in", registration, last_check_in(registration.id))
    adults, children = _arrived_numbers(registration, adults, children)
    outcome = "checked_in"
    if registration.status == RegistrationStatus.WAITLISTED:
        registration.move_to(RegistrationStatus.CONFIRMED, now)
        outcome = "admitted"
    row = _mark_arrived(registration, adults, children, user, now, client_key)
    return DoorResult(outcome, registration, row,
                      over_capacity=over_capacity(event))


def walk_in(event, details, user, now, client_key=None):
    """A family that did not register: registered on the spot (phone and
    email optional), confirmed even over capacity, and checked in with the
    numbers given. The same client_key sent again registers nobody new."""
    client_key = _clean_client_key(client_key)
    _check_checkin_open(event, now)
    try:
        registered = register(event.id, details, now, submission_key=client_key, source=Source.WALK_IN,
                              enforce_deadline=False, admit_over_capacity=True)
    except RegistrationError as error:
        if error.code != "duplicate_submission":
            raise
        registration = db.session.get(Registration, error.params["registration_id"])
        if registration.event_id != event.id:
            raise CheckInError("client_key_invalid") from None
        checkin = last_check_in(registration.id) if registration.attendance == Attendance.ATTENDED else None
        return DoorResult("walked_in", registration, checkin, replayed=True,
                          over_capacity=over_capacity(event))
    registration = registered.registration
    row = _mark_arrived(registration, details.adults, details.children, user, now, client_key)
    return DoorResult("walked_in", registration, row,
                      over_capacity=over_capacity(event))


def scan(event, text, user, now, client_key=None):
    """What a barcode scanner (or a person) typed, followed by Enter. When it
    is the check-in code of a confirmed family of this event, check them in
    with the registered numbers; a waitlisted family answers `waitlisted`
    (to be admitted). A code of another event is refused, naming no family:
    code_other_event carries the other event's id when it is of the same
    school. Returns None when the text is not a known code (then search)."""
    if not looks_like_code(text):
        return None
    found = db.session.execute(
        select(Registration.id, Registration.event_id, Registration.status, Event.school_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.checkin_code == normalize_checkin_code(text))
    ).first()
    if found is None:
        return None
    if found.event_id != event.id:
        if found.school_id == event.school_id:
            raise CheckInError("code_other_event", other_event_id=found.event_id)
        raise CheckInError("code_other_event")
    if found.status == RegistrationStatus.CANCELLED:
        raise CheckInError("registration_cancelled")
    if found.status == RegistrationStatus.WAITLISTED:
        _check_checkin_open(event, now)
        return DoorResult("waitlisted", db.session.get(Registration, found.id))
    return check_in(event, found.id, user, now, client_key=client_key)


def mark_no_shows(event, user, now):
    """After the event has started: every confirmed family not checked in is
    marked as a no-show (checking one in later undoes it for them).
    Returns how many were marked."""
    windows.check_open(event, now, windows.NO_SHOWS, CheckInError)
    if lock_row(Event, event.id) is None:
        raise CheckInError("event_not_found")
    marked = db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED,
               Registration.attendance == Attendance.UNKNOWN)
        .values(attendance=Attendance.NO_SHOW, updated_at=now)
        .returning(Registration.id)
        .execution_options(synchronize_session="fetch")
    ).scalars().all()
    if marked:
        db.session.execute(insert(CheckIn), [
            dict(registration_id=registration_id, event_id=event.id, action=NO_SHOW, adults=0, children=0,
                 staff_id=user.id if user else None, client_key=None, created_at=now)
            for registration_id in marked
        ])
    db.session.flush()
    return len(marked)
