from datetime import timedelta

import pytest

from portal.models import EventStatus, NeedKind, RegistrationStatus, utcnow
from portal.services import registration as service, seats, windows
from portal.services.errors import RegistrationError
from portal.services.tokens import hash_token

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)


def register(db, event, details, now, **kwargs):
    registered = service.register(event.id, details, now, **kwargs)
    db.session.commit()
    return registered.registration


def error_code(call):
    with pytest.raises(RegistrationError) as raised:
        call()
    return raised.value.code


def test_party_that_fits_is_confirmed_and_counts_adults_and_children(db, make_event, family, now):
    event = make_event(capacity=5)
    registration = register(db, event, family(adults=2, children=3), now)
    assert registration.status == CONFIRMED
    assert seats.confirmed_people(event.id) == 5


def test_party_that_does_not_fit_whole_is_waitlisted_never_split(db, make_event, family, now):
    event = make_event(capacity=5)
    register(db, event, family(adults=1, children=2), now)
    late = register(db, event, family(adults=1, children=2), now)
    assert late.status == WAITLISTED
    assert seats.confirmed_people(event.id) == 3
    assert seats.waitlist_position(late) == 1


def test_manage_token_is_128_bits_and_only_its_hash_is_stored(db, event, family, now):
    registered = service.register(event.id, family(), now)
    db.session.commit()
    assert len(registered.token) >= 22
    assert registered.registration.token_hash == hash_token(registered.token)
    assert registered.token not in registered.registration.token_hash
    assert service.find_by_token(registered.token).id == registered.registration.id
    assert service.find_by_token(registered.token + "x") is None


def test_checkin_codes_are_short_and_distinct(db, event, family, now):
    codes = {register(db, event, family(), now).checkin_code for _ in range(10)}
    assert len(codes) == 10
    assert all(len(code) == 6 for code in codes)


def test_cancel_promotes_waitlist_in_order(db, make_event, family, now):
    event = make_event(capacity=4)
    first = register(db, event, family(adults=2, children=2), now)
    waiting_a = register(db, event, family(adults=2), now)
    waiting_b = register(db, event, family(adults=2), now + timedelta(seconds=1))
    promoted = service.cancel_registration(first.id, now)
    db.session.commit()
    assert [r.id for r in promoted] == [waiting_a.id, waiting_b.id]
    assert first.status == CANCELLED


def test_cancel_promotes_next_party_that_fits_and_first_keeps_its_place(db, make_event, family, now):
    event = make_event(capacity=6)
    leaving = register(db, event, family(adults=1, children=1), now)
    register(db, event, family(adults=2, children=2), now)
    party_of_five = register(db, event, family(adults=2, children=3), now)
    party_of_two = register(db, event, family(adults=2), now + timedelta(seconds=1))
    service.cancel_registration(leaving.id, now)
    db.session.commit()
    assert party_of_two.status == CONFIRMED
    assert party_of_five.status == WAITLISTED
    assert seats.waitlist_position(party_of_five) == 1


def test_raising_capacity_promotes_from_waitlist(db, make_event, family, now):
    event = make_event(capacity=3)
    register(db, event, family(adults=2), now)
    waiting = register(db, event, family(adults=1, children=2), now)
    assert waiting.status == WAITLISTED
    event.capacity = 5
    db.session.commit()
    service.promote_waitlisted(event, now)
    db.session.commit()
    assert waiting.status == CONFIRMED


def test_registration_closes_at_deadline(db, make_event, family, now):
    event = make_event(registration_deadline=now - timedelta(minutes=1))
    assert error_code(lambda: service.register(event.id, family(), now)) == "registration_closed"


def test_the_deadline_itself_is_closed_and_the_second_before_is_open(db, make_event, family):
    deadline = utcnow().replace(microsecond=0) + timedelta(hours=1)
    event = make_event(registration_deadline=deadline)
    db.session.expire_all()  # the deadline as stored, read back

    assert error_code(lambda: service.register(event.id, family(), deadline)) == "registration_closed"
    assert windows.closed_reason(event, deadline) == "registration_closed"
    just_before = deadline - timedelta(seconds=1)
    assert windows.closed_reason(event, just_before) is None
    assert service.register(event.id, family(), just_before).registration.status == CONFIRMED


@pytest.mark.parametrize("status, code", [
    (EventStatus.DRAFT, "event_not_found"),
    (EventStatus.CANCELLED, "event_cancelled"),
])
def test_unpublished_events_refuse_registration(db, make_event, family, now, status, code):
    event = make_event(status=status)
    assert error_code(lambda: service.register(event.id, family(), now)) == code


def test_past_event_refuses_registration(db, make_event, family, now):
    event = make_event(days=-1)
    assert error_code(lambda: service.register(event.id, family(), now)) == "event_past"


@pytest.mark.parametrize("fields, code", [
    (dict(phone=None, email=None), "contact_missing"),
    (dict(adults=0), "adults_out_of_range"),
    (dict(adults=-1), "adults_out_of_range"),
    (dict(adults=500), "adults_out_of_range"),
    (dict(children=16), "children_out_of_range"),
    (dict(children=1, childcare_children=2), "childcare_more_than_children"),
    (dict(children=2, childcare_children=1, childcare_ages=[3, 4]), "childcare_ages_too_many"),
    (dict(children=1, childcare_children=1, childcare_ages=[30]), "childcare_age_invalid"),
    (dict(grades=["13"]), "unknown_grade"),
    (dict(transportation_seats=5), "seats_more_than_party"),
    (dict(interpreter_language="fr"), "interpreter_language_not_offered"),
    (dict(name="  "), "name_missing"),
])
def test_bad_details_are_refused_and_nothing_is_saved(db, event, family, now, fields, code):
    assert error_code(lambda: service.register(event.id, family(**fields), now)) == code
    db.session.rollback()
    assert seats.confirmed_people(event.id) == 0
    assert seats.waitlist(event.id) == []


