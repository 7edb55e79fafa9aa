"""Two desks (or a double scan) checking the same family in at the same
moment count them once, on SQLite (a file database, BEGIN IMMEDIATE) and on
PostgreSQL (SELECT ... FOR UPDATE)."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import Attendance, CheckIn, Event, Registration, User, utcnow
from portal.services import checkin as service, registration as registration_service, seats
from portal.services.users import create_user
from tests.unit.test_concurrency import PARALLEL, fire_at_once


def _ready(db, make_event, family, school, capacity=20, waiting=False):
    event = make_event(capacity=capacity)
    if waiting:
        registration_service.register(event.id, family(adults=capacity), utcnow())
    registration = registration_service.register(event.id, family(adults=2, children=1), utcnow()).registration
    users = [create_user(school, f"desk{i}@lincoln.example", f"Desk {i}", "frontdesk")
             for i in range(PARALLEL)]
    event.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    return event.id, registration.id, [user.id for user in users]


def _check_ins(registration_id):
    return _db.session.execute(
        select(func.count()).select_from(CheckIn)
        .where(CheckIn.registration_id == registration_id, CheckIn.action == "check_in")
    ).scalar_one()


def test_the_same_family_checked_in_at_once_from_many_desks_counts_once(app, db, make_event, family, school):
    event_id, registration_id, user_ids = _ready(db, make_event, family, school)
    outcomes = []

    def desk(user_id):
        event = _db.session.get(Event, event_id)
        result = service.check_in(event, registration_id, _db.session.get(User, user_id), utcnow())
        outcomes.append(result.outcome)

    failures = fire_at_once(app, [lambda u=u: desk(u) for u in user_ids])

    assert failures == []
    assert sorted(outcomes) == ["already_checked_in"] * (PARALLEL - 1) + ["checked_in"]
    assert _check_ins(registration_id) == 1
    registration = _db.session.get(Registration, registration_id)
    assert (registration.attendance, registration.arrived_adults, registration.arrived_children) == (
        Attendance.ATTENDED, 2, 1)
    counts = seats.seats(_db.session.get(Event, event_id))
    assert (counts.arrived_families, counts.arrived_people) == (1, 3)


def test_an_offline_check_in_replayed_at_once_counts_once(app, db, make_event, family, school):
    """The queue of one device sent twice at the same moment (two tabs, a retry)."""
    event_id, registration_id, user_ids = _ready(db, make_event, family, school)
    outcomes = []

    def replay():
        event = _db.session.get(Event, event_id)
        result = service.check_in(event, registration_id, _db.session.get(User, user_ids[0]), utcnow(),
                                  client_key="same-key")
        outcomes.append(result.outcome)

    failures = fire_at_once(app, [replay for _ in range(PARALLEL)])

    assert failures == []
    assert set(outcomes) <= {"checked_in", "already_checked_in"}
    assert _check_ins(registration_id) == 1


def test_admitting_the_same_waitlisted_family_at_once_admits_them_once(app, db, make_event, family, school):
    event_id, registration_id, user_ids = _ready(db, make_event, family, school, capacity=4, waiting=True)
    outcomes = []

    def desk(user_id):
        event = _db.session.get(Event, event_id)
        outcomes.append(service.admit(event, registration_id, _db.session.get(User, user_id), utcnow()).outcome)

    failures = fire_at_once(app, [lambda u=u: desk(u) for u in user_ids])

    assert failures == []
    assert sorted(outcomes) == ["admitted"] + ["already_checked_in"] * (PARALLEL - 1)
    assert _check_ins(registration_id) == 1
    assert seats.confirmed_people(event_id) == 4 + 3
