"""Every service that changes seats locks the event row before it counts the
places taken: SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite
(whose dialect drops FOR UPDATE). The SQL each call sends is recorded and
read in order; tests/unit/test_concurrency.py races the same calls."""
import re
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event as sa_event

from portal.models import EventStatus, RegistrationStatus, utcnow
from portal.services import checkin, event_admin, privacy, registration as service
from tests.unit.test_organizer_services import details as event_details

SEAT_COUNT = re.compile(r"sum\(registration\.adults \+ registration\.children\)", re.I)
EVENT_ROW_LOCK = re.compile(r"^SELECT\b.*\bFROM event\b.*\bFOR UPDATE\b", re.I | re.S)
TRANSACTION_END = ("COMMIT", "ROLLBACK")


@contextmanager
def recorded_sql(engine):
    """Every statement sent, with COMMIT and ROLLBACK marked where they happen."""
    statements = []

    def on_execute(_connection, _cursor, statement, *_args):
        statements.append(statement.strip())

    listeners = [("before_cursor_execute", on_execute),
                 ("commit", lambda _connection: statements.append("COMMIT")),
                 ("rollback", lambda _connection: statements.append("ROLLBACK"))]
    for name, listener in listeners:
        sa_event.listen(engine, name, listener)
    try:
        yield statements
    finally:
        for name, listener in listeners:
            sa_event.remove(engine, name, listener)


def assert_event_locked_before_counting(statements, dialect):
    counts = [index for index, statement in enumerate(statements) if SEAT_COUNT.search(statement)]
    assert counts, "the call never counted the places taken"
    before = statements[:counts[0]]
    ends = [index for index, statement in enumerate(before) if statement in TRANSACTION_END]
    transaction = before[ends[-1] + 1:] if ends else before
    if dialect == "sqlite":
        begins = [statement for statement in transaction if statement.upper().startswith("BEGIN")]
        assert begins[-1:] == ["BEGIN IMMEDIATE"], f"counted outside a BEGIN IMMEDIATE transaction: {transaction}"
    else:
        assert any(EVENT_ROW_LOCK.search(statement) for statement in transaction), \
            f"counted without SELECT ... FROM event ... FOR UPDATE first: {transaction}"


def _confirmed_and_waiting(db, make_event, family, now, **fields):
    """An event of 2 places: a confirmed party of 2, a waiting party of 2."""
    event = make_event(capacity=2, **fields)
    confirmed = service.register(event.id, family(adults=2), now).registration
    waiting = service.register(event.id, family(adults=2), now).registration
    db.session.commit()
    assert waiting.status == RegistrationStatus.WAITLISTED
    return event, confirmed, waiting


def _started(event, *_registrations):
    event.starts_at = utcnow() - timedelta(minutes=5)


def _two_places_freed_by_hand(event, *_registrations):
    event.capacity = 4  # the waitlist has not moved yet


def _cancelled_by_mistake(_event, confirmed, _waiting):
    confirmed.move_to(RegistrationStatus.CANCELLED, utcnow())  # its places not yet given away


def _unpublished_with_two_places_free(event, *_registrations):
    event.status = EventStatus.DRAFT
    event.capacity = 4


SERVICES = {
    "register": lambda s: service.register(s.event.id, s.family(adults=1), s.now),
    "update_registration": lambda s: service.update_registration(s.confirmed.id, s.family(adults=1), s.now),
    "cancel_registration": lambda s: service.cancel_registration(s.confirmed.id, s.now),
    "promote_by_hand": lambda s: service.promote_by_hand(s.waiting.id, s.now),
    "update_event": lambda s: event_admin.update_event(s.event.id, event_details(capacity=6), s.now),
    "publish": lambda s: event_admin.publish(s.event, s.now),
    "erase_registration": lambda s: privacy.erase_registration(s.confirmed, s.now),
    "admit at the door": lambda s: checkin.admit(s.event, s.waiting.id, None, s.now),
    "walk_in": lambda s: checkin.walk_in(s.event, s.family(adults=1, phone=None), None, s.now),
    "restore_registration": lambda s: service.restore_registration(s.confirmed.id, s.now),
    "cancel_burst": lambda s: service.cancel_burst(s.event.id, [s.confirmed.id], s.now),
}

BEFORE = {
    "promote_by_hand": _two_places_freed_by_hand,
    "publish": _unpublished_with_two_places_free,
    "admit at the door": _started,
    "walk_in": _started,
    "restore_registration": _cancelled_by_mistake,
}


@pytest.mark.parametrize("name", list(SERVICES))
def test_every_seat_change_locks_the_event_before_counting(db, make_event, family, now, name):
    event, confirmed, waiting = _confirmed_and_waiting(db, make_event, family, now)
    BEFORE.get(name, lambda *_arguments: None)(event, confirmed, waiting)
    db.session.commit()
    # As in a request: the view has read what it needs before calling the service.
    db.session.get(type(event), event.id)
    call = SimpleNamespace(event=event, confirmed=confirmed, waiting=waiting, family=family, now=utcnow())

    with recorded_sql(db.engine) as statements:
        SERVICES[name](call)
        db.session.flush()
    db.session.commit()

    assert_event_locked_before_counting(statements, db.engine.dialect.name)
