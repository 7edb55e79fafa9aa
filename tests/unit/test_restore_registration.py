"""Restoring a registration cancelled by mistake: only while its places are
still free, and only for an event still to come."""
from datetime import timedelta

from portal.models import EventStatus, RegistrationStatus
from portal.services import registration as service, seats
from tests.unit.test_registration_service import error_code as refused, register


def test_a_cancelled_registration_is_restored_while_its_places_are_free(db, make_event, family, now):
    event = make_event(capacity=5)
    registration = register(db, event, family(adults=2, children=1), now)
    service.cancel_registration(registration.id, now)
    db.session.commit()
    restored = service.restore_registration(registration.id, now + timedelta(minutes=1))
    db.session.commit()
    assert restored.status == RegistrationStatus.CONFIRMED
    assert restored.cancelled_at is None
    assert seats.confirmed_people(event.id) == 3


def test_restoring_is_refused_once_a_waiting_family_took_the_places(db, make_event, family, now):
    event = make_event(capacity=4)
    registration = register(db, event, family(adults=2, children=1), now)
    waiting = register(db, event, family(adults=2, children=0), now)
    assert waiting.status == RegistrationStatus.WAITLISTED
    service.cancel_registration(registration.id, now)  # the waiting family is promoted
    db.session.commit()
    assert refused(lambda: service.restore_registration(registration.id, now)) == "restore_no_room"
    db.session.rollback()
    assert db.session.get(type(registration), registration.id).status == RegistrationStatus.CANCELLED


def test_only_a_cancelled_registration_of_an_event_to_come_is_restored(db, make_event, family, now):
    event = make_event(capacity=10)
    registration = register(db, event, family(), now)
    assert refused(lambda: service.restore_registration(registration.id, now)) == "not_cancelled"
    service.cancel_registration(registration.id, now)
    db.session.commit()
    assert refused(lambda: service.restore_registration(registration.id, event.starts_at)) == "event_past"
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert refused(lambda: service.restore_registration(registration.id, now)) == "event_cancelled"
