"""Concurrent registrations never overbook, on SQLite (a file database,
BEGIN IMMEDIATE) and on PostgreSQL (SELECT ... FOR UPDATE)."""

from sqlalchemy import func, select

from portal.models import Registration, RegistrationStatus
from portal.services import registration as service, seats
from tests.threads import PausedAfterFirstCall, race_against_a_paused_call, run_together

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
    assert seats.confirmed_people(event_id) == 10


def test_concurrent_cancellations_promote_each_waiting_party_once(app, db, make_event, family, now):
    event_id = make_event(capacity=4).id
    confirmed = [service.register(event_id, family(adults=1), now).registration for _ in range(4)]
    waiting = [service.register(event_id, family(adults=1), now).registration for _ in range(4)]
    db.session.commit()
    ids = [registration.id for registration in confirmed]

    failures = fire_at_once(app, [lambda i=i: service.cancel_registration(i, now) for i in ids])

    assert failures == []
    assert seats.confirmed_people(event_id) == 4
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


# -- a call paused right after it counted the places taken ---------------------------
# The event's lock must keep every other seat change from counting until the
# paused call has committed; without it, both count the same free places.

def _race_a_newcomer_against(app, monkeypatch, event_id, paused_call, now, family):
    """Pause `paused_call` right after it counts, then a family of two registers."""
    pause = PausedAfterFirstCall(monkeypatch, seats, "confirmed_people")
    newcomer = family(adults=2)
    return race_against_a_paused_call(app, pause, paused_call, lambda: service.register(event_id, newcomer, now))


def test_an_edit_paused_after_counting_keeps_a_newcomer_from_counting(app, db, make_event, family, now,
                                                                       monkeypatch):
    event_id = make_event(capacity=4).id
    registration_id = service.register(event_id, family(adults=1), now).registration.id
    db.session.commit()
    grown = family(adults=1, children=2)

    counted_meanwhile, errors = _race_a_newcomer_against(
        app, monkeypatch, event_id, lambda: service.update_registration(registration_id, grown, now), now, family)

    assert errors == [None, None]
    assert not counted_meanwhile, "a registration counted the places while an edit was still deciding"
    assert seats.confirmed_people(event_id) <= 4
    assert db.session.get(Registration, registration_id).party_size == 3


def test_a_promotion_by_hand_paused_after_counting_keeps_a_newcomer_from_counting(app, db, make_event, family,
                                                                                  now, monkeypatch):
    event = make_event(capacity=2)
    event_id = event.id
    service.register(event_id, family(adults=2), now)
    waiting_id = service.register(event_id, family(adults=2), now).registration.id
    event.capacity = 4  # two places free, and the waitlist has not moved: the organizer may promote by hand
    db.session.commit()

    counted_meanwhile, errors = _race_a_newcomer_against(
        app, monkeypatch, event_id, lambda: service.promote_by_hand(waiting_id, now), now, family)

    assert errors == [None, None]
    assert not counted_meanwhile, "a registration counted the places while a promotion was still deciding"
    assert seats.confirmed_people(event_id) <= 4
    assert db.session.get(Registration, waiting_id).status == RegistrationStatus.CONFIRMED
