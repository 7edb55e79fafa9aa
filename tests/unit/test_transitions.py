"""Events and attendance change only through the moves the rules allow:
a refused move raises and leaves the row as it was."""
from datetime import datetime

import pytest

from portal.models import Attendance, Event, EventStatus, Registration, RegistrationStatus

NOW = datetime(2026, 12, 3, 18, 30)

EVENT_MOVES = [
    (EventStatus.DRAFT, EventStatus.PUBLISHED),
    (EventStatus.PUBLISHED, EventStatus.DRAFT),
    (EventStatus.DRAFT, EventStatus.CANCELLED),
    (EventStatus.PUBLISHED, EventStatus.CANCELLED),
]
EVENT_REFUSED = [
    (EventStatus.CANCELLED, EventStatus.PUBLISHED),
    (EventStatus.CANCELLED, EventStatus.DRAFT),
]


@pytest.mark.parametrize("start, end", EVENT_MOVES)
def test_an_event_makes_each_allowed_move(start, end):
    event = Event(status=start)
    event.move_to(end, NOW)
    assert event.status == end


@pytest.mark.parametrize("start, end", EVENT_REFUSED)
def test_a_cancelled_event_stays_cancelled(start, end):
    event = Event(status=start, cancelled_at=NOW)
    with pytest.raises(ValueError):
        event.move_to(end, NOW)
    assert event.status == EventStatus.CANCELLED
    assert event.cancelled_at == NOW


def test_cancelling_an_event_records_when():
    event = Event(status=EventStatus.PUBLISHED)
    event.move_to(EventStatus.CANCELLED, NOW)
    assert event.cancelled_at == NOW


def test_publishing_a_published_event_changes_nothing():
    event = Event(status=EventStatus.PUBLISHED)
    event.move_to(EventStatus.PUBLISHED, NOW)
    assert event.status == EventStatus.PUBLISHED


def registration(attendance):
    return Registration(status=RegistrationStatus.CONFIRMED, attendance=attendance, adults=2, children=1)


def test_checking_in_records_who_came_and_when():
    row = registration(Attendance.UNKNOWN)
    row.mark_attendance(Attendance.ATTENDED, NOW, 1, 1)
    assert (row.attendance, row.checked_in_at, row.arrived_adults, row.arrived_children) == (
        Attendance.ATTENDED, NOW, 1, 1)


def test_a_no_show_who_turns_up_is_checked_in():
    row = registration(Attendance.NO_SHOW)
    row.mark_attendance(Attendance.ATTENDED, NOW, 2, 0)
    assert row.attendance == Attendance.ATTENDED


def test_undoing_a_check_in_makes_the_family_expected_again():
    row = registration(Attendance.UNKNOWN)
    row.mark_attendance(Attendance.ATTENDED, NOW, 2, 1)
    row.mark_attendance(Attendance.UNKNOWN, NOW)
    assert (row.attendance, row.checked_in_at, row.arrived_adults, row.arrived_children) == (
        Attendance.UNKNOWN, None, None, None)


def test_an_expected_family_can_be_marked_as_a_no_show():
    row = registration(Attendance.UNKNOWN)
    row.mark_attendance(Attendance.NO_SHOW, NOW)
    assert row.attendance == Attendance.NO_SHOW
    assert row.checked_in_at is None


@pytest.mark.parametrize("start, end", [
    (Attendance.ATTENDED, Attendance.NO_SHOW),  # they came: the no-show sweep passes them by
    (Attendance.ATTENDED, Attendance.ATTENDED),  # a second check-in records nothing
    (Attendance.NO_SHOW, Attendance.UNKNOWN),  # there is no check-in to undo
    (Attendance.NO_SHOW, Attendance.NO_SHOW),
    (Attendance.UNKNOWN, Attendance.UNKNOWN),
])
def test_attendance_refuses_other_moves(start, end):
    row = registration(start)
    with pytest.raises(ValueError):
        row.mark_attendance(end, NOW)
    assert row.attendance == start


@pytest.mark.parametrize("start, end", [
    (RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED),
    (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    (RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED),
    (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED),
    (RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED),
])
def test_a_registration_makes_each_allowed_move(start, end):
    row = Registration(status=start)
    row.move_to(end, NOW)
    assert row.status == end


def test_a_cancelled_registration_does_not_go_back_to_the_waitlist():
    row = Registration(status=RegistrationStatus.CANCELLED)
    with pytest.raises(ValueError):
        row.move_to(RegistrationStatus.WAITLISTED, NOW)
    assert row.status == RegistrationStatus.CANCELLED
