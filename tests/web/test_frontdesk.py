"""The front desk through the test client: today's events, the check-in
screen, search (name with and without accents, last 4 digits, email, code),
the scanner's code + Enter, refusals, walk-ins, no-shows, the JSON the
page's script uses, and CSRF."""
import json
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.frontdesk import old_address
from portal.models import Attendance, CheckIn, EventStatus, Registration, RegistrationStatus, utcnow
from portal.services import registration as registration_service
from portal.services.schools import ensure_school
from tests.rows import nothing_changes
from tests.web.helpers import hidden_fields, local_times, text_of


@pytest.fixture
def staff_client(signed_in):
    return signed_in("frontdesk")


@pytest.fixture
def organizer_client(signed_in):
    return signed_in("organizer")


@pytest.fixture
def tonight(db, make_event, family, now):
    """An event that began ten minutes ago, with four families: two
    confirmed, one on the waitlist, one cancelled."""
    event = make_event(capacity=6, interpreter_languages="es ar")
    register = lambda **fields: registration_service.register(event.id, family(**fields), now).registration  # noqa: E731
    families = dict(
        jose=register(name="José Núñez", adults=2, children=1, phone="+16125550123", email="jose@example.org",
                      childcare_children=1, childcare_ages=[4], interpreter_language="es", transportation_seats=3),
        lan=register(name="Nguyễn Thị Lan", adults=1, children=2, phone="+16125559876",
                     accessibility="Wheelchair space", dietary="Halal"),
        big=register(name="Big Waiting Family", adults=3, children=2),
        gone=register(name="Gone Family", adults=1),
    )
    registration_service.cancel_registration(families["gone"].id, now)
    event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    assert families["big"].status == RegistrationStatus.WAITLISTED
    return event, families


def url(event, path=""):
    return f"/staff/frontdesk/events/{event.id}{path}"


def token(client, event):
    return hidden_fields(text_of(client.get(url(event))))["csrf_token"]


def post_form(client, event, path, data=None):
    return client.post(url(event, path), data=dict(data or {}, csrf_token=token(client, event)))


def post_json(client, event, path, body=None):
    return client.post(url(event, path), json=body or {}, headers={"X-CSRFToken": token(client, event)})


def row_names(html):
    return re.findall(r'<a class="frontdesk-name"[^>]*>([^<]+)</a>', html)


def notices(html):
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', html, re.S)]


def stored(db, registration):
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def count_rows(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def check_ins(db, registration, action="check_in"):
    return db.session.execute(
        select(func.count()).select_from(CheckIn)
        .where(CheckIn.registration_id == registration.id, CheckIn.action == action)
    ).scalar_one()


# -- pages ----------------------------------------------------------------------------

def test_today_lists_todays_and_tomorrows_events_with_their_counts(db, staff_client, tonight, make_event, school):
    event, _families = tonight
    local_noon = datetime.now(school.tz).replace(hour=12, minute=0, second=0, microsecond=0)
    next_week = make_event(days=7)
    draft_today = make_event(days=0, status=EventStatus.DRAFT, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1))
    tomorrow_start = (local_noon + timedelta(days=1)).astimezone(timezone.utc).replace(tzinfo=None)
    tomorrow = make_event(days=0, starts_at=tomorrow_start, ends_at=tomorrow_start + timedelta(hours=1),
                          texts={"en": ("Tomorrow's breakfast", "")})

    page = text_of(staff_client.get("/staff/frontdesk/"))

    assert f'href="/staff/frontdesk/events/{event.id}"' in page
    assert f'href="/staff/frontdesk/events/{tomorrow.id}"' in page
    assert f"/events/{next_week.id}\"" not in page and f"/events/{draft_today.id}\"" not in page
    assert page.index("Math games night") < page.index("Tomorrow&#39;s breakfast")
    # Expected: 2 families, 6 people; nobody arrived yet.
    assert re.search(r"Expected</th><td>2</td><td>6</td>", page)
    assert re.search(r"Arrived</th><td>0</td><td>0</td>", page)
    assert "frontdesk.js" not in page


