"""Concurrent registrations never overbook, on SQLite (a file database,
BEGIN IMMEDIATE) and on PostgreSQL (SELECT ... FOR UPDATE)."""

from sqlalchemy import func, select

from portal.models import Registration, RegistrationStatus
from portal.services import registration as service
from tests.threads import run_together

PARALLEL = 12


def fire_at_once(app, calls):
    """Run each call in its own thread and app context, released together; the failures."""
    return run_together(app, calls)[0]


def test_concurrent_registrations_fill_exactly_the_capacity(app, db, make_event, family, now):
    event_id = make_event(capacity=10).id
    parties = [family(adults=1, children=1) for _ in range(PARALLEL)]
    failures = fire_at_once(app, [lambda d=d: service.register(event_id, d, now) for d in parties])

    assert failures == []
    counts = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event_id)
        .group_by(Registration.status)
    ).all())
    assert counts == {RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITLISTED: PARALLEL - 5}
    assert service.confirmed_people(event_id) == 10


def test_concurrent_cancellations_promote_each_waiting_party_once(app, db, make_event, family, now):
    event_id = make_event(capacity=4).id
    confirmed = [service.register(event_id, family(adults=1), now).registration for _ in range(4)]
    waiting = [service.register(event_id, family(adults=1), now).registration for _ in range(4)]
    db.session.commit()
    ids = [registration.id for registration in confirmed]

    failures = fire_at_once(app, [lambda i=i: service.cancel_registration(i, now) for i in ids])

    assert failures == []
    assert service.confirmed_people(event_id) == 4
    assert {db.session.get(Registration, r.id).status for r in waiting} == {RegistrationStatus.CONFIRMED}


def test_the_same_contact_racing_itself_registers_once(app, db, event, family, now):
    event_id = event.id
    same = [family(phone="+16125550999") for _ in range(6)]
    failures = fire_at_once(app, [lambda d=d: service.register(event_id, d, now) for d in same])

    assert [error.code for error in failures] == ["already_registered"] * 5
    total = db.session.execute(
        select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    ).scalar_one()
    assert total == 1
