from datetime import timedelta

from sqlalchemy import func, select

from portal.clock import to_local
from portal.models import Need, OutboxMessage, RegistrationStatus
from portal.services import privacy, registration as registration_service
from portal.services.reports import school_report


def test_erasing_forgets_the_family_keeps_the_counts_and_frees_the_places(db, make_event, family, now):
    event = make_event(capacity=3)
    registered = registration_service.register(event.id, family(
        name="Hodan Abdi", phone="+16125550147", email="hodan@example.org", adults=1, children=2,
        childcare_children=2, childcare_ages=[1, 4], note="We may be late", grades=["K"]), now)
    waiting = registration_service.register(event.id, family(adults=2), now).registration
    db.session.commit()
    registration = registered.registration

    privacy.erase_registration(registration, now)
    db.session.commit()

    assert (registration.name, registration.email, registration.phone, registration.note) == ("", None, None, "")
    assert registration.search_name == "" and registration.phone_last4 == ""
    assert db.session.execute(select(func.count()).select_from(Need)
                              .where(Need.registration_id == registration.id)).scalar_one() == 0
    assert registration_service.find_by_token(registered.token) is None
    assert registration.status == RegistrationStatus.CANCELLED
    # what reports count stays
    assert (registration.adults, registration.children, registration.grades, registration.language) == \
        (1, 2, ["K"], "en")
    # and the message queued for the family no longer carries their address or link
    messages = db.session.execute(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)).scalars().all()
    assert messages and all(m.recipient == "" and m.payload == {} for m in messages)
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_retention_anonymizes_only_old_events_and_reports_still_count_them(db, school, make_event, family, now):
    old = make_event(days=-400)
    recent = make_event(days=-10)
    week_before = old.starts_at - timedelta(days=7)
    old_registration = registration_service.register(old.id, family(name="Old Family", adults=2), week_before).registration
    recent_registration = registration_service.register(recent.id, family(name="Recent Family"),
                                                        recent.starts_at - timedelta(days=7)).registration
    db.session.commit()

    assert privacy.anonymize_older_than(365, now) == 1
    db.session.commit()
    assert old_registration.name == "" and old_registration.phone is None
    assert recent_registration.name == "Recent Family"
    assert privacy.anonymize_older_than(365, now) == 0  # nothing left to forget

    today = to_local(now, school.tz).date()
    report = school_report(school, today - timedelta(days=500), today, now)
    assert (report.families, report.people) == (2, 3)


def test_export_gathers_everything_about_one_contact_at_one_school(db, make_event, family, now):
    event = make_event()
    other = make_event(texts={"en": ("Science night", "")})
    registration_service.register(event.id, family(name="Ana", phone="+16125550111", email="ana@example.org",
                                                   transportation_seats=1), now)
    registration_service.register(other.id, family(name="Ana", phone=None, email="ana@example.org"), now)
    registration_service.register(other.id, family(name="Somebody else", phone="+16125550999"), now)
    db.session.commit()
    record = privacy.export_contact(event.school_id, "ANA@example.org")
    assert [r["event"]["title"] for r in record["registrations"]] == ["Math games night", "Science night"]
    assert record["registrations"][0]["needs"] == [{"kind": "transportation", "quantity": 1, "detail": ""}]
    assert len(record["messages"]) == 2
    by_phone = privacy.export_contact(event.school_id, "(612) 555-0111")
    assert [r["name"] for r in by_phone["registrations"]] == ["Ana"]
    assert privacy.export_contact(event.school_id, "not a contact") is None
