"""Reaching every family, in a browser, from the sample roster of about 500
students: the roster imported through its pages (upload, columns, the
preview with its problems, confirm), the families invited from the event's
dashboard, answers by text through the SMS webhook in English, Spanish,
Arabic and Vietnamese, a family registering through its personal link on a
phone, and a call recorded on the call list: the event's families not yet
reached shrink by exactly those households.

REACH_SCREENSHOTS=docs also saves the README's screenshots of the roster
preview and of the invitation preview."""
import re
import urllib.parse
import urllib.request
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import to_local, to_utc
from portal.models import (
    Household,
    Invitation,
    InvitationAnswer,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Student,
    utcnow,
)
from portal.notifications.delivery import send_due
from portal.notifications.invitation_text import REPLY_HINT
from portal.sample_roster import sample_roster
from portal.services import invitations
from tests.conftest import sign_in
from tests.e2e.conftest import PHONE, axe_check
from tests.e2e.test_frontdesk import open_context  # noqa: F401 (a fixture)
from tests.e2e.test_reach import save
from tests.servers import TWILIO_TOKEN, twilio  # noqa: F401 (a fixture)
from tests.web.test_invitations import BASE, catalog, sms_app  # noqa: F401 (sms_app: a fixture)
from tests.web.test_messages import twilio_signature

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

DESKTOP = dict(viewport={"width": 1280, "height": 900})
GRADES = ["K", "1", "2"]
MATH_NIGHT = {
    "en": ("Math games night", "Play the games your child plays in class."),
    "es": ("Noche de juegos de matemáticas", "Juegue los juegos que su hijo juega en clase."),
    "ar": ("أمسية ألعاب الرياضيات", "العبوا الألعاب التي يلعبها طفلكم في الصف."),
    "vi": ("Đêm trò chơi toán học", "Chơi những trò chơi con bạn chơi trong lớp."),
}


def an_evening_next_week(make_event, school):
    """A math night for the younger grades, in the languages the school translates into."""
    day = to_local(utcnow(), school.tz).date() + timedelta(days=7)
    return make_event(grades=GRADES, capacity=400, starts_at=to_utc(day, time(18), school.tz),
                      ends_at=to_utc(day, time(19, 30), school.tz), texts=MATH_NIGHT)


