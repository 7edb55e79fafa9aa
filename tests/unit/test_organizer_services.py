"""Event administration, the needs summary and reports, with numbers worked
out by hand from the registrations each test makes."""
from datetime import date, time, timedelta

import pytest

from portal.clock import to_local
from portal.models import Attendance, Decline, EventStatus, RegistrationStatus
from portal.services import event_admin, planning as dashboard, registration as registration_service, seats
from portal.services.errors import DomainError
from portal.services.event_admin import EventDetails
from portal.services.reports import school_report


def details(**fields):
    values = dict(
        texts={"en": ("Kindergarten family breakfast", "Meet the teacher."),
               "es": ("Desayuno familiar de kínder", "")},
        day=date.today() + timedelta(days=10), starts=time(7, 30), ends=time(8, 15),
        location="Cafeteria", capacity=40, grades=["K"], offers_childcare=True, childcare_capacity=12,
        interpreter_languages=["es", "vi"], offers_meal=True,
    )
    values.update(fields)
    return EventDetails(**values)


def code_of(call):
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code, raised.value.field


def test_create_event_stores_local_times_in_utc_and_both_languages(db, school):
    event = event_admin.create_event(school, None, details())
    db.session.commit()
    local = to_local(event.starts_at, school.tz)
    assert (local.hour, local.minute) == (7, 30)
    assert event.status == EventStatus.DRAFT
    assert {text.language: text.title for text in event.texts} == {
        "en": "Kindergarten family breakfast", "es": "Desayuno familiar de kínder"}
    assert event.interpreter_language_list == ["es", "vi"]


@pytest.mark.parametrize("fields, expected", [
    (dict(texts={"en": ("", ""), "es": ("Desayuno", "")}), ("default_title_missing", "title_en")),
    (dict(ends=time(7, 0)), ("ends_before_start", "ends")),
    (dict(capacity=0), ("capacity_out_of_range", "capacity")),
    (dict(capacity=-3), ("capacity_out_of_range", "capacity")),
    (dict(interpreter_languages=["xx"]), ("interpreter_language_unknown", "interpreter_languages")),
    (dict(grades=[]), ("grades_missing", "grades")),
    (dict(location=" "), ("location_missing", "location")),
    (dict(deadline_day=date.today() + timedelta(days=11), deadline_time=time(9, 0)),
     ("deadline_after_start", "deadline_day")),
    (dict(deadline_day=date.today() + timedelta(days=5)), ("deadline_incomplete", "deadline_day")),
    (dict(offers_childcare=True, childcare_capacity=0), ("childcare_capacity_out_of_range", "childcare_capacity")),
])
def test_event_rules_refuse_bad_details(db, school, fields, expected):
    assert code_of(lambda: event_admin.create_event(school, None, details(**fields))) == expected


def test_capacity_cannot_drop_below_confirmed_and_raising_it_promotes(db, school, family, now):
    event = event_admin.create_event(school, None, details(capacity=4))
    event_admin.publish(event, now)
    db.session.commit()
    registration_service.register(event.id, family(adults=2, children=1), now)
    waiting = registration_service.register(event.id, family(adults=2), now).registration
    db.session.commit()
    assert code_of(lambda: event_admin.update_event(event.id, details(capacity=2), now)) == \
        ("capacity_below_confirmed", "capacity")
    db.session.rollback()
    change = event_admin.update_event(event.id, details(capacity=5), now)
    db.session.commit()
    assert [r.id for r in change.promoted] == [waiting.id]
    assert change.moved is False


def test_a_new_time_or_place_counts_as_a_move(db, school, now):
    event = event_admin.create_event(school, None, details())
    db.session.commit()
    assert event_admin.update_event(event.id, details(location="Gym"), now).moved is True
    assert event_admin.update_event(event.id, details(location="Gym", starts=time(7, 45)), now).moved is True
    assert event_admin.update_event(event.id, details(location="Gym", starts=time(7, 45), capacity=50), now).moved is False


def test_removing_a_language_text_deletes_it(db, school, now):
    event = event_admin.create_event(school, None, details())
    db.session.commit()
    event_admin.update_event(event.id, details(texts={"en": ("Breakfast", ""), "es": ("", "")}), now)
    db.session.commit()
    assert [text.language for text in event.texts] == ["en"]


def test_cancel_keeps_registrations_and_duplicate_makes_a_draft_a_week_later(db, school, family, now):
    event = event_admin.create_event(school, None, details())
    event_admin.publish(event, now)
    registration = registration_service.register(event.id, family(), now).registration
    event_admin.cancel(event, now)
    db.session.commit()
    assert event.status == EventStatus.CANCELLED and registration.status == RegistrationStatus.CONFIRMED
    assert code_of(lambda: event_admin.publish(event, now))[0] == "event_cancelled"
    copy = event_admin.duplicate(event, None)
    db.session.commit()
    assert copy.status == EventStatus.DRAFT
    assert copy.starts_at - event.starts_at == timedelta(days=7)
    assert {t.language for t in copy.texts} == {"en", "es"}


