"""The front desk's rules: check-in, undo, walk-ins, admitting from the
waitlist, no-shows, scanning codes, searching, and replays by client_key."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.clock import day_start
from portal.extensions import db as _db
from portal.models import Attendance, CheckIn, Registration, RegistrationStatus, Source, utcnow
from portal.services import checkin as service, registration as registration_service, seats, windows
from portal.services.errors import DomainError
from portal.services.schools import ensure_school
from portal.services.search import search
from portal.services.users import create_user

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


@pytest.fixture
def staff(db, school):
    user = create_user(school, "desk@lincoln.example", "Ana Desk", "frontdesk")
    db.session.commit()
    return user


@pytest.fixture
def start_now(db):
    """start_now(event): the event began ten minutes ago (families register
    before an event starts; the door opens on its day)."""

    def start(event):
        event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
        event.ends_at = event.starts_at + timedelta(hours=2)
        db.session.commit()
        return event

    return start


@pytest.fixture
def registered(db, family, now):
    def make(event, **fields):
        registration = registration_service.register(event.id, family(**fields), now).registration
        db.session.commit()
        return registration

    return make


def code_of(call):
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value


def rows(registration_id, action=None):
    statement = select(CheckIn).where(CheckIn.registration_id == registration_id)
    if action:
        statement = statement.where(CheckIn.action == action)
    return _db.session.execute(statement.order_by(CheckIn.id)).scalars().all()


# -- check-in and undo ------------------------------------------------------------------

def test_check_in_records_how_many_came_who_and_when(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event, adults=2, children=3)
    start_now(event)
    now = utcnow()

    result = service.check_in(event, family.id, staff, now, adults=1, children=2)
    db.session.commit()

    assert result.outcome == "checked_in"
    assert (family.attendance, family.checked_in_at) == (Attendance.ATTENDED, now)
    assert (family.arrived_adults, family.arrived_children) == (1, 2)
    [row] = rows(family.id)
    assert (row.action, row.staff_id, row.created_at, row.adults, row.children) == ("check_in", staff.id, now, 1, 2)
    counts = seats.seats(event)
    assert (counts.confirmed_families, counts.confirmed_people) == (1, 5)
    assert (counts.arrived_families, counts.arrived_people) == (1, 3)


def test_check_in_defaults_to_the_registered_numbers(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event, adults=2, children=1)
    start_now(event)
    service.check_in(event, family.id, staff, utcnow())
    db.session.commit()
    assert (family.arrived_adults, family.arrived_children) == (2, 1)


def test_checking_in_twice_counts_once_and_says_who_and_when(db, make_event, registered, start_now, staff, school):
    event = make_event()
    family = registered(event)
    start_now(event)
    first_time = utcnow()
    service.check_in(event, family.id, staff, first_time)
    db.session.commit()
    other_desk = create_user(school, "desk2@lincoln.example", "Bo Desk", "frontdesk")

    again = service.check_in(event, family.id, other_desk, first_time + timedelta(minutes=5), adults=4)
    db.session.commit()

    assert again.outcome == "already_checked_in"
    assert (again.checkin.staff.name, again.checkin.created_at) == ("Ana Desk", first_time)
    assert family.arrived_adults == 1  # unchanged
    assert len(rows(family.id)) == 1
    assert seats.seats(event).arrived_families == 1


def test_undo_makes_the_family_expected_again_and_is_recorded(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event)
    start_now(event)
    service.check_in(event, family.id, staff, utcnow())
    db.session.commit()

    result = service.undo_check_in(event, family.id, staff, utcnow())
    db.session.commit()

    assert result.outcome == "undone"
    assert (family.attendance, family.checked_in_at, family.arrived_adults) == (Attendance.UNKNOWN, None, None)
    assert [row.action for row in rows(family.id)] == ["check_in", "undo"]
    assert seats.seats(event).arrived_families == 0
    assert code_of(lambda: service.undo_check_in(event, family.id, staff, utcnow())).code == "not_checked_in"


@pytest.mark.parametrize("numbers, code", [
    (dict(adults=0, children=0), "nobody_arrived"),
    (dict(adults=11), "arrived_adults_out_of_range"),
    (dict(children=16), "arrived_children_out_of_range"),
    (dict(adults=-1), "arrived_adults_out_of_range"),
])
def test_impossible_arrived_numbers_are_refused(db, make_event, registered, start_now, staff, numbers, code):
    event = make_event()
    family = registered(event)
    start_now(event)
    error = code_of(lambda: service.check_in(event, family.id, staff, utcnow(), **numbers))
    assert error.code == code
    db.session.rollback()
    assert db.session.get(Registration, family.id).attendance == Attendance.UNKNOWN


def test_check_in_opens_on_the_day_of_the_event(db, make_event, registered, staff):
    event = make_event(days=3)
    family = registered(event)
    assert code_of(lambda: service.check_in(event, family.id, staff, utcnow())).code == "checkin_not_open"
    assert not windows.checkin_open(event, utcnow())
    local_midnight = day_start(event.starts_at, event.school.tz)
    assert windows.checkin_open(event, local_midnight)
    assert not windows.checkin_open(event, local_midnight - timedelta(seconds=1))


def test_a_family_of_another_event_is_not_found(db, make_event, registered, start_now, staff):
    event, other = make_event(), make_event()
    family = registered(other)
    start_now(event)
    assert code_of(lambda: service.check_in(event, family.id, staff, utcnow())).code == "registration_not_found"


def test_waitlisted_and_cancelled_families_are_not_checked_in_directly(db, make_event, registered, start_now, staff, now):
    event = make_event(capacity=2)
    registered(event, adults=2)
    waiting = registered(event, adults=1)
    gone = registered(event, adults=1)
    registration_service.cancel_registration(gone.id, now)
    db.session.commit()
    start_now(event)
    assert waiting.status == WAITLISTED
    assert code_of(lambda: service.check_in(event, waiting.id, staff, utcnow())).code == "registration_waitlisted"
    assert code_of(lambda: service.check_in(event, gone.id, staff, utcnow())).code == "registration_cancelled"


# -- walk-ins and the waitlist -------------------------------------------------------------

def test_walk_in_is_confirmed_and_checked_in_even_over_capacity(db, make_event, registered, start_now, staff, family):
    event = make_event(capacity=3)
    registered(event, adults=2, children=1)
    start_now(event)

    result = service.walk_in(event, family(name="Amina Yusuf", phone=None, adults=1, children=2,
                                           childcare_children=2, interpreter_language="ar"),
                             staff, utcnow(), client_key="walk-1")
    db.session.commit()

    registration = result.registration
    assert (result.outcome, result.over_capacity) == ("walked_in", True)
    assert (registration.status, registration.source, registration.attendance) == (
        CONFIRMED, Source.WALK_IN, Attendance.ATTENDED)
    assert (registration.phone, registration.email, registration.submission_key) == (None, None, "walk-1")
    assert (registration.arrived_adults, registration.arrived_children) == (1, 2)
    assert sorted(need.kind for need in registration.needs) == ["childcare", "interpreter"]
    assert [row.client_key for row in rows(registration.id)] == ["walk-1"]
    counts = seats.seats(event)
    assert (counts.confirmed_people, counts.capacity, counts.over_capacity, counts.walk_in_families) == (6, 3, True, 1)


def test_walk_in_replayed_with_its_client_key_registers_nobody_new(db, make_event, start_now, staff, family):
    event = start_now(make_event())
    details = family(name="Late Family", phone=None)
    first = service.walk_in(event, details, staff, utcnow(), client_key="walk-2")
    db.session.commit()

    again = service.walk_in(event, details, staff, utcnow(), client_key="walk-2")
    db.session.commit()

    assert again.replayed and again.registration.id == first.registration.id
    total = db.session.execute(select(func.count()).select_from(Registration)).scalar_one()
    assert total == 1
    assert len(rows(first.registration.id)) == 1


def test_walk_in_needs_a_name_but_no_contact(db, make_event, start_now, staff, family):
    event = start_now(make_event())
    assert code_of(lambda: service.walk_in(event, family(name=" ", phone=None), staff, utcnow())).code == "name_missing"


def test_walk_in_with_a_phone_already_registered_is_pointed_to_that_family(db, make_event, registered, start_now,
                                                                             staff, family):
    event = make_event()
    existing = registered(event, phone="+16125550777")
    start_now(event)
    error = code_of(lambda: service.walk_in(event, family(phone="+16125550777"), staff, utcnow()))
    assert (error.code, error.params["registration_id"]) == ("already_registered", existing.id)


def test_admitting_a_waitlisted_family_confirms_and_checks_them_in_over_capacity(db, make_event, registered, start_now,
                                                                                staff):
    event = make_event(capacity=2)
    registered(event, adults=2)
    waiting = registered(event, adults=1, children=1)
    start_now(event)
    assert waiting.status == WAITLISTED

    result = service.admit(event, waiting.id, staff, utcnow(), client_key="admit-1")
    db.session.commit()

    assert (result.outcome, result.over_capacity) == ("admitted", True)
    assert (waiting.status, waiting.attendance, waiting.waitlisted_at) == (CONFIRMED, Attendance.ATTENDED, None)
    assert [(row.action, row.client_key) for row in rows(waiting.id)] == [("check_in", "admit-1")]
    counts = seats.seats(event)
    assert (counts.confirmed_people, counts.waitlisted_families, counts.arrived_people) == (4, 0, 2)


def test_admitting_a_confirmed_family_simply_checks_them_in(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event)
    start_now(event)
    result = service.admit(event, family.id, staff, utcnow())
    assert (result.outcome, result.over_capacity) == ("checked_in", False)


# -- no-shows ------------------------------------------------------------------------------

def test_no_shows_are_the_confirmed_families_not_checked_in(db, make_event, registered, start_now, staff):
    event = make_event(capacity=3)
    came = registered(event)
    absent = [registered(event), registered(event)]
    waiting = registered(event, adults=2)
    start_now(event)
    service.check_in(event, came.id, staff, utcnow())
    db.session.commit()

    marked = service.mark_no_shows(event, staff, utcnow())
    db.session.commit()

    assert marked == 2
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).attendance for r in absent] == [Attendance.NO_SHOW] * 2
    assert db.session.get(Registration, came.id).attendance == Attendance.ATTENDED
    assert db.session.get(Registration, waiting.id).attendance == Attendance.UNKNOWN
    assert [row.staff_id for row in rows(absent[0].id, "no_show")] == [staff.id]
    assert seats.seats(event).no_show_families == 2
    assert service.mark_no_shows(event, staff, utcnow()) == 0  # nothing left to mark

    # One of them arrives late after all: checking in undoes the no-show.
    late = service.check_in(event, absent[0].id, staff, utcnow())
    db.session.commit()
    assert (late.outcome, late.registration.attendance) == ("checked_in", Attendance.ATTENDED)
    counts = seats.seats(event)
    assert (counts.no_show_families, counts.arrived_families) == (1, 2)


def test_no_shows_wait_until_the_event_has_started(db, make_event, registered, staff):
    event = make_event()
    registered(event)
    assert code_of(lambda: service.mark_no_shows(event, staff, utcnow())).code == "event_not_started"


# -- scanning a code -----------------------------------------------------------------------

def test_scanning_a_code_checks_the_family_in_with_the_registered_numbers(db, make_event, registered, start_now,
                                                                        staff):
    event = make_event()
    family = registered(event, adults=2, children=2)
    start_now(event)
    result = service.scan(event, f" {family.checkin_code.lower()}\n", staff, utcnow())
    db.session.commit()
    assert result.outcome == "checked_in"
    assert (family.arrived_adults, family.arrived_children) == (2, 2)
    assert service.scan(event, family.checkin_code, staff, utcnow()).outcome == "already_checked_in"


def test_a_code_of_another_event_is_refused_naming_no_family(db, make_event, registered, start_now, staff, now):
    event, other = make_event(), make_event()
    theirs = registered(other, name="Someone Else")
    start_now(event)
    error = code_of(lambda: service.scan(event, theirs.checkin_code, staff, utcnow()))
    assert (error.code, error.params) == ("code_other_event", {"other_event_id": other.id})
    assert db.session.get(Registration, theirs.id).attendance == Attendance.UNKNOWN


def test_a_code_of_another_school_is_refused_without_saying_where_it_belongs(db, make_event, registered, start_now,
                                                                           staff, family, now):
    event = make_event()
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    theirs = make_event(school_id=other_school.id)
    registration = registered(theirs)
    start_now(event)
    error = code_of(lambda: service.scan(event, registration.checkin_code, staff, utcnow()))
    assert (error.code, error.params) == ("code_other_event", {})


def test_scanning_a_waitlisted_family_offers_to_admit_them(db, make_event, registered, start_now, staff):
    event = make_event(capacity=1)
    registered(event)
    waiting = registered(event)
    start_now(event)
    result = service.scan(event, waiting.checkin_code, staff, utcnow())
    assert (result.outcome, result.registration.id) == ("waitlisted", waiting.id)
    assert waiting.attendance == Attendance.UNKNOWN


def test_what_is_not_a_known_code_is_a_search(db, make_event, start_now, staff):
    event = start_now(make_event())
    assert service.scan(event, "García", staff, utcnow()) is None
    assert service.scan(event, "ACDEFG", staff, utcnow()) is None  # shaped like a code, but nobody's


# -- replays by client_key ---------------------------------------------------------------

def test_a_replayed_check_in_is_already_done(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event)
    start_now(event)
    first = service.check_in(event, family.id, staff, utcnow(), client_key="key-1")
    db.session.commit()
    service.undo_check_in(event, family.id, staff, utcnow(), client_key="key-2")
    db.session.commit()

    # The offline queue sends both again: each counts once, in its own place.
    again = service.check_in(event, family.id, staff, utcnow(), client_key="key-1")
    undo_again = service.undo_check_in(event, family.id, staff, utcnow(), client_key="key-2")
    db.session.commit()

    assert first.outcome == "checked_in" and (again.outcome, again.replayed) == ("checked_in", True)
    assert (undo_again.outcome, undo_again.replayed) == ("undone", True)
    assert [row.action for row in rows(family.id)] == ["check_in", "undo"]
    assert family.attendance == Attendance.UNKNOWN


def test_an_overlong_client_key_is_refused(db, make_event, registered, start_now, staff):
    event = make_event()
    family = registered(event)
    start_now(event)
    assert code_of(lambda: service.check_in(event, family.id, staff, utcnow(), client_key="k" * 65)).code == \
        "client_key_invalid"


# -- today's events, counts and the search -----------------------------------------------

def test_door_events_are_today_and_tomorrow_in_the_school_timezone(db, make_event, school):
    tz = school.tz
    local_noon = datetime.now(tz).replace(hour=12, minute=0, second=0, microsecond=0)

    def at(days):
        start = (local_noon + timedelta(days=days)).astimezone(timezone.utc).replace(tzinfo=None)
        return make_event(days=0, starts_at=start, ends_at=start + timedelta(hours=1))

    _yesterday, today, tomorrow, _later = at(-1), at(0), at(1), at(2)
    make_event(days=0, starts_at=today.starts_at, ends_at=today.ends_at, status="draft")
    now = local_noon.astimezone(timezone.utc).replace(tzinfo=None) - timedelta(hours=3)
    assert [event.id for event in service.frontdesk_events(school, now)] == [today.id, tomorrow.id]


def test_search_finds_families_by_name_phone_email_and_code(db, make_event, registered, now):
    event = make_event(capacity=6)
    jose = registered(event, name="José Núñez", phone="+16125550123", email="jose@example.org")
    registered(event, name="Nguyễn Thị Lan", phone="+16125559876")
    registered(event, name="Fatima Al-Zahra", email="fatima@example.org")
    arabic = registered(event, name="فاطمة الزهراء")
    waiting = registered(event, name="Joseph Waits", adults=3)
    other_event_family = registered(make_event(), name="José Other")
    assert waiting.status == WAITLISTED and other_event_family.event_id != event.id

    def names(text):
        return [r.name for r in search(event.id, text).registrations]

    assert names("jose") == ["José Núñez", "Joseph Waits"]  # confirmed first, no other event
    assert names("JOSÉ núñez") == ["José Núñez"]
    assert names("nunez") == ["José Núñez"]
    assert names("nguyen lan") == ["Nguyễn Thị Lan"]
    assert names("الزهراء") == ["فاطمة الزهراء"]
    assert names("0123") == ["José Núñez"]
    assert names("555 9876") == ["Nguyễn Thị Lan"]
    assert names("٩٨٧٦") == ["Nguyễn Thị Lan"]  # Arabic-Indic digits
    assert names("fatima@example.org") == ["Fatima Al-Zahra"]
    assert names("fatima@") == ["Fatima Al-Zahra"]
    assert names(jose.checkin_code.lower()) == ["José Núñez"]
    assert names("%") == [] and names("_") == [] and names("") == []
    registration_service.cancel_registration(arabic.id, now)
    db.session.commit()
    assert names("الزهراء") == []


def test_search_puts_names_that_start_with_the_query_first(db, make_event, registered):
    event = make_event(capacity=10)
    for name in ("Ana Mariana", "Mariana Lopez", "Rosa Mari"):
        registered(event, name=name)
    assert [r.name for r in search(event.id, "mari").registrations] == [
        "Mariana Lopez", "Ana Mariana", "Rosa Mari"]


def test_the_roster_since_a_time_includes_cancelled_families(db, make_event, registered, now):
    event = make_event()
    staying, leaving = registered(event), registered(event)
    before = utcnow()
    registration_service.cancel_registration(leaving.id, utcnow() + timedelta(minutes=5))
    db.session.commit()
    assert {r.id for r in service.roster(event.id)} == {staying.id}
    changed = service.roster(event.id, changed_since=before + service.CHANGES_MARGIN)
    assert [r.id for r in changed] == [leaving.id]
