"""services.windows: whether an action may happen now, and why not, for
each kind of action, in one order of reasons."""
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from portal.models import EventStatus
from portal.services import windows
from portal.services.errors import DomainError, RegistrationError

CHICAGO = ZoneInfo("America/Chicago")
STARTS = datetime(2026, 12, 10, 0, 0)  # 18:00 on 9 December in Chicago
DOOR_OPENS = datetime(2026, 12, 9, 6, 0)  # midnight on 9 December in Chicago
DEADLINE = STARTS - timedelta(days=1)


def event(status=EventStatus.PUBLISHED, deadline=DEADLINE):
    return SimpleNamespace(status=status, starts_at=STARTS, registration_deadline=deadline,
                           school=SimpleNamespace(tz=CHICAGO))


BEFORE_DEADLINE = DEADLINE - timedelta(minutes=1)
AFTER_DEADLINE = DEADLINE
BEFORE_DOOR = DOOR_OPENS - timedelta(seconds=1)
ON_THE_DAY = DOOR_OPENS
STARTED = STARTS

# (window, {moment: reason}) for a published event with a deadline the day before.
CASES = [
    (windows.FAMILY_FORM, {BEFORE_DEADLINE: None, AFTER_DEADLINE: "registration_closed", STARTED: "event_past"}),
    (windows.STAFF_FORM, {BEFORE_DEADLINE: None, AFTER_DEADLINE: None, STARTED: "event_past"}),
    (windows.DECLINE_FORM, {AFTER_DEADLINE: None, STARTED: "event_past"}),
    (windows.PROMOTION, {AFTER_DEADLINE: None, STARTED: "event_past"}),
    (windows.BY_HAND, {AFTER_DEADLINE: None, STARTED: "event_past"}),
    (windows.WALK_IN, {BEFORE_DOOR: None, STARTED + timedelta(days=3): None}),
    (windows.CHECK_IN, {BEFORE_DEADLINE: "checkin_not_open", BEFORE_DOOR: "checkin_not_open", ON_THE_DAY: None,
                    STARTED + timedelta(days=3): None}),
    (windows.NO_SHOWS, {ON_THE_DAY: "event_not_started", STARTED: None}),
]


@pytest.mark.parametrize("window, answers", CASES)
def test_each_window_opens_and_closes_at_its_moments(window, answers):
    for now, reason in answers.items():
        assert windows.closed_reason(event(), now, window) == reason, now


@pytest.mark.parametrize("window, _answers", CASES)
def test_a_cancelled_event_is_closed_to_everything_and_says_so_first(window, _answers):
    assert windows.closed_reason(event(EventStatus.CANCELLED), STARTED, window) == "event_cancelled"


@pytest.mark.parametrize("window, _answers", CASES)
def test_a_draft_is_closed_except_to_an_organizer_by_hand(window, _answers):
    expected = None if window is windows.BY_HAND else "event_not_found"
    assert windows.closed_reason(event(EventStatus.DRAFT), BEFORE_DEADLINE, window) == expected


def test_no_deadline_leaves_the_family_form_open_until_the_start():
    assert windows.closed_reason(event(deadline=None), STARTED - timedelta(seconds=1)) is None
    assert windows.closed_reason(event(deadline=None), STARTED) == "event_past"


def test_check_open_raises_the_reason_with_the_error_asked_for():
    with pytest.raises(RegistrationError) as refused:
        windows.check_open(event(), AFTER_DEADLINE)
    assert refused.value.code == "registration_closed"

    class DoorError(DomainError):
        pass

    with pytest.raises(DoorError) as refused:
        windows.check_open(event(), BEFORE_DOOR, windows.CHECK_IN, DoorError)
    assert refused.value.code == "checkin_not_open"
    windows.check_open(event(), ON_THE_DAY, windows.CHECK_IN, DoorError)
    assert windows.checkin_open(event(), ON_THE_DAY) and not windows.checkin_open(event(), BEFORE_DOOR)
