"""The pages of families not yet reached: per event, the call list and its
call form, the school year's list and its CSV, and who the school reaches."""
import csv
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.clock import to_local
from portal.models import (
    CallOutcome,
    Invitation,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Source,
)
from portal.services import invitations, reach
from portal.services.schools import ensure_school
from tests.invitation_helpers import make_household
from tests.web.helpers import post, text_of

SECRET = "test-secret"


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def setup_households(db, school, event, now):
    households = {
        "Rosa": make_household(db, school, "Rosa Díaz", "es", phone="+16125550101", grades=("1",)),
        "Amina": make_household(db, school, "Amina Yusuf", "so", phone="+16125550103", grades=("3",)),
        "Nobody": make_household(db, school, "Nadia Nobody", "so", grades=("2",)),
    }
    invitations.send_invitations(event, None, ["1", "2", "3"], SECRET, now)
    rosa = db.session.execute(select(Invitation).where(
        Invitation.household_id == households["Rosa"].id)).scalar_one()
    invitations.register(rosa, invitations.prefilled_details(rosa), now)
    db.session.commit()
    return households


def test_the_event_page_lists_each_household_with_where_it_stands(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert f"/staff/events/{event.id}/reach" in dashboard and f"/staff/events/{event.id}/calls" in dashboard
    page = staff.get(f"/staff/events/{event.id}/reach")
    html = text_of(page)
    assert page.status_code == 200
    assert "Rosa Díaz" in html and "Amina Yusuf" in html and "Nadia Nobody" in html
    assert "Registered: 1" in html and "No answer yet: 1" in html and "No contact on file: 1" in html
    only_somali = text_of(staff.get(f"/staff/events/{event.id}/reach?language=so&status=no_contact"))
    assert "Nadia Nobody" in only_somali and "Amina Yusuf" not in only_somali and "Rosa Díaz" not in only_somali
    grade_3 = text_of(staff.get(f"/staff/events/{event.id}/reach?grade=3"))
    assert "Amina Yusuf" in grade_3 and "Nadia Nobody" not in grade_3


def test_unknown_filters_are_no_filter(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    page = staff.get(f"/staff/events/{event.id}/reach?grade=99&status=%3Cscript%3E&language=" + "x" * 300)
    assert page.status_code == 200
    assert "No household matches these choices." in text_of(page)  # the language filter alone, cut short


def test_a_failed_message_shows_on_the_list(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    message = db.session.execute(select(OutboxMessage).join(Invitation).where(
        Invitation.household_id == households["Amina"].id)).scalar_one()
    message.status = MessageStatus.FAILED
    db.session.commit()
    html = text_of(staff.get(f"/staff/events/{event.id}/reach?status=message_failed"))
    assert "Amina Yusuf" in html and "Could not be delivered" in html and "Rosa Díaz" not in html


def test_the_call_list_has_what_a_caller_needs(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    page = staff.get(f"/staff/events/{event.id}/calls")
    html = text_of(page)
    assert page.status_code == 200
    assert "Rosa Díaz" not in html  # registered: not on the list to call
    assert 'href="tel:+16125550103"' in html and "(612) 555-0103" in html
    assert "Somali" in html  # the home language in words, so the caller brings an interpreter
    assert "Grade 3" in html
    assert "Invitation · Text message · Waiting to be sent" in html
    assert 'class="staff printable"' in html
    everyone = text_of(staff.get(f"/staff/events/{event.id}/calls?status="))
    assert "Rosa Díaz" in everyone


def test_reached_and_coming_registers_the_household(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    amina = households["Amina"]
    page = text_of(staff.get(f"/staff/events/{event.id}/calls?grade=3"))
    # The form's own CSRF token, under its household's prefix.
    token = re.search(rf'name="call{amina.id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = staff.post(f"/staff/events/{event.id}/calls/{amina.id}?grade=3", data={
        f"call{amina.id}-csrf_token": token,
        f"call{amina.id}-outcome": "reached_coming", f"call{amina.id}-reason": "",
        f"call{amina.id}-note": "Will bring her sister"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/staff/events/{event.id}/calls?grade=3")
    registration = db.session.execute(select(Registration).where(
        Registration.household_id == amina.id)).scalar_one()
    assert registration.source == Source.STAFF and registration.children == 1
    call = db.session.execute(select(CallOutcome)).scalar_one()
    assert (call.outcome, call.note, call.registration_id) == ("reached_coming", "Will bring her sister",
                                                              registration.id)
    assert "Amina Yusuf is registered." in text_of(staff.get(response.headers["Location"]))


def test_reached_and_coming_to_a_full_event_says_the_place_in_line(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    event.capacity = 2  # Rosa's one adult and one child fill it
    db.session.commit()
    amina = households["Amina"]
    page = text_of(staff.get(f"/staff/events/{event.id}/calls"))
    token = re.search(rf'name="call{amina.id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = staff.post(f"/staff/events/{event.id}/calls/{amina.id}", data={
        f"call{amina.id}-csrf_token": token, f"call{amina.id}-outcome": "reached_coming"})
    assert response.status_code == 302
    registration = db.session.execute(select(Registration).where(
        Registration.household_id == amina.id)).scalar_one()
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "Amina Yusuf is on the waitlist: number 1 in line." in text_of(staff.get(response.headers["Location"]))


def test_cant_come_needs_a_reason_and_keeps_what_was_typed(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    amina = households["Amina"]
    url = f"/staff/events/{event.id}/calls/{amina.id}"
    response = post(staff, url, {f"call{amina.id}-outcome": "reached_cant_come", f"call{amina.id}-note": "Works"})
    html = text_of(response)
    assert response.status_code == 422
    assert "Please choose a reason from the list." in html and 'value="Works"' in html
    assert db.session.execute(select(func.count()).select_from(CallOutcome)).scalar_one() == 0
    response = post(staff, url, {f"call{amina.id}-outcome": "reached_cant_come",
                                 f"call{amina.id}-reason": "work"})
    assert response.status_code == 302
    reasons = text_of(staff.get(f"/staff/events/{event.id}/reach"))
    assert "Can&#39;t come: My work schedule" in reasons or "Can't come: My work schedule" in reasons


def test_a_call_to_another_schools_household_is_not_found(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    other = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    stranger = make_household(db, other, "Stranger", "en", phone="+16125550199")
    response = post(staff, f"/staff/events/{event.id}/calls/{stranger.id}",
                    {f"call{stranger.id}-outcome": "no_answer"})
    assert response.status_code == 404
    assert db.session.execute(select(func.count()).select_from(CallOutcome)).scalar_one() == 0


def test_the_reports_page_counts_the_calls(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    reach.record_call(event, households["Amina"], None, "no_answer", now)
    reach.record_call(event, households["Nobody"], None, "wrong_number", now)
    db.session.commit()
    today = to_local(now, school.tz).date()
    html = text_of(staff.get(f"/staff/reports?start={today}&end={today + timedelta(days=30)}"))
    assert "Calls made" in html and "Calls to families, by what they gave" in html
    assert "Wrong number" in html and "/staff/reports/reach" in html and "/staff/not-reached" in html


def test_the_not_reached_list_and_its_csv(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    make_household(db, school, "=HYPERLINK(\"http://evil\")", "en", phone="+16125550120", grades=("5",))
    page = staff.get("/staff/not-reached")
    html = text_of(page)
    assert page.status_code == 200
    assert "Amina Yusuf" in html and "Nadia Nobody" in html and "Rosa Díaz" not in html
    assert "Households not reached, by home language" in html
    export = staff.get("/staff/not-reached.csv?language=so")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = rows_of(export)
    assert rows[0][:3] == ["Household", "Home language", "Phone number"]
    assert [row[0] for row in rows[1:]] == ["Amina Yusuf", "Nadia Nobody"]
    assert rows[1][1] == "Somali" and rows[1][5] == "Grade 3" and rows[1][6] == "1"
    everyone = rows_of(staff.get("/staff/not-reached.csv"))
    assert ["'=HYPERLINK(\"http://evil\")"] == [row[0] for row in everyone if "HYPERLINK" in row[0]]


def test_a_later_date_shows_households_that_answered_before_it(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    later = to_local(now, school.tz).date() + timedelta(days=2)
    html = text_of(staff.get(f"/staff/not-reached?since={later}"))
    assert "Rosa Díaz" in html


def test_who_the_school_reaches_page_and_csv(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    today = to_local(now, school.tz).date()
    query = f"start={today}&end={today + timedelta(days=30)}"
    page = staff.get(f"/staff/reports/reach?{query}")
    html = text_of(page)
    assert page.status_code == 200
    assert "Came, share of the roster&#39;s households, by home language" in html \
        or "Came, share of the roster's households, by home language" in html
    assert "Spanish" in html and "Somali" in html and "100%" in html
    rows = rows_of(staff.get(f"/staff/reports/reach.csv?{query}"))
    assert rows[0][:5] == ["Group", "Households on the roster", "Invited", "Registered", "Came"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["All households"][:4] == ["3", "2", "1", "0"]
    assert by_name["Spanish"] == ["1", "1", "1", "0", "100", "0", "100", "0"]
    assert by_name["Somali"][:4] == ["2", "1", "0", "0"] and by_name["Somali"][6] == "0"
    assert by_name["Grade 2"] == ["1", "0", "0", "0", "0", "0", "", ""]


def test_an_empty_roster_says_so(db, school, signed_in):
    staff = signed_in("organizer")
    assert "The roster is empty" in text_of(staff.get("/staff/reports/reach"))
    assert staff.get("/staff/reports/reach?start=2026-12-01&end=2026-01-01").status_code == 200


def test_a_refused_call_shows_its_household_even_when_the_list_hides_it(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    households = setup_households(db, school, event, now)
    rosa = households["Rosa"]  # registered: not on the default list
    response = post(staff, f"/staff/events/{event.id}/calls/{rosa.id}", {f"call{rosa.id}-outcome": "reached_coming"})
    html = text_of(response)
    assert response.status_code == 422
    assert "Rosa Díaz" in html and "already registered" in html
    assert db.session.execute(select(func.count()).select_from(CallOutcome)).scalar_one() == 0


def test_a_household_not_on_the_events_list_cannot_be_called_about_it(db, school, event, signed_in, now):
    staff = signed_in("organizer")
    setup_households(db, school, event, now)
    senior = make_household(db, school, "Senior", "en", phone="+16125550130", grades=("12",))
    response = post(staff, f"/staff/events/{event.id}/calls/{senior.id}", {f"call{senior.id}-outcome": "no_answer"})
    assert response.status_code == 404