def test_every_broken_rule_is_named_at_once_for_the_form(event, family):
    details = family(name=" ", phone=None, children=1, childcare_children=2, transportation_seats=9)
    problems = [(problem.code, problem.field) for problem in service.detail_problems(event, details)]
    assert problems == [("name_missing", "name"), ("contact_missing", "phone"),
                        ("childcare_more_than_children", "childcare_children"),
                        ("seats_more_than_party", "transportation_seats")]


def test_party_larger_than_the_whole_event_is_refused_not_waitlisted_forever(db, make_event, family, now):
    event = make_event(capacity=3)
    assert error_code(lambda: service.register(event.id, family(adults=2, children=2), now)) \
        == "party_larger_than_event"


def test_help_not_offered_cannot_be_requested(db, make_event, family, now):
    event = make_event(offers_childcare=False, offers_transportation=False, offers_meal=False)
    for fields in (dict(children=1, childcare_children=1), dict(transportation_seats=1), dict(dietary="halal")):
        assert error_code(lambda: service.register(event.id, family(**fields), now)) == "support_not_offered"  # noqa: B023


def test_same_contact_cannot_register_twice_for_one_event(db, event, family, now):
    register(db, event, family(phone="+16125550100", email="ana@example.org"), now)
    assert error_code(lambda: service.register(event.id, family(phone="+16125550100"), now)) \
        == "already_registered"
    assert error_code(lambda: service.register(event.id, family(phone=None, email="ana@example.org"), now)) \
        == "already_registered"


def test_contact_may_register_again_after_cancelling(db, event, family, now):
    first = register(db, event, family(phone="+16125550101"), now)
    service.cancel_registration(first.id, now)
    db.session.commit()
    again = register(db, event, family(phone="+16125550101"), now)
    assert again.status == CONFIRMED


def test_same_submission_twice_is_one_registration(db, event, family, now):
    first = register(db, event, family(), now, submission_key="k1")
    with pytest.raises(RegistrationError) as raised:
        service.register(event.id, family(), now, submission_key="k1")
    assert raised.value.code == "duplicate_submission"
    assert raised.value.params["registration_id"] == first.id


def test_needs_are_recorded_by_kind(db, event, family, now):
    registration = register(db, event, family(
        adults=1, children=3, childcare_children=2, childcare_ages=[1, 4], transportation_seats=4,
        interpreter_language="es", accessibility="Wheelchair space", dietary="Halal",
    ), now)
    needs = {need.kind: need for need in registration.needs}
    assert needs[NeedKind.CHILDCARE].quantity == 2 and needs[NeedKind.CHILDCARE].detail == "1, 4"
    assert needs[NeedKind.TRANSPORTATION].quantity == 4
    assert needs[NeedKind.INTERPRETER].detail == "es"
    assert needs[NeedKind.ACCESSIBILITY].detail == "Wheelchair space"
    assert needs[NeedKind.DIETARY].detail == "Halal"


def test_edit_that_no_longer_fits_asks_before_waitlisting(db, make_event, family, now):
    event = make_event(capacity=4)
    registration = register(db, event, family(adults=2), now)
    register(db, event, family(adults=1), now)
    with pytest.raises(RegistrationError) as raised:
        service.update_registration(registration.id, family(adults=2, children=2), now)
    assert raised.value.code == "edit_needs_waitlist"
    assert raised.value.params["places"] == 3
    db.session.rollback()
    assert registration.status == CONFIRMED and registration.party_size == 2

    moved = service.update_registration(registration.id, family(adults=2, children=2), now, accept_waitlist=True)
    db.session.commit()
    assert moved is True
    assert registration.status == WAITLISTED and registration.party_size == 4


def test_edit_that_still_fits_keeps_the_place(db, make_event, family, now):
    event = make_event(capacity=4)
    registration = register(db, event, family(adults=1), now)
    moved = service.update_registration(registration.id, family(adults=2, children=2), now)
    db.session.commit()
    assert moved is False and registration.status == CONFIRMED
    assert seats.confirmed_people(event.id) == 4


def test_shrinking_a_party_promotes_from_the_waitlist(db, make_event, family, now):
    event = make_event(capacity=4)
    big = register(db, event, family(adults=2, children=2), now)
    waiting = register(db, event, family(adults=2), now)
    service.update_registration(big.id, family(adults=2), now)
    db.session.commit()
    assert waiting.status == CONFIRMED


def test_cancelled_registration_cannot_be_edited(db, event, family, now):
    registration = register(db, event, family(), now)
    service.cancel_registration(registration.id, now)
    db.session.commit()
    assert error_code(lambda: service.update_registration(registration.id, family(), now)) \
        == "registration_cancelled"


def test_status_moves_only_through_allowed_transitions(db, event, family, now):
    registration = register(db, event, family(), now)
    registration.move_to(CANCELLED, now)
    with pytest.raises(ValueError):  # back only as confirmed, by restore_registration
        registration.move_to(WAITLISTED, now)
