"""services.seats: the numbers every page, report and the door show,
counted by hand from the registrations each test makes."""
from datetime import timedelta

from sqlalchemy import event as sqlalchemy_event

from portal.models import Registration, RegistrationStatus
from portal.services import checkin, registration as registration_service, seats


def register(event, family, now, **fields):
    return registration_service.register(event.id, family(**fields), now).registration


def test_every_count_in_families_and_people(db, make_event, family, now, desk):
    event = make_event(capacity=6)
    fewer = register(event, family, now, adults=2, children=1)
    absent = register(event, family, now, adults=1, children=1)
    register(event, family, now, adults=1)
    register(event, family, now, adults=3, children=2)  # waits: 3 + 5 > 6
    gone = register(event, family, now, adults=2)  # waits too
    registration_service.cancel_registration(gone.id, now)
    event.starts_at = now - timedelta(minutes=10)
    db.session.flush()
    checkin.check_in(event, fewer.id, desk, now, adults=1, children=0)
    checkin.walk_in(event, family(adults=1, children=2, phone=None), desk, now)
    absent.attendance = "no_show"
    db.session.flush()

    counted = seats.seats(event)
    assert (counted.confirmed_families, counted.confirmed_people) == (4, 9)
    assert (counted.confirmed_adults, counted.confirmed_children) == (5, 4)
    assert (counted.waitlisted_families, counted.waitlisted_people) == (1, 5)
    assert counted.cancelled_families == 1
    assert (counted.arrived_families, counted.arrived_people) == (2, 4)  # 1 of the first family, 3 walked in
    assert (counted.no_show_families, counted.walk_in_families) == (1, 1)
    assert counted.not_arrived_families == 1
    assert counted.over_capacity and counted.left == 0 and counted.full and counted.waitlist_open
    assert seats.confirmed_people(event.id) == 9
    assert seats.free_places(event) == -3 and seats.over_capacity(event)
    assert seats.free_places(event, exclude_registration_id=fewer.id) == 0


def test_only_a_confirmed_family_counts_as_arrived(db, make_event, family, now):
    event = make_event(capacity=3)
    confirmed = register(event, family, now, adults=1)
    register(event, family, now, adults=1)
    waiting = register(event, family, now, adults=3)  # still too large once the first family cancels
    for registration in (confirmed, waiting):
        registration.attendance = "attended"
        registration.arrived_adults = registration.adults
    registration_service.cancel_registration(confirmed.id, now)
    db.session.flush()
    counted = seats.seats(event)
    assert (counted.arrived_families, counted.arrived_people) == (0, 0)


def test_places_left_never_go_below_zero():
    assert seats.places_left(10, 4) == 6
    assert seats.places_left(10, 12) == 0
    assert seats.Seats(capacity=5, confirmed_people=5).full
    assert not seats.Seats(capacity=5, confirmed_people=4).full


def test_many_events_are_counted_in_one_query(db, make_event, family, now):
    first, second, empty = make_event(capacity=3), make_event(capacity=10), make_event(capacity=4)
    register(first, family, now, adults=2)
    register(first, family, now, adults=2)  # waits
    register(second, family, now, adults=1, children=3)
    db.session.flush()
    assert [event.capacity for event in (first, second, empty)] == [3, 10, 4]  # loaded before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sqlalchemy_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        counted = seats.seats_for([first, second, empty])
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert (counted[first.id].confirmed_people, counted[first.id].waitlisted_families, counted[first.id].left) == (
        2, 1, 1)
    assert (counted[second.id].confirmed_families, counted[second.id].confirmed_people) == (1, 4)
    assert counted[empty.id] == seats.Seats(capacity=4)
    assert seats.seats_for([]) == {}


def test_the_waitlist_is_in_order_of_joining_then_of_id(db, make_event, family, now):
    event = make_event(capacity=1)
    register(event, family, now, adults=1)
    later = register(event, family, now + timedelta(minutes=5), adults=1)
    first = register(event, family, now, adults=1)
    tied = register(event, family, now, adults=1)
    # The line is the order the event's lock was taken: a party never joins before the last one.
    assert later.waitlisted_at == first.waitlisted_at == tied.waitlisted_at
    first.waitlisted_at = now - timedelta(minutes=1)
    db.session.flush()

    line = seats.waitlist(event.id)
    assert [registration.id for registration in line] == [first.id, later.id, tied.id]
    assert [seats.waitlist_position(registration) for registration in line] == [1, 2, 3]
    assert seats.waitlist_positions(event.id) == {first.id: 1, later.id: 2, tied.id: 3}
    confirmed = db.session.query(Registration).filter_by(event_id=event.id, status=RegistrationStatus.CONFIRMED).one()
    assert seats.waitlist_position(confirmed) is None


def test_a_family_joining_the_line_never_goes_before_the_last_one(db, make_event, family, now):
    event = make_event(capacity=1)
    register(event, family, now, adults=1)
    register(event, family, now + timedelta(minutes=5), adults=1)
    assert seats.end_of_line(event.id, now) == now + timedelta(minutes=5)
    assert seats.end_of_line(event.id, now + timedelta(minutes=9)) == now + timedelta(minutes=9)