def test_needs_summary_by_hand(db, make_event, family, now):
    event = make_event(capacity=30, childcare_capacity=4, interpreter_languages="es ar")
    reg = registration_service.register
    reg(event.id, family(name="Hodan", children=4, childcare_children=3, childcare_ages=[1, 4, 7],
                         dietary="Halal", interpreter_language="ar"), now)
    reg(event.id, family(name="María", children=2, childcare_children=2, childcare_ages=[3],
                         transportation_seats=3, interpreter_language="es"), now)
    reg(event.id, family(name="Sam", adults=2, accessibility="Wheelchair space"), now)
    # a need recorded for a language the event no longer offers
    omar = reg(event.id, family(name="Omar", interpreter_language="ar"), now).registration
    event.interpreter_languages = "es"
    db.session.commit()
    summary = dashboard.needs_summary(event)
    # childcare: 3 + 2 = 5 children; ages 1 -> 0-2, 3 and 4 -> 3-5, 7 -> 6-10; one age not given
    assert summary.childcare_children == 5
    assert summary.childcare_by_band == {"0-2": 1, "3-5": 2, "6-10": 1, "11-17": 0}
    assert summary.childcare_ages_unknown == 1
    assert summary.childcare_over_capacity is True  # 5 > 4
    assert summary.interpreters == [("ar", 2, False), ("es", 1, True)]
    assert (summary.transportation_seats, summary.transportation_families) == (3, 1)
    assert summary.accessibility == [("Sam", "Wheelchair space")]
    assert summary.dietary == [("Hodan", "Halal")]
    assert omar.status == RegistrationStatus.CONFIRMED


def test_counts_and_table_filters(db, make_event, family, now):
    event = make_event(capacity=5)
    a = registration_service.register(event.id, family(name="José Núñez", adults=2, children=1,
                                                       email="jose@example.org"), now).registration
    b = registration_service.register(event.id, family(name="Ana", adults=2, children=1,
                                                       transportation_seats=2), now).registration
    c = registration_service.register(event.id, family(name="Lee", adults=1), now).registration
    registration_service.cancel_registration(c.id, now)
    db.session.commit()
    counts = seats.seats(event)
    assert (counts.confirmed_families, counts.confirmed_people, counts.confirmed_adults,
            counts.confirmed_children) == (1, 3, 2, 1)
    assert (counts.waitlisted_families, counts.waitlisted_people, counts.cancelled_families) == (1, 3, 1)
    assert [r.id for r in dashboard.registrations(event.id, query="jose")] == [a.id]
    assert [r.id for r in dashboard.registrations(event.id, query="NÚÑEZ")] == [a.id]
    assert [r.id for r in dashboard.registrations(event.id, query="JOSE@EXAMPLE")] == [a.id]
    assert [r.id for r in dashboard.registrations(event.id, query=a.checkin_code.lower())] == [a.id]
    assert [r.id for r in dashboard.registrations(event.id, query=b.phone[-4:])] == [b.id]
    assert [r.id for r in dashboard.registrations(event.id, status="waitlisted")] == [b.id]
    assert [r.id for r in dashboard.registrations(event.id, need="transportation")] == [b.id]
    assert [r.name for r in dashboard.registrations(event.id, sort="name")] == ["Ana", "José Núñez", "Lee"]
    assert seats.waitlist_positions(event.id) == {b.id: 1}


def test_school_report_by_hand(db, school, make_event, family, now):
    held = make_event(days=-10, grades=["K", "1"])
    other = make_event(days=-3, grades=["3"])
    make_event(days=-5, status=EventStatus.CANCELLED)
    make_event(days=5)
    week_before = held.starts_at - timedelta(days=7)
    r1 = registration_service.register(held.id, family(language="es", adults=2, children=1, grades=["K"],
                                                       childcare_children=1), week_before).registration
    r2 = registration_service.register(held.id, family(language="es", adults=1, children=2, grades=["K", "1"]),
                                       week_before).registration
    registration_service.register(other.id, family(language="ar", adults=1, children=1, grades=["3"],
                                                   interpreter_language="ar"),
                                  other.starts_at - timedelta(days=2))
    db.session.add(Decline(event_id=held.id, reason="work", language="ht"))
    db.session.add(Decline(event_id=held.id, reason="work", language="es"))
    db.session.add(Decline(event_id=other.id, reason="childcare", language="so"))
    db.session.commit()

    today = to_local(now, school.tz).date()
    report = school_report(school, today - timedelta(days=30), today, now)
    assert (report.events_held, report.events_cancelled, report.events_upcoming) == (2, 1, 0)
    assert (report.families, report.people) == (3, 8)  # 3 + 3 + 2 people
    assert report.attendance_rate is None  # nobody checked in yet
    assert dict(report.by_grade)["K"] == 2 and dict(report.by_grade)["1"] == 1 and dict(report.by_grade)["3"] == 1
    assert report.by_language == [("es", 2), ("ar", 1)]
    assert dict(report.needs) == {"childcare": 1, "interpreter": 1}
    assert report.reasons == [("work", 2), ("childcare", 1)]

    r1.attendance, r1.arrived_adults, r1.arrived_children = Attendance.ATTENDED, 2, 1
    r2.attendance = Attendance.NO_SHOW
    db.session.commit()
    report = school_report(school, today - timedelta(days=30), today, now)
    # only the held event has check-in records: 1 of its 2 families came
    assert (report.recorded_events, report.attended_families, report.attended_people) == (1, 1, 3)
    assert report.attendance_rate == 0.5