def test_today_without_events_says_so(staff_client):
    assert "There are no events today or tomorrow." in text_of(staff_client.get("/staff/frontdesk/"))


def test_check_in_screen_lists_confirmed_then_waitlisted_never_cancelled(staff_client, tonight):
    event, families = tonight
    response = staff_client.get(url(event))
    page = text_of(response)
    assert (response.status_code, response.headers["Cache-Control"]) == (200, "no-store")
    assert row_names(page) == ["José Núñez", "Nguyễn Thị Lan", "Big Waiting Family"]
    assert "Gone Family" not in page
    assert re.search(r'id="frontdesk-expected-families">2<.*id="frontdesk-expected-people">6<', page)
    assert re.search(r'id="frontdesk-arrived-families">0<.*id="frontdesk-arrived-people">0<', page)
    assert re.search(r'id="frontdesk-waitlisted-families">1<', page)
    assert "Childcare room: 1 child (age 4)" in page and "Interpreter: Spanish" in page
    assert re.search(r'src="/static/frontdesk\.[0-9a-f]{12}\.js"', page)  # named by its content
    assert 'autofocus' in page
    strings = re.search(r'<script type="application/json" id="frontdesk-strings">(.*?)</script>', page, re.S)[1]
    assert "Offline: 2 check-ins waiting to be sent" in strings
    assert "<script>" not in page  # no inline script: the CSP allows only files


def test_a_draft_event_and_another_schools_event_are_not_found(db, staff_client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    theirs = make_event(school_id=other_school.id)
    for event in (draft, theirs):
        assert staff_client.get(url(event)).status_code == 404
        assert staff_client.get(url(event, "/roster.json")).status_code == 404


def test_tomorrows_event_shows_its_list_but_no_check_in_yet(db, staff_client, make_event, family, school, now):
    event = make_event(**local_times(school, 1, start=time(9, 0)))
    registration = registration_service.register(event.id, family(name="Early Family"), now).registration
    db.session.commit()
    page = text_of(staff_client.get(url(event)))
    assert "Early Family" in page
    assert "Check-in for this event opens on the day of the event." in page
    assert '/checkin"' not in page
    response = post_form(staff_client, event, f"/registrations/{registration.id}/checkin")
    assert response.status_code == 302
    assert stored(db, registration).attendance == Attendance.UNKNOWN


# -- search -----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["José", "jose", "JOSE NUNEZ", "núñez", "nun", "0123", "555-0123",
                                   "jose@example", "JOSE@EXAMPLE.ORG"])
def test_search_finds_the_family_by_name_phone_or_email(staff_client, tonight, query):
    event, _families = tonight
    page = text_of(staff_client.get(url(event), query_string={"q": query}))
    assert row_names(page) == ["José Núñez"]


def test_search_by_code_and_in_any_script(staff_client, tonight):
    event, families = tonight
    assert row_names(text_of(staff_client.get(url(event), query_string={"q": families["lan"].checkin_code.lower()}))) == [
        "Nguyễn Thị Lan"]
    assert row_names(text_of(staff_client.get(url(event), query_string={"q": "nguyen"}))) == ["Nguyễn Thị Lan"]
    assert row_names(text_of(staff_client.get(url(event), query_string={"q": "٩٨٧٦"}))) == ["Nguyễn Thị Lan"]


def test_a_search_that_finds_nobody_says_what_to_try(staff_client, tonight):
    event, _families = tonight
    page = text_of(staff_client.get(url(event), query_string={"q": "Gone Family"}))
    assert row_names(page) == []
    assert "No family found" in page


def test_a_page_number_in_other_digits_shows_the_first_page(staff_client, tonight):
    """'²'.isdigit() is true, but int('²') fails."""
    event, _families = tonight
    response = staff_client.get(url(event), query_string={"page": "²"})
    assert response.status_code == 200
    assert row_names(text_of(response)) == ["José Núñez", "Nguyễn Thị Lan", "Big Waiting Family"]


