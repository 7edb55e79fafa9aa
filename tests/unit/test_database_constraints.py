"""The database itself refuses impossible numbers and statuses, and keeps
the uniqueness the services rely on, on SQLite and on PostgreSQL: whatever
writes a row (a script, a console, a bug that skipped a service's check)."""
from datetime import timedelta

import pytest
from sqlalchemy import inspect, update
from sqlalchemy.exc import IntegrityError

from portal.models import CheckIn, Event, EventStatus, OutboxMessage, Registration, utcnow
from portal.services import checkin, registration as service


def unique_column_sets(connection, table):
    """The column sets the database keeps unique in `table` (constraints and unique indexes)."""
    inspector = inspect(connection)
    found = {tuple(unique["column_names"]) for unique in inspector.get_unique_constraints(table)}
    return found | {tuple(index["column_names"]) for index in inspector.get_indexes(table) if index["unique"]}


def test_each_reminder_key_is_unique_in_the_database(db):
    """Two workers queueing the same reminder insert it once only because of this index."""
    with db.engine.connect() as connection:
        assert ("dedupe_key",) in unique_column_sets(connection, OutboxMessage.__tablename__)


@pytest.fixture
def rows(db, make_event, family, desk, now):
    event = make_event(capacity=4)
    registration = service.register(event.id, family(adults=2, children=1), now).registration
    event.starts_at = utcnow() - timedelta(minutes=5)
    checkin.check_in(event, registration.id, desk, utcnow())
    db.session.commit()
    return {Event: event.id, Registration: registration.id,
            CheckIn: db.session.query(CheckIn.id).filter_by(registration_id=registration.id).scalar()}


REFUSED = [
    (Event, dict(capacity=0)),
    (Event, dict(capacity=5001)),
    (Event, dict(childcare_capacity=-1)),
    (Event, dict(status="open")),
    (Registration, dict(adults=0)),
    (Registration, dict(adults=11)),
    (Registration, dict(children=-1)),
    (Registration, dict(children=16)),
    (Registration, dict(arrived_adults=-1)),
    (Registration, dict(arrived_children=16)),
    (Registration, dict(status="maybe")),
    (Registration, dict(attendance="late")),
    (CheckIn, dict(adults=-1)),
    (CheckIn, dict(children=16)),
]


@pytest.mark.parametrize("model, values", REFUSED,
                         ids=[f"{model.__tablename__}.{next(iter(values))}={next(iter(values.values()))}"
                              for model, values in REFUSED])
def test_an_impossible_value_is_refused_by_the_database(db, rows, model, values):
    with pytest.raises(IntegrityError):
        db.session.execute(update(model).where(model.id == rows[model]).values(**values))
        db.session.flush()
    db.session.rollback()


def test_the_limits_themselves_are_stored(db, rows):
    """The edges are allowed: the constraints refuse only what no form accepts."""
    db.session.execute(update(Event).where(Event.id == rows[Event]).values(capacity=5000, childcare_capacity=0))
    db.session.execute(update(Registration).where(Registration.id == rows[Registration])
                       .values(adults=10, children=15, arrived_adults=0, arrived_children=15))
    db.session.commit()
    assert db.session.get(Registration, rows[Registration]).party_size == 25


def test_an_event_of_no_places_cannot_be_inserted(db, school):
    start = utcnow() + timedelta(days=3)
    db.session.add(Event(school_id=school.id, status=EventStatus.PUBLISHED, starts_at=start,
                         ends_at=start + timedelta(hours=1), location="Gym", grades=["K"], capacity=0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