def text_from_a_phone(live_server, body, sender, sid):
    """A reply posted to the webhook as the SMS provider posts it: form fields, signed."""
    fields = {"MessageSid": sid, "AccountSid": "AC" + "2" * 32, "From": sender, "To": "+15005550006",
              "Body": body, "NumMedia": "0"}
    request = urllib.request.Request(
        f"{live_server}/sms/inbound", data=urllib.parse.urlencode(fields).encode(), method="POST",
        headers={"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, f"{BASE}/sms/inbound", fields),
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def invited_households(db, event, channel=None):
    """Language -> the households invited to `event` (by `channel`), in the order they were invited."""
    db.session.rollback()  # the server wrote since this thread last read
    query = (select(Household).join(Invitation, Invitation.household_id == Household.id)
             .where(Invitation.event_id == event.id).order_by(Invitation.id))
    if channel:
        query = query.where(Invitation.channel == channel)
    by_language = {}
    for household in db.session.execute(query).scalars():
        by_language.setdefault(household.language, []).append(household)
    return by_language


def count_of(page, label):
    """The number after `label` in the reach page's counts ("No answer yet: 57")."""
    text = page.locator("main ul.counts").inner_text()
    found = re.search(rf"^{re.escape(label)}: (\d+)$", text, re.MULTILINE)
    return int(found[1]) if found else 0


def households_to_call(page):
    return int(re.search(r"(\d+) households? to call", page.locator("main").inner_text())[1])


def not_reached_this_year(page):
    page.goto("/staff/not-reached")
    return int(page.locator("dl.numbers dd").first.inner_text())


def texts_to(twilio, phone):  # noqa: F811
    return [request.fields["Body"] for request in twilio.received() if request.fields["To"] == phone]


@pytest.mark.browser
def test_the_sample_roster_is_imported_invited_and_the_families_not_reached_shrink(
        app, db, school, make_event, staff_of, open_context, live_server, sms_app, tmp_path):
    sample = sample_roster()
    event = an_evening_next_week(make_event, school)
    context, page = open_context(DESKTOP)
    sign_in(page, staff_of("organizer"))

    # The roster: upload, the guessed columns, every row with its problems, import.
    roster_file = tmp_path / "powerschool_export.csv"
    roster_file.write_text(sample.csv, encoding="utf-8")
    page.goto("/staff/roster/")
    page.locator("#roster_file").set_input_files(roster_file)
    page.get_by_role("button", name="Upload and choose the columns").click()
    expect(page).to_have_url(re.compile(r"/staff/roster/upload/[^/]+/columns$"))
    expect(page.locator("main")).to_contain_text(f"powerschool_export.csv: {sample.students + 2} rows.")
    page.get_by_role("button", name="See every row before importing").click()
    expect(page).to_have_url(re.compile(r"/staff/roster/upload/[^/]+$"))
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text(re.compile(rf"Students to import\s*{sample.students}\b"))
    expect(counts).to_contain_text(f"{sample.students} new, 0 changed")
    expect(counts).to_contain_text(re.compile(r"Rows left out\s*2\b"))
    problems = page.locator("#roster-rows tbody").inner_text()
    for problem in ("No student ID: not imported.", "Unknown grade “Grade X”: not imported.",
                    "“555-12” is not a phone number: left out.",
                    "Unknown language “Elvish”: messages go in the school's language.",
                    "No phone or email: the school can reach this family only in person."):
        assert problem in problems
    assert db.session.execute(select(func.count()).select_from(Student)).scalar_one() == 0  # nothing stored yet
    save(page, "roster-preview.png", full_page=False)
    page.get_by_role("button", name=f"Import {sample.students} students").click()
    expect(page).to_have_url(re.compile(r"/staff/roster/$"))
    expect(page.locator(".notice-success")).to_have_text(
        f"Roster imported: {sample.students} added, 0 updated, 0 no longer enrolled, 2 rows left out.")
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Household)).scalar_one() == sample.households

    # Inviting from the event's dashboard: a preview per language, then one message per household.
    plan = invitations.plan(event, GRADES)
    languages = sorted(plan.groups)
    assert {"en", "es", "ar", "vi"} <= set(languages)
    page.goto(f"/staff/events/{event.id}")
    page.locator("details.more-actions > summary").click()
    page.get_by_role("link", name="Invite families").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.id}/invite$"))
    expect(page.locator("#preview-heading")).to_have_text(f"Preview: {plan.households} households will get this")
    previews = page.locator("section.preview article.tile")
    expect(previews).to_have_count(len(languages))
    spanish = previews.filter(has_text="Spanish ·")
    expect(spanish).to_contain_text("Noche de juegos de matemáticas")
    expect(spanish).to_contain_text(catalog(app, "es", REPLY_HINT))
    expect(previews.filter(has_text="Arabic ·")).to_contain_text(catalog(app, "ar", REPLY_HINT))
    axe_check(page)
    page.evaluate("() => window.scrollBy(0, document.querySelector('#preview-heading').getBoundingClientRect().top - 24)")
    save(page, "invite-preview.png", full_page=False)
    page.get_by_role("button", name=f"Invite {plan.households} households").click()
    expect(page.locator(".notice-success")).to_have_text(
        f"Invitations are on their way to {plan.households} households.")
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == plan.households
    send_due()  # the worker: texts to the stand-in provider, emails to the log

    by_text = invited_households(db, event, channel="sms")
    english, spanish, arabic, vietnamese = (by_text[code][0] for code in ("en", "es", "ar", "vi"))
    assert catalog(app, "vi", REPLY_HINT) in texts_to(sms_app, vietnamese.phone)[0]

    # Where the event stands before any answer.
    page.goto(f"/staff/events/{event.id}/reach")
    no_answer = count_of(page, "No answer yet")
    assert no_answer == plan.households and count_of(page, "Registered") == 0
    page.goto(f"/staff/events/{event.id}/calls")
    to_call = households_to_call(page)
    assert to_call >= no_answer
    not_reached = not_reached_this_year(page)
    assert not_reached == sample.households

    # Answers by text, as the provider posts them.
    text_from_a_phone(live_server, "1", english.phone, "SM" + "1" * 32)
    text_from_a_phone(live_server, "1", english.phone, "SM" + "1" * 32)  # the provider retries: once
    text_from_a_phone(live_server, "2", spanish.phone, "SM" + "2" * 32)
    text_from_a_phone(live_server, "1", spanish.phone, "SM" + "3" * 32)  # the reason: work
    text_from_a_phone(live_server, "٢", arabic.phone, "SM" + "4" * 32)
    text_from_a_phone(live_server, "٣", arabic.phone, "SM" + "5" * 32)  # the reason: childcare
    text_from_a_phone(live_server, "có", vietnamese.phone, "SM" + "6" * 32)

    # A family registers through its personal link, on a phone, in its language.
    haitian = invited_households(db, event)["ht"][0]
    link = re.search(rf"{re.escape(BASE)}(/i/\S+)", texts_to(sms_app, haitian.phone)[0])[1] if haitian.phone \
        else f"/i/{invitations.invitation_token(app.config['SECRET_KEY'], event.id, haitian.id)}"
    _phone_context, phone = open_context(PHONE)
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "ht")
    expect(phone.locator("#name")).to_have_value(haitian.name)
    phone.locator("form.family-form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/r/[^/]+$"))

    # A call from the call list: a Chinese-speaking family reached by phone.
    chinese = invited_households(db, event)["zh"][0]
    page.goto(f"/staff/events/{event.id}/calls")
    card = page.locator(f"#household-{chinese.id}")
    card.get_by_label("Reached: coming").check()
    card.get_by_role("button", name="Record the call").click()
    expect(page.locator(".notice-success")).to_have_text(f"{chinese.name} is registered.")
    expect(page.locator(f"#household-{chinese.id}")).to_have_count(0)

    # Six households answered: off the lists, and nobody registered twice.
    answered = [english, spanish, arabic, vietnamese, haitian, chinese]
    assert households_to_call(page) == to_call - len(answered)
    page.goto(f"/staff/events/{event.id}/reach")
    assert count_of(page, "No answer yet") == no_answer - len(answered)
    assert count_of(page, "Registered") == 4 and count_of(page, "Can't come") == 2
    assert not_reached_this_year(page) == not_reached - len(answered)
    db.session.rollback()
    registered = db.session.execute(select(Registration.household_id).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)).scalars().all()
    assert sorted(registered) == sorted(h.id for h in (english, vietnamese, haitian, chinese))
    answers = dict(db.session.execute(select(Invitation.household_id, Invitation.decline_reason).where(
        Invitation.event_id == event.id, Invitation.answer == InvitationAnswer.CANT_COME)).all())
    assert answers == {spanish.id: "work", arabic.id: "childcare"}
