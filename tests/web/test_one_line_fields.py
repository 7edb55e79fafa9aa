"""Every text that can reach an email header, an SMS or a calendar entry
is one line: a line break of any kind (CR, LF, U+2028 ...) typed into a
title, a subject, a place or a family's name is refused next to the field,
in the page's language, and nothing is saved. And an email address is one
address: 'bob,eve@example.org' is refused, never read as two recipients."""
import re

import pytest
from sqlalchemy import func, select

from portal.models import Campaign, Decline, Event, OutboxMessage, Registration
from portal.services import registration as registration_service
from portal.services.contact import normalize_email
from tests.web.helpers import form_post, registration_data, text_of, translated
from tests.web.test_frontdesk import post_form, staff_client, tonight  # noqa: F401  (fixtures)
from tests.web.test_organizer import new_event_data, organizer, staff  # noqa: F401  (fixtures)

BREAKS = ["\u2028", "\r\n", "\n", "\x85", "\x0b", "\x0c", "\x1e", "\u2029"]
ONE_LINE = "Please write this on one line."


def count(db, model, *where):
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def error_next_to(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


@pytest.mark.parametrize("line_break", BREAKS)
@pytest.mark.parametrize("field", ["title_en", "title_es", "location"])
def test_an_event_title_or_place_with_a_line_break_is_refused(app, db, staff, field, line_break):
    typed = {"title_en": "Kindergarten", "title_es": "Desayuno", "location": "School"}[field]
    response = form_post(staff, "/staff/events/new?lang=es",
                         new_event_data(**{field: f"{typed}{line_break}breakfast"}))
    assert response.status_code == 422
    assert error_next_to(text_of(response), field) == translated(app, "es", ONE_LINE)
    assert count(db, Event) == 0


@pytest.mark.parametrize("line_break", ["\u2028", "\r\n", "\x1c"])
def test_a_message_subject_with_a_line_break_is_refused(app, db, staff, event, family, now, line_break):
    registration_service.register(event.id, family(language="es"), now)
    db.session.commit()
    for action in ("preview", "send"):
        response = form_post(staff, f"/staff/events/{event.id}/messages/new", dict(
            status="everyone", need="", language="", subject_en="Rides", body_en="We have rides.",
            subject_es=f"Transporte{line_break}Bcc: x", body_es="Tenemos transporte.", action=action))
        assert response.status_code == 422
        assert error_next_to(text_of(response), "subject_es") == translated(app, "en", ONE_LINE)
    assert count(db, Campaign) == 0
    assert count(db, OutboxMessage, OutboxMessage.kind == "organizer") == 0


@pytest.mark.parametrize("line_break", ["\u2028", "\n", "\x85"])
def test_a_family_name_with_a_line_break_is_refused_in_their_language(app, client, db, event, line_break):
    response = form_post(client, f"/events/{event.id}/register?lang=vi",
                         registration_data(name=f"Nguyễn{line_break}Lan"))
    assert response.status_code == 422
    assert error_next_to(text_of(response), "name") == translated(app, "vi", ONE_LINE)
    assert count(db, Registration) == 0


def test_a_decline_name_with_a_line_break_is_refused(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/decline?lang=ar", {"reason": "work", "name": "Amal\u2029X"})
    assert response.status_code == 422
    assert error_next_to(text_of(response), "name") == translated(app, "ar", ONE_LINE)
    assert count(db, Decline) == 0


def test_a_walk_in_name_with_a_line_break_is_refused(app, db, staff_client, tonight):
    event, _families = tonight
    before = count(db, Registration)
    response = post_form(staff_client, event, "/walk-in", {
        "walkin-name": "Amina\u2028Yusuf", "walkin-adults": "1", "walkin-children": "0",
    })
    assert response.status_code == 422
    assert error_next_to(text_of(response), "walkin-name") == translated(app, "en", ONE_LINE)
    assert count(db, Registration) == before


def test_a_line_break_at_the_ends_is_only_trimmed(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/register", registration_data(name="\u2028María\r\n"))
    assert response.status_code == 302
    assert db.session.execute(select(Registration.name)).scalar_one() == "María"


# -- email addresses -------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "bob,attacker@example.org", "bob@example.org,attacker@example.org", "bob@example.org attacker@example.org",
    "Bob <bob@example.org>", "bob@example.org\nBcc: attacker@example.org", "bob@@example.org", "bob@example",
    "bob@localhost",
])
def test_anything_but_one_email_address_is_refused(typed):
    assert normalize_email(typed) is None


@pytest.mark.parametrize("typed, stored", [
    ("  Bob.Smith@Example.ORG ", "bob.smith@example.org"), ("josé@correo.example", "josé@correo.example"),
])
def test_an_email_address_is_stored_lower_cased(typed, stored):
    assert normalize_email(typed) == stored


def test_two_recipients_in_the_email_field_are_refused_next_to_it(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/register?lang=es",
                         registration_data(phone="", email="bob,attacker@example.org"))
    assert response.status_code == 422
    assert error_next_to(text_of(response), "email") == \
        translated(app, "es", "Please check the email address, like name@example.com.")
    assert count(db, Registration) == 0
