"""Where each household stands for an event, calls and what they do, the
households not reached since a date, and the shares of who the school reaches."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import to_local
from portal.models import (
    Attendance,
    CallOutcome,
    CallResult,
    Decline,
    Invitation,
    InvitationAnswer,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Source,
    Suppression,
)
from portal.services import invitations, privacy, reach, registration as registration_service
from portal.services.errors import DomainError
from portal.services.reports import school_report
from tests.invitation_helpers import make_household

SECRET = "test-secret"
S = reach.ReachStatus


def invite(event, now, grades=("1", "2", "3")):
    invitations.send_invitations(event, None, list(grades), SECRET, now)


def invitation_of(db, household):
    return db.session.execute(select(Invitation).where(Invitation.household_id == household.id)).scalar_one()


def statuses(event, **filters):
    return {standing.household.name: (standing.status, standing.reason)
            for standing in reach.event_standings(event, **filters)}


@pytest.fixture
def households(db, school):
    return {
        "Rosa": make_household(db, school, "Rosa", "es", phone="+16125550101", grades=("1",)),
        "Linh": make_household(db, school, "Linh", "vi", email="linh@example.org", grades=("2",)),
        "Amina": make_household(db, school, "Amina", "so", phone="+16125550103", grades=("3", "K")),
        "Omar": make_household(db, school, "Omar", "ar", phone="+16125550104", grades=("1",)),
        "Nobody": make_household(db, school, "Nobody", "so", grades=("2",)),
        "Big kid": make_household(db, school, "Big kid", "en", phone="+16125550106", grades=("9",)),
    }


# -- where each household stands -----------------------------------------------------------

def test_each_household_of_the_event_gets_where_it_stands(db, school, event, households, now, family):
    db.session.add(Suppression(channel="sms", address="+16125550104"))  # Omar opted out before the invitations
    db.session.commit()
    invite(event, now)
    rosa, linh, amina = (invitation_of(db, households[name]) for name in ("Rosa", "Linh", "Amina"))
    invitations.register(rosa, invitations.prefilled_details(rosa), now)
    invitations.decline(linh, now, reason="work")
    message = db.session.execute(select(OutboxMessage).where(OutboxMessage.invitation_id == amina.id)).scalar_one()
    message.status = MessageStatus.FAILED
    db.session.commit()

    assert statuses(event) == {
        "Rosa": (S.REGISTERED, None),
        "Linh": (S.CANT_COME, "work"),
        "Amina": (S.MESSAGE_FAILED, None),
        "Omar": (S.OPTED_OUT, None),
        "Nobody": (S.NO_CONTACT, None),
        # Grade 9 is not the event's: not listed.
    }


def test_a_household_that_registered_on_the_web_page_counts_as_registered(db, school, event, households, now,
                                                                            family):
    invite(event, now)
    registration_service.register(event.id, family(name="Rosa D.", phone="+16125550101"), now)
    db.session.commit()
    assert statuses(event)["Rosa"] == (S.REGISTERED, None)
    assert statuses(event)["Omar"] == (S.NO_ANSWER, None)


def test_a_household_not_yet_invited_says_so(db, school, event, households):
    assert statuses(event)["Rosa"] == (S.NOT_INVITED, None)


def test_the_list_filters_by_grade_language_and_status(db, school, event, households, now):
    invite(event, now)
    assert set(statuses(event, grade="1")) == {"Rosa", "Omar"}
    assert set(statuses(event, grade="K")) == {"Amina"}  # a grade of hers, though not the event's
    assert set(statuses(event, language="so")) == {"Amina", "Nobody"}
    assert set(statuses(event, status=S.NO_CONTACT)) == {"Nobody"}
    invitations.decline(invitation_of(db, households["Linh"]), now, reason="time")
    db.session.commit()
    assert set(statuses(event, status=reach.NOT_REACHED_FILTER)) == {"Rosa", "Amina", "Omar", "Nobody"}
    assert set(statuses(event, grade="2", language="so", status=S.NO_CONTACT)) == {"Nobody"}


# -- calls ------------------------------------------------------------------------------------

def test_coming_registers_the_household_through_the_registration_rules(db, school, event, households, now,
                                                                        staff_user):
    caller = staff_user("olivia@lincoln.example", "Olivia", "organizer")
    invite(event, now)
    amina = households["Amina"]
    call = reach.record_call(event, amina, caller, CallResult.REACHED_COMING, now, note="Coming with the baby")
    db.session.commit()
    registration = db.session.get(Registration, call.registration_id)
    assert (registration.source, registration.household_id, registration.adults, registration.children) == (
        Source.STAFF, amina.id, 1, 2)
    assert registration.grades == ["K", "3"]
    assert invitation_of(db, amina).answer == InvitationAnswer.REGISTERED
    assert call.staff_id == caller.id and call.note == "Coming with the baby"
    assert statuses(event)["Amina"] == (S.REGISTERED, None)


def test_coming_counts_the_children_in_the_event_grades_only(db, school, make_event, households, now):
    event = make_event(grades=["3"])
    call = reach.record_call(event, households["Amina"], None, CallResult.REACHED_COMING, now)
    registration = db.session.get(Registration, call.registration_id)
    assert (registration.children, registration.grades) == (1, ["3"])


def test_coming_to_a_full_event_puts_the_household_on_the_waitlist(db, school, make_event, households, now, family):
    event = make_event(capacity=2)
    registration_service.register(event.id, family(adults=2), now)
    call = reach.record_call(event, households["Rosa"], None, CallResult.REACHED_COMING, now)
    assert db.session.get(Registration, call.registration_id).status == RegistrationStatus.WAITLISTED


def test_coming_twice_is_refused_and_records_nothing(db, school, event, households, now):
    reach.record_call(event, households["Rosa"], None, CallResult.REACHED_COMING, now)
    db.session.commit()
    with pytest.raises(DomainError) as raised:
        reach.record_call(event, households["Rosa"], None, CallResult.REACHED_COMING, now)
    db.session.rollback()
    assert raised.value.code == "already_registered"
    assert db.session.execute(select(func.count()).select_from(CallOutcome)).scalar_one() == 1


def test_a_household_never_invited_can_be_called_and_registered(db, school, event, households, now):
    """Omar opted out of text messages; a call still reaches him."""
    call = reach.record_call(event, households["Omar"], None, CallResult.REACHED_COMING, now)
    registration = db.session.get(Registration, call.registration_id)
    assert registration.household_id == households["Omar"].id and call.invitation_id is None


def test_cant_come_records_the_reason_like_the_decline_page(db, school, event, households, now):
    invite(event, now)
    call = reach.record_call(event, households["Rosa"], None, CallResult.REACHED_CANT_COME, now,
                             reason="transportation", note="No car on Tuesdays")
    db.session.commit()
    decline = db.session.get(Decline, call.decline_id)
    assert (decline.reason, decline.event_id, decline.note) == ("transportation", event.id, "No car on Tuesdays")
    invitation = invitation_of(db, households["Rosa"])
    assert (invitation.answer, invitation.decline_reason) == (InvitationAnswer.CANT_COME, "transportation")
    assert statuses(event)["Rosa"] == (S.CANT_COME, "transportation")


def test_cant_come_without_an_invitation_still_counts(db, school, event, households, now):
    reach.record_call(event, households["Nobody"], None, CallResult.REACHED_CANT_COME, now, reason="health")
    assert statuses(event)["Nobody"] == (S.CANT_COME, "health")
    assert db.session.execute(select(Decline.reason)).scalar_one() == "health"


@pytest.mark.parametrize("outcome, reason, code", [
    (CallResult.REACHED_CANT_COME, None, "unknown_reason"),
    (CallResult.REACHED_CANT_COME, "bored", "unknown_reason"),
    ("hung_up", None, "choice_invalid"),
])
def test_a_call_that_breaks_a_rule_records_nothing(db, school, event, households, now, outcome, reason, code):
    with pytest.raises(DomainError) as raised:
        reach.record_call(event, households["Rosa"], None, outcome, now, reason=reason)
    assert raised.value.code == code
    assert db.session.execute(select(func.count()).select_from(CallOutcome)).scalar_one() == 0


def test_no_call_is_recorded_for_an_event_that_is_over_or_cancelled(db, school, make_event, households, now):
    for event in (make_event(days=-1), make_event(status="cancelled"), make_event(status="draft")):
        with pytest.raises(DomainError) as raised:
            reach.record_call(event, households["Rosa"], None, CallResult.NO_ANSWER, now)
        assert raised.value.code == "event_closed"


def test_no_answer_and_wrong_number_change_only_the_call_log(db, school, event, households, now):
    invite(event, now)
    reach.record_call(event, households["Rosa"], None, CallResult.NO_ANSWER, now)
    reach.record_call(event, households["Rosa"], None, CallResult.WRONG_NUMBER, now + timedelta(minutes=5))
    [rosa] = [standing for standing in reach.event_standings(event) if standing.household.name == "Rosa"]
    assert rosa.status == S.NO_ANSWER
    assert [call.outcome for call in rosa.calls] == [CallResult.WRONG_NUMBER, CallResult.NO_ANSWER]
    assert db.session.execute(select(func.count()).select_from(Registration)).scalar_one() == 0


def test_calls_count_in_the_reports(db, school, event, households, now):
    for name, outcome in (("Rosa", CallResult.NO_ANSWER), ("Omar", CallResult.NO_ANSWER),
                          ("Amina", CallResult.REACHED_COMING)):
        reach.record_call(event, households[name], None, outcome, now)
    db.session.commit()
    today = to_local(now, school.tz).date()
    report = school_report(school, today, today + timedelta(days=30), now)
    assert report.calls == [(CallResult.NO_ANSWER, 2), (CallResult.REACHED_COMING, 1)]
    assert report.calls_made == 3


# -- not reached since a date ---------------------------------------------------------------------

def test_the_school_year_starts_on_august_first():
    assert reach.school_year_start(date(2026, 11, 30)) == date(2026, 8, 1)
    assert reach.school_year_start(date(2027, 3, 2)) == date(2026, 8, 1)
    assert reach.school_year_start(date(2026, 8, 1)) == date(2026, 8, 1)
    assert reach.school_year(date(2027, 3, 2)) == (date(2026, 8, 1), date(2027, 7, 31))


def test_not_reached_leaves_out_who_registered_answered_or_was_reached_by_phone(db, school, event, households,
                                                                               now, family):
    invite(event, now)
    invitations.decline(invitation_of(db, households["Linh"]), now, reason="work")  # an answer
    registration_service.register(event.id, family(phone="+16125550101"), now)  # Rosa, on the web page
    reach.record_call(event, households["Amina"], None, CallResult.NO_ANSWER, now)  # not an answer
    reach.record_call(event, households["Omar"], None, CallResult.REACHED_CANT_COME, now, reason="time")
    db.session.commit()
    since = to_local(now, school.tz).date() - timedelta(days=1)
    result = reach.not_reached(school, since)
    assert [row.household.name for row in result.households] == ["Big kid", "Amina", "Nobody"]  # by language
    assert result.total == 3 and result.roster_households == 6
    amina = result.households[1]
    assert (amina.invitations, amina.calls, amina.last_call.outcome) == (1, 1, CallResult.NO_ANSWER)
    assert result.by_language == [("so", 2), ("en", 1)]
    assert result.by_grade == [("K", 1), ("2", 1), ("3", 1), ("9", 1)]
    assert [row.household.name for row in reach.not_reached(school, since, grade="2").households] == ["Nobody"]
    assert [row.household.name for row in reach.not_reached(school, since, language="en").households] == [
        "Big kid"]


def test_answers_before_the_date_do_not_count(db, school, event, households, now, family):
    registration_service.register(event.id, family(phone="+16125550101"), now)
    db.session.commit()
    tomorrow = to_local(now, school.tz).date() + timedelta(days=1)
    assert "Rosa" in {row.household.name for row in reach.not_reached(school, tomorrow).households}


def test_having_come_to_an_event_since_the_date_counts_as_reached(db, school, make_event, households, now, family):
    past = make_event(days=-3)
    registered = registration_service.register(past.id, family(phone="+16125550103"), now - timedelta(days=30),
                                               enforce_deadline=False, admit_over_capacity=True)
    registered.registration.created_at = now - timedelta(days=30)
    registered.registration.attendance = Attendance.ATTENDED
    db.session.commit()
    since = to_local(now, school.tz).date() - timedelta(days=10)
    assert "Amina" not in {row.household.name for row in reach.not_reached(school, since).households}


def test_students_no_longer_on_the_roster_are_not_listed(db, school, households):
    for student in households["Big kid"].students:
        student.active = False
    db.session.commit()
    result = reach.not_reached(school, date(2026, 8, 1))
    assert "Big kid" not in {row.household.name for row in result.households}
    assert result.roster_households == 5


# -- who the school reaches -------------------------------------------------------------------------

def test_shares_per_language_and_grade(db, school, make_event, households, now, family):
    event = make_event(grades=["1", "2", "3"])
    make_household(db, school, "Pedro", "es", phone="+16125550107", grades=("2",))
    invite(event, now)  # Rosa, Linh, Amina, Omar, Pedro (Nobody has no contact)
    rosa = invitation_of(db, households["Rosa"])
    invitations.register(rosa, invitations.prefilled_details(rosa), now)
    registration_service.register(event.id, family(phone="+16125550104"), now)  # Omar, without the link
    omar = db.session.execute(select(Registration).where(Registration.phone == "+16125550104")).scalar_one()
    omar.attendance = Attendance.ATTENDED
    db.session.commit()
    today = to_local(now, school.tz).date()
    report = reach.school_reach(school, today, today + timedelta(days=30))

    assert (report.total.households, report.total.invited, report.total.registered, report.total.came) == (7, 5, 2, 1)
    spanish = next(row for row in report.by_language if row.key == "es")
    assert (spanish.households, spanish.invited, spanish.registered, spanish.came) == (2, 2, 1, 0)
    assert spanish.registered_share == 0.5 and spanish.invited_registered_share == 0.5 and spanish.came_share == 0
    arabic = next(row for row in report.by_language if row.key == "ar")
    assert (arabic.registered_share, arabic.came_share, arabic.invited_came_share) == (1, 1, 1)
    somali = next(row for row in report.by_language if row.key == "so")
    assert (somali.households, somali.invited, somali.registered) == (2, 1, 0)
    assert somali.invited_registered_share == 0
    grade_1 = next(row for row in report.by_grade if row.key == "1")
    assert (grade_1.households, grade_1.registered, grade_1.came) == (2, 2, 1)
    assert [row.key for row in report.by_grade] == ["K", "1", "2", "3", "9"]
    big_kid = next(row for row in report.by_grade if row.key == "9")
    assert big_kid.invited == 0 and big_kid.invited_registered_share is None


def test_events_outside_the_period_do_not_count(db, school, make_event, households, now):
    event = make_event(days=60)
    invite(event, now)
    today = to_local(now, school.tz).date()
    report = reach.school_reach(school, today, today + timedelta(days=30))
    assert report.total.invited == 0


def test_invitation_messages_are_listed_as_what_was_sent(db, school, event, households, now):
    invite(event, now)
    [rosa] = [standing for standing in reach.event_standings(event) if standing.household.name == "Rosa"]
    assert [(message.kind, message.channel) for message in rosa.messages] == [(MessageKind.INVITATION, "sms")]
    assert rosa.phone == "+16125550101"


def test_anonymize_old_forgets_the_notes_of_calls_about_old_events(db, school, make_event, households, now):
    event = make_event(days=1)
    reach.record_call(event, households["Rosa"], None, CallResult.REACHED_CANT_COME, now, reason="health",
                      note="Her mother is in hospital")
    db.session.commit()
    privacy.anonymize_older_than(30, now + timedelta(days=10))
    assert db.session.execute(select(CallOutcome.note)).scalar_one() == "Her mother is in hospital"
    privacy.anonymize_older_than(30, now + timedelta(days=40))
    call = db.session.execute(select(CallOutcome)).scalar_one()
    assert (call.note, call.outcome, call.decline_reason) == ("", CallResult.REACHED_CANT_COME, "health")