@pytest.mark.parametrize("how", ["page", "search.json", "scan as JSON"])
def test_a_search_for_a_character_that_is_a_digit_but_no_number_finds_nobody(db, staff_client, tonight, how):
    """'²' has isdigit() but not isdecimal(): it is no part of a phone number or a code."""
    event, _families = tonight
    with nothing_changes():
        if how == "page":
            page = text_of(staff_client.get(url(event), query_string={"q": "²"}))
            assert row_names(page) == [] and "No family found" in page
        elif how == "search.json":
            assert staff_client.get(url(event, "/search.json"), query_string={"q": "²"}).get_json()["registrations"] == []
        else:
            data = post_json(staff_client, event, "/scan", {"q": "²"}).get_json()
            assert (data["ok"], data["outcome"], data["registrations"]) == (True, "search", [])


def test_search_json_answers_as_you_type(staff_client, tonight):
    event, families = tonight
    data = staff_client.get(url(event, "/search.json"), query_string={"q": "ngu"}).get_json()
    [found] = data["registrations"]
    assert (found["id"], found["name"], found["last4"], found["status"]) == (
        families["lan"].id, "Nguyễn Thị Lan", "9876", "confirmed")
    assert found["needs"] == ["Help to take part: Wheelchair space", "Food: Halal"]
    assert (found["adults"], found["children"], found["search"]) == (1, 2, "nguyen thi lan")


# -- the scanner: a code and Enter -----------------------------------------------------------

def test_scanning_a_code_checks_the_family_in_and_shows_what_to_do(db, staff_client, tonight, desk):
    event, families = tonight
    jose = families["jose"]

    response = post_form(staff_client, event, "/scan", {"q": jose.checkin_code})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(event, f"/registrations/{jose.id}"))
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "José Núñez is checked in." in notices(page)
    todo = re.search(r'<ul class="frontdesk-todo">(.*?)</ul>', page, re.S)[1]
    assert re.findall(r"<li>([^<]+)</li>", todo) == [
        "Childcare room: 1 child (age 4)", "Ride home: 3 seats", "Interpreter: Spanish"]
    assert re.search(r'id="frontdesk-arrived-families">1<.*id="frontdesk-arrived-people">3<', page)
    assert 'autofocus' in page  # ready for the next scan
    registration = stored(db, jose)
    assert (registration.attendance, registration.arrived_adults, registration.arrived_children) == (
        Attendance.ATTENDED, 2, 1)
    assert check_ins(db, jose) == 1


def test_scanning_the_same_code_twice_counts_once_and_says_when_and_by_whom(db, staff_client, tonight, school):
    event, families = tonight
    post_form(staff_client, event, "/scan", {"q": families["jose"].checkin_code})

    response = post_form(staff_client, event, "/scan", {"q": families["jose"].checkin_code})

    page = text_of(staff_client.get(response.headers["Location"]))
    [message] = [text for text in notices(page) if "already" in text]
    assert re.fullmatch(r"José Núñez was already checked in at \d{1,2}:\d\d\s?[AP]M by Ana Desk\.", message)
    assert check_ins(db, families["jose"]) == 1


def test_a_code_from_another_event_is_refused_without_naming_that_family(db, staff_client, tonight, make_event,
                                                                          family, now):
    event, _families = tonight
    other = make_event(texts={"en": ("Science fair", "")})
    theirs = registration_service.register(other.id, family(name="Secret Family"), now).registration
    db.session.commit()

    response = post_form(staff_client, event, "/scan", {"q": theirs.checkin_code})

    page = text_of(staff_client.get(response.headers["Location"]))
    assert any(text.startswith("This code is for another event: Science fair") for text in notices(page))
    assert "Secret Family" not in page
    assert stored(db, theirs).attendance == Attendance.UNKNOWN


def test_a_code_from_another_school_is_refused_saying_nothing_about_it(db, staff_client, tonight, make_event, family,
                                                                       now):
    event, _families = tonight
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    theirs_event = make_event(school_id=other_school.id, texts={"en": ("Roosevelt secret night", "")})
    theirs = registration_service.register(theirs_event.id, family(name="Secret Family"), now).registration
    db.session.commit()

    data = post_json(staff_client, event, "/scan", {"q": theirs.checkin_code}).get_json()

    assert (data["ok"], data["code"]) == (False, "code_other_event")
    assert "Secret" not in data["message"] and "Roosevelt" not in data["message"]
    assert data["message"].startswith("This code is for a different event.")


def test_scanning_a_waitlisted_family_offers_to_admit_them(db, staff_client, tonight):
    event, families = tonight
    big = families["big"]
    response = post_form(staff_client, event, "/scan", {"q": big.checkin_code})
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "Big Waiting Family is on the waitlist. Admit them to check them in." in notices(page)
    assert f'action="{url(event, f"/registrations/{big.id}/admit")}"' in page
    assert "puts the event over capacity (11 people for 6 places)" in page
    assert stored(db, big).attendance == Attendance.UNKNOWN


def test_enter_on_a_name_is_a_search(staff_client, tonight):
    event, _families = tonight
    response = post_form(staff_client, event, "/scan", {"q": "Núñez"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(event, "?q=N%C3%BA%C3%B1ez"))
    assert row_names(text_of(staff_client.get(response.headers["Location"]))) == ["José Núñez"]


def test_scan_json_checks_in_or_searches(db, staff_client, tonight):
    event, families = tonight
    data = post_json(staff_client, event, "/scan", {"q": families["lan"].checkin_code, "client_key": "scan-1"}).get_json()
    assert (data["ok"], data["outcome"], data["registration"]["attendance"]) == (True, "checked_in", "attended")
    assert data["registration"]["needs"] == ["Help to take part: Wheelchair space", "Food: Halal"]
    assert (data["registration"]["arrived_adults"], data["registration"]["checked_in_by"]) == (1, "Ana Desk")
    assert (data["counts"]["arrived_families"], data["counts"]["arrived_people"]) == (1, 3)

    data = post_json(staff_client, event, "/scan", {"q": "nguyen"}).get_json()
    assert (data["outcome"], [r["name"] for r in data["registrations"]]) == ("search", ["Nguyễn Thị Lan"])


# -- checking in, undo, admit ---------------------------------------------------------------

def test_check_in_with_the_numbers_that_came(db, staff_client, tonight):
    event, families = tonight
    lan = families["lan"]
    page = text_of(staff_client.get(url(event, f"/registrations/{lan.id}")))
    assert re.search(r'id="adults" name="adults" value="1"', page)
    assert re.search(r'id="children" name="children" value="2"', page)

    response = post_form(staff_client, event, f"/registrations/{lan.id}/checkin", {"adults": "2", "children": "١"})

    assert response.status_code == 302
    registration = stored(db, lan)
    assert (registration.arrived_adults, registration.arrived_children) == (2, 1)
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "Came</dt><dd>2 adults and 1 child" in page


def test_impossible_numbers_are_said_next_to_the_field_and_change_nothing(db, staff_client, tonight):
    event, families = tonight
    lan = families["lan"]
    response = post_form(staff_client, event, f"/registrations/{lan.id}/checkin", {"adults": "0", "children": "0"})
    assert response.status_code == 422
    assert '<p class="error" id="adults-error">At least one person must have come.' in text_of(response)
    response = post_form(staff_client, event, f"/registrations/{lan.id}/checkin", {"adults": "two"})
    assert response.status_code == 422
    assert 'id="adults-error">Please enter a number from 0 to 10.' in text_of(response)
    assert 'value="two"' in text_of(response)
    assert stored(db, lan).attendance == Attendance.UNKNOWN


def test_undo_a_check_in_made_by_mistake(db, staff_client, tonight):
    event, families = tonight
    jose = families["jose"]
    post_form(staff_client, event, f"/registrations/{jose.id}/checkin")

    response = post_form(staff_client, event, f"/registrations/{jose.id}/undo")

    page = text_of(staff_client.get(response.headers["Location"]))
    assert "The check-in of José Núñez is undone." in notices(page)
    assert stored(db, jose).attendance == Attendance.UNKNOWN
    assert (check_ins(db, jose), check_ins(db, jose, "undo")) == (1, 1)
    response = post_form(staff_client, event, f"/registrations/{jose.id}/undo")
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "This family is not checked in, so there is nothing to undo." in notices(page)


def test_admitting_a_waitlisted_family_over_capacity_warns(db, staff_client, tonight):
    event, families = tonight
    big = families["big"]
    response = post_form(staff_client, event, f"/registrations/{big.id}/admit", {"adults": "3", "children": "1"})
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "Big Waiting Family is admitted from the waitlist and checked in." in notices(page)
    assert "The event is now over capacity (11 people for 6 places)." in notices(page)
    registration = stored(db, big)
    assert (registration.status, registration.attendance, registration.arrived_children) == (
        RegistrationStatus.CONFIRMED, Attendance.ATTENDED, 1)


def test_check_in_json_replayed_with_its_client_key_counts_once(db, staff_client, tonight):
    event, families = tonight
    jose = families["jose"]
    path = f"/registrations/{jose.id}/checkin"
    first = post_json(staff_client, event, path, {"client_key": "offline-1", "adults": 1, "children": 1}).get_json()
    again = post_json(staff_client, event, path, {"client_key": "offline-1", "adults": 1, "children": 1}).get_json()
    other_desk = post_json(staff_client, event, path, {"client_key": "offline-2"}).get_json()

    assert (first["outcome"], first["replayed"]) == ("checked_in", False)
    assert (again["outcome"], again["replayed"]) == ("checked_in", True)
    assert other_desk["outcome"] == "already_checked_in"
    assert other_desk["message"].startswith("José Núñez was already checked in at ")
    assert check_ins(db, jose) == 1
    assert first["counts"]["arrived_people"] == 2


def test_json_errors_carry_a_code_and_a_sentence(staff_client, tonight):
    event, families = tonight
    data = post_json(staff_client, event, f"/registrations/{families['big'].id}/checkin").get_json()
    assert (data["ok"], data["code"]) == (False, "registration_waitlisted")
    response = post_json(staff_client, event, f"/registrations/{families['jose'].id}/checkin", {"adults": "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"adults": ["Please enter a number from 0 to 10."]}
    response = post_json(staff_client, event, "/registrations/999999/checkin")
    assert (response.status_code, response.get_json()["code"]) == (422, "registration_not_found")


# -- walk-ins --------------------------------------------------------------------------------

def test_a_walk_in_is_registered_and_checked_in_even_over_capacity(db, staff_client, tonight):
    event, _families = tonight
    response = post_form(staff_client, event, "/walk-in", {
        "walkin-name": "Amina Yusuf", "walkin-adults": "1", "walkin-children": "2",
        "walkin-childcare_children": "2", "walkin-interpreter_language": "ar", "walkin-accessibility": "",
        "walkin-client_key": "walk-form-1",
    })
    assert response.status_code == 302
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "Amina Yusuf is registered as a walk-in and checked in." in notices(page)
    assert "The event is now over capacity (9 people for 6 places)." in notices(page)
    assert "Childcare room: 2 children" in page and "Interpreter: Arabic" in page
    walk_in = db.session.execute(select(Registration).where(Registration.name == "Amina Yusuf")).scalar_one()
    assert (walk_in.status, walk_in.source, walk_in.language, walk_in.phone) == ("confirmed", "walk_in", "ar", None)


def test_a_walk_in_form_with_mistakes_says_so_next_to_the_fields(db, staff_client, tonight):
    event, _families = tonight
    response = post_form(staff_client, event, "/walk-in", {
        "walkin-name": "", "walkin-adults": "0", "walkin-children": "1", "walkin-childcare_children": "3",
        "walkin-phone": "12",
    })
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(r'id="walkin-name-error">Please enter the family(&#39;|\')s name.', page)
    assert 'id="walkin-adults-error">' in page
    assert 'id="walkin-phone-error">' in page
    assert db.session.execute(select(func.count()).select_from(Registration)
                              .where(Registration.source == "walk_in")).scalar_one() == 0


def test_a_walk_in_whose_name_has_a_longer_search_form_is_saved_whole(db, staff_client, tonight):
    """'ß' is searched as 'ss': the search form is cut to fit its column."""
    event, _families = tonight
    name = "ß" * 200
    response = post_form(staff_client, event, "/walk-in", {"walkin-name": name, "walkin-adults": "1"})
    assert response.status_code == 302
    saved = db.session.execute(select(Registration).where(Registration.name == name)).scalar_one()
    assert (saved.search_name, saved.attendance) == ("ss" * 100, Attendance.ATTENDED)


def test_a_walk_in_phone_abroad_is_refused_without_asking_for_an_email_the_form_has_not(db, staff_client, tonight):
    event, _families = tonight
    response = post_form(staff_client, event, "/walk-in", {"walkin-name": "Visiting Family", "walkin-phone": "+52 55 1234 5678"})
    assert response.status_code == 422
    error = re.search(r'id="walkin-phone-error">([^<]*)<', text_of(response)).group(1)
    assert error == ("We can only send text messages to phones in United States. "
                     "Leave the phone empty, or write a local number.")
    assert 'name="walkin-email"' not in text_of(response)
    assert db.session.execute(select(func.count()).select_from(Registration)
                              .where(Registration.name == "Visiting Family")).scalar_one() == 0


def test_a_walk_in_whose_phone_is_already_registered_is_pointed_to_the_list(db, staff_client, tonight):
    event, _families = tonight
    response = post_form(staff_client, event, "/walk-in", {"walkin-name": "José again", "walkin-phone": "612 555 0123"})
    assert response.status_code == 422
    assert "A family with this phone number is already registered for this event." in text_of(response)


def test_a_walk_in_replayed_from_the_offline_queue_registers_once(db, staff_client, tonight):
    event, _families = tonight
    body = {"walkin-name": "Offline Family", "walkin-adults": 2, "walkin-client_key": "queued-walk-in"}
    first = post_json(staff_client, event, "/walk-in", body).get_json()
    again = post_json(staff_client, event, "/walk-in", body).get_json()
    assert (first["outcome"], again["outcome"], again["replayed"]) == ("walked_in", "walked_in", True)
    assert first["registration"]["id"] == again["registration"]["id"]
    assert db.session.execute(select(func.count()).select_from(Registration)
                              .where(Registration.name == "Offline Family")).scalar_one() == 1
    data = post_json(staff_client, event, "/walk-in", {"walkin-adults": 1}).get_json()
    assert (data["ok"], list(data["errors"])) == (False, ["walkin-name"])


# -- after the event ------------------------------------------------------------------------

def test_mark_everyone_not_checked_in_as_no_show(db, staff_client, tonight):
    event, families = tonight
    post_form(staff_client, event, f"/registrations/{families['jose'].id}/checkin")
    page = text_of(staff_client.get(url(event, "/no-shows")))
    assert "1 confirmed family has not checked in." in page

    response = post_form(staff_client, event, "/no-shows")

    assert response.status_code == 302
    page = text_of(staff_client.get(response.headers["Location"]))
    assert "1 family is marked as a no-show." in notices(page)
    assert re.search(r'id="frontdesk-no-show-families">1<', page)
    assert stored(db, families["lan"]).attendance == Attendance.NO_SHOW
    assert stored(db, families["big"]).attendance == Attendance.UNKNOWN  # waitlisted: not expected
    assert "Marked as no-show" in page


def test_no_shows_cannot_be_marked_before_the_event(db, staff_client, make_event):
    event = make_event(days=1)
    assert "You can mark no-shows once the event has started." in text_of(staff_client.get(url(event, "/no-shows")))
    response = post_form(staff_client, event, "/no-shows")
    assert response.status_code == 422


# -- the JSON the page keeps -------------------------------------------------------------------

def test_counts_and_roster_json_for_live_counts_and_offline_use(db, staff_client, tonight):
    event, families = tonight
    before = staff_client.get(url(event, "/counts.json")).get_json()
    assert before["counts"]["expected_people"] == 6
    roster = staff_client.get(url(event, "/roster.json"))
    assert roster.headers["Cache-Control"] == "no-store"
    roster = roster.get_json()
    assert roster["full"] is True and roster["checkin_open"] is True
    assert [r["name"] for r in roster["registrations"]] == ["José Núñez", "Nguyễn Thị Lan", "Big Waiting Family"]
    # What the page keeps to work offline: small, with no empty fields.
    jose = roster["registrations"][0]
    assert set(jose) == {"id", "name", "code", "last4", "email", "search", "status", "adults", "children", "needs"}
    assert (jose["last4"], jose["search"], jose["needs"][0]) == ("0123", "jose nunez", "Childcare room: 1 child (age 4)")

    post_form(staff_client, event, f"/registrations/{families['jose'].id}/checkin")

    after = staff_client.get(url(event, "/counts.json")).get_json()
    assert after["stamp"] != before["stamp"]
    assert (after["counts"]["arrived_families"], after["counts"]["arrived_people"]) == (1, 3)
    changed = staff_client.get(url(event, "/roster.json"), query_string={"since": roster["now"]}).get_json()
    assert changed["full"] is False
    assert families["jose"].id in [r["id"] for r in changed["registrations"]]
    assert "Gone Family" not in [r["name"] for r in roster["registrations"]]


def test_the_roster_since_the_first_day_of_the_calendar_is_the_whole_roster(staff_client, tonight):
    """The page asks for the changes since its last copy, less a margin: from 0001-01-01 that margin
    is before the calendar."""
    event, _families = tonight
    roster = staff_client.get(url(event, "/roster.json"), query_string={"since": "0001-01-01"}).get_json()
    assert [r["name"] for r in roster["registrations"]] == ["José Núñez", "Nguyễn Thị Lan", "Big Waiting Family"]


# -- CSRF and escaping --------------------------------------------------------------------------

def test_every_front_desk_post_needs_the_csrf_token(db, staff_client, tonight):
    event, families = tonight
    jose = families["jose"]
    response = staff_client.post(url(event, f"/registrations/{jose.id}/checkin"), data={})
    assert response.status_code == 400
    response = staff_client.post(url(event, f"/registrations/{jose.id}/checkin"), json={"client_key": "x"})
    assert (response.status_code, response.get_json()["code"]) == (400, "csrf")
    response = staff_client.post(url(event, "/scan"), data={"q": jose.checkin_code})
    assert response.status_code == 400
    response = staff_client.post(url(event, "/walk-in"), json={"walkin-name": "No Token"})
    assert response.status_code == 400
    assert stored(db, jose).attendance == Attendance.UNKNOWN
    assert check_ins(db, jose) == 0


def test_names_are_shown_escaped(db, staff_client, make_event, family, school, now):
    event = make_event(**local_times(school, 1))
    registration_service.register(event.id, family(name='<script>alert("x")</script>'), now)
    db.session.commit()
    page = text_of(staff_client.get(url(event)))
    assert '<script>alert' not in page
    assert "&lt;script&gt;alert" in page


def test_today_lists_only_the_desks_own_schools_events(db, staff_client, make_event):
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    start = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    ours = make_event(starts_at=start, ends_at=start + timedelta(hours=1), texts={"en": ("Our breakfast", "")})
    theirs = make_event(school_id=other_school.id, starts_at=start, ends_at=start + timedelta(hours=1),
                        texts={"en": ("Roosevelt science fair", "")})

    page = text_of(staff_client.get("/staff/frontdesk/"))

    assert "Our breakfast" in page and f'href="/staff/frontdesk/events/{ours.id}"' in page
    assert "Roosevelt science fair" not in page and f"/events/{theirs.id}\"" not in page


FAMILY_LISTS = ["", "/roster.json", "/search.json?q=Early", "/counts.json", "/walk-in", "/no-shows",
                "/registrations/{registration_id}"]
FRONTDESK_ACTIONS = ["/scan", "/walk-in", "/no-shows", "/registrations/{registration_id}/checkin",
                "/registrations/{registration_id}/admit", "/registrations/{registration_id}/undo"]


@pytest.mark.parametrize("days", [7, 2, -1, -7], ids=["next week", "the day after tomorrow", "yesterday",
                                                       "last week"])
def test_the_front_desk_sees_no_family_list_of_an_event_it_cannot_check_in(app, db, staff_client, make_event,
                                                                            family, organizer_client, school,
                                                                            now, days):
    """Only today's and tomorrow's events are the door's; organizers keep every list."""
    event = make_event()
    registration = registration_service.register(event.id, family(name="Early Family"), now).registration
    event.starts_at, event.ends_at = local_times(school, days, start=time(12, 0)).values()
    todays = make_event(starts_at=now, ends_at=now + timedelta(hours=1))
    db.session.commit()
    lists = [path.format(registration_id=registration.id) for path in FAMILY_LISTS]
    actions = [path.format(registration_id=registration.id) for path in FRONTDESK_ACTIONS]
    csrf = {"X-CSRFToken": token(staff_client, todays)}

    assert {path: staff_client.get(url(event, path)).status_code for path in lists} == dict.fromkeys(lists, 404)
    assert {path: staff_client.post(url(event, path), json={"q": "Early"}, headers=csrf).status_code
            for path in actions} == dict.fromkeys(actions, 404)
    assert stored(db, registration).attendance == Attendance.UNKNOWN
    assert {path: organizer_client.get(url(event, path)).status_code for path in lists} == \
        dict.fromkeys(lists, 200)
    assert "Early Family" in text_of(organizer_client.get(url(event)))


@pytest.mark.parametrize("path, fields", [
    ("/scan", {"q": "Ana {}"}),
    ("/walk-in", {"walkin-name": "Ana {}", "walkin-adults": 1}),
    ("/registrations/{jose}/checkin", {"client_key": "key-{}"}),
])
@pytest.mark.parametrize("surrogate", [b"\\ud800", b"\\udfff", b"\xed\xa0\x80"], ids=["high", "low", "raw"])
def test_a_lone_surrogate_in_json_is_refused_like_a_nul_and_changes_nothing(db, staff_client, tonight, path,
                                                                            fields, surrogate):
    """Half of a UTF-16 pair is no character: PostgreSQL cannot store it and SQLite's driver cannot send it."""
    event, families = tonight
    body = json.dumps(fields).encode().replace(b"{}", surrogate)
    before = (count_rows(db, Registration), count_rows(db, CheckIn))

    response = staff_client.post(url(event, path.format(jose=families["jose"].id)), data=body,
                                 content_type="application/json", headers={"X-CSRFToken": token(staff_client, event)})

    assert response.status_code == 400
    assert (count_rows(db, Registration), count_rows(db, CheckIn)) == before


def test_a_whole_surrogate_pair_in_json_is_a_character_like_any_other(db, staff_client, tonight):
    event, _families = tonight
    response = post_json(staff_client, event, "/walk-in", {"walkin-name": "Ana \U0001F33B", "walkin-adults": 1})
    assert response.status_code == 200 and response.get_json()["registration"]["name"] == "Ana \U0001F33B"


def test_the_old_check_in_address_leads_to_the_front_desk(client):
    """Tablets keep the front desk's old address bookmarked."""
    moved_from = old_address.url_prefix
    assert moved_from == "/staff/" + "checkin"
    for old, new in [(f"{moved_from}/", "/staff/frontdesk/"),
                     (f"{moved_from}/events/7?q=ana", "/staff/frontdesk/events/7?q=ana")]:
        response = client.get(old)
        assert response.status_code == 301 and response.headers["Location"] == new
