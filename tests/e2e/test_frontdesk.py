"""The front desk in a browser, at tablet size (768x1024): a scanner types a
check-in code and Enter and the arrived count goes up; the check-in pages
pass axe-core at tablet and phone size; check-ins made while the network
is down are queued on the device and sent when it comes back."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import Attendance, CheckIn, Event, Registration, RegistrationStatus, utcnow
from portal.services import checkin as checkin_service, registration as registration_service
from tests.conftest import sign_in
from tests.e2e.conftest import PHONE, axe_check

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

TABLET = dict(viewport={"width": 768, "height": 1024}, is_mobile=True, has_touch=True)


@pytest.fixture
def tonight(db, make_event, family):
    """An event that began ten minutes ago: two confirmed families, one waiting."""
    now = utcnow()
    event = make_event(capacity=6, interpreter_languages="es ar")
    register = lambda **fields: registration_service.register(event.id, family(**fields), now).registration  # noqa: E731
    families = dict(
        jose=register(name="José Núñez", adults=2, children=1, childcare_children=1, childcare_ages=[4],
                      interpreter_language="es", transportation_seats=3),
        lan=register(name="Nguyễn Thị Lan", adults=1, children=2, accessibility="Wheelchair space"),
        big=register(name="Big Waiting Family", adults=3, children=2),
    )
    event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    return event, {key: (registration.id, registration.checkin_code) for key, registration in families.items()}


@pytest.fixture
def open_context(request, browser, live_server):
    contexts = []

    def make(size=TABLET, bypass_csp=True, **options):
        context = browser.new_context(base_url=live_server, bypass_csp=bypass_csp, **size, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context, context.new_page()

    yield make
    for context in contexts:
        context.close()


def open_event(page, event_id):
    page.locator(f"a[href='/staff/frontdesk/events/{event_id}']").click()
    expect(page).to_have_url(re.compile(rf"/staff/frontdesk/events/{event_id}$"))
    expect(page.locator("#frontdesk")).to_have_attribute("data-loaded", "true")  # the script holds the list


def stored(db, registration_id):
    db.session.rollback()  # end this thread's snapshot: the server wrote since
    return db.session.get(Registration, registration_id)


def row(page, registration_id):
    return page.locator(f"#frontdesk-list li[data-id='{registration_id}']")


def fits_the_screen(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


@pytest.mark.browser
def test_a_scanned_code_checks_the_family_in_and_the_count_goes_up(db, tonight, desk, open_context):
    """Under the real Content-Security-Policy: the script is a same-origin file."""
    event, families = tonight
    jose_id, jose_code = families["jose"]
    context, page = open_context(bypass_csp=False)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)

    sign_in(page, desk)
    expect(page.locator(f"a[href='/staff/frontdesk/events/{event.id}']")).to_contain_text("Math games night")
    open_event(page, event.id)
    expect(page.locator("#frontdesk-arrived-families")).to_have_text("0")
    expect(page.locator("#frontdesk-expected-people")).to_have_text("6")
    expect(page.locator("#frontdesk-q")).to_be_focused()

    # The scanner types the code and Enter.
    page.keyboard.type(jose_code)
    page.keyboard.press("Enter")

    expect(page.locator("#frontdesk-arrived-families")).to_have_text("1")
    expect(page.locator("#frontdesk-arrived-people")).to_have_text("3")
    expect(page.locator("#frontdesk-message")).to_have_text("José Núñez is checked in.")
    expect(page.locator("#frontdesk-panel .frontdesk-todo li")).to_have_text(
        ["Childcare room: 1 child (age 4)", "Ride home: 3 seats", "Interpreter: Spanish"])
    expect(page.locator("#frontdesk-q")).to_have_value("")
    expect(page.locator("#frontdesk-q")).to_be_focused()  # ready for the next family
    expect(row(page, jose_id)).to_have_class(re.compile(r"\bfrontdesk-attended\b"))
    expect(row(page, jose_id)).not_to_have_class(re.compile(r"\bfrontdesk-pending\b"))  # the server has it
    registration = stored(db, jose_id)
    assert (registration.attendance, registration.arrived_adults, registration.arrived_children) == (
        Attendance.ATTENDED, 2, 1)

    # A double scan counts once and says who checked them in.
    page.keyboard.type(jose_code.lower())
    page.keyboard.press("Enter")
    expect(page.locator("#frontdesk-message")).to_contain_text("José Núñez was already checked in at ")
    expect(page.locator("#frontdesk-message")).to_contain_text("by Ana Desk")
    expect(page.locator("#frontdesk-arrived-families")).to_have_text("1")

    # Results as you type, accents and case ignored.
    page.locator("#frontdesk-q").fill("NGUYEN")
    expect(page.locator("#frontdesk-list > li")).to_have_count(1)
    expect(page.locator("#frontdesk-list > li .frontdesk-name")).to_have_text("Nguyễn Thị Lan")
    db.session.rollback()
    assert len(db.session.execute(select(CheckIn).where(CheckIn.registration_id == jose_id)).all()) == 1

    # A family's own page (where the page without JavaScript lands): fewer came than registered.
    lan_id, _code = families["lan"]
    page.goto(f"/staff/frontdesk/events/{event.id}/registrations/{lan_id}")
    expect(page.locator("#frontdesk")).to_have_attribute("data-loaded", "true")
    page.locator("#children").fill("1")
    page.locator(".frontdesk-arrived-form button[type=submit]").click()
    expect(page.locator("#frontdesk-message")).to_have_text("Nguyễn Thị Lan is checked in.")
    expect(page.locator("#frontdesk-panel")).to_contain_text("1 adult and 1 child")
    expect(page.locator("#frontdesk-arrived-people")).to_have_text("5")
    expect(page.locator(f"#frontdesk-list > li[data-id='{lan_id}']")).not_to_have_class(re.compile(r"\bfrontdesk-pending\b"))
    registration = stored(db, lan_id)
    assert (registration.arrived_adults, registration.arrived_children) == (1, 1)

    # Undo it: a mistake.
    page.locator("#frontdesk-panel form[data-action=undo] button").click()
    expect(page.locator("#frontdesk-message")).to_have_text("The check-in of Nguyễn Thị Lan is undone.")
    expect(page.locator("#frontdesk-arrived-people")).to_have_text("3")
    expect(page.locator(f"#frontdesk-list > li[data-id='{lan_id}']")).not_to_have_class(re.compile(r"\bfrontdesk-pending\b"))
    assert stored(db, lan_id).attendance == Attendance.UNKNOWN

    # A waitlisted family came anyway: admitted over capacity, with a warning.
    big_id, _code = families["big"]
    row(page, big_id).locator(".frontdesk-actions a").click()
    page.locator("#frontdesk-panel .frontdesk-arrived-form button").click()
    expect(page.locator("#frontdesk-message")).to_contain_text("Big Waiting Family is admitted from the waitlist")
    expect(page.locator("#frontdesk-message")).to_contain_text("over capacity (11 people for 6 places)")
    expect(page.locator("#frontdesk-over")).to_be_visible()
    expect(page.locator("#frontdesk-waitlisted-families")).to_have_text("0")
    expect(row(page, big_id)).not_to_have_class(re.compile(r"\bfrontdesk-pending\b"))
    registration = stored(db, big_id)
    assert (registration.status, registration.attendance) == (RegistrationStatus.CONFIRMED, Attendance.ATTENDED)
    assert blocked == []


@pytest.mark.browser
def test_the_check_in_pages_pass_axe_at_tablet_and_phone_size(db, tonight, desk, open_context):
    event, families = tonight
    lan_id, _code = families["lan"]
    big_id, _code = families["big"]
    for size in (TABLET, PHONE):
        phone = size is PHONE  # at phone size, the pages most used at the door
        context, page = open_context(size)
        sign_in(page, desk)
        if not phone:
            axe_check(page)
        open_event(page, event.id)
        axe_check(page)
        fits_the_screen(page)

        # A family opened from the list, ready to check in with how many came.
        row(page, lan_id).locator(".frontdesk-name").click()
        expect(page.locator("#frontdesk-panel #frontdesk-adults")).to_have_value("1")
        expect(page.locator("#frontdesk-panel #frontdesk-children")).to_have_value("2")
        axe_check(page)
        fits_the_screen(page)

        # A waitlisted family: admit, with the capacity warning.
        row(page, big_id).locator(".frontdesk-actions a").click()
        expect(page.locator("#frontdesk-panel .notice-warning")).to_contain_text("over capacity")
        if not phone:
            axe_check(page)

        page.locator("#frontdesk-walkin summary").click()
        expect(page.locator("#walkin-name")).to_be_visible()
        axe_check(page)
        fits_the_screen(page)

        if not phone:
            page.locator("#frontdesk-q").fill("nobody by this name")
            expect(page.locator("#frontdesk-list-note")).to_contain_text("No family found")
            axe_check(page)

        paths = ["?lang=ar"] if phone else [f"/registrations/{lan_id}", "/walk-in", "/no-shows", "?lang=ar"]
        for path in paths:
            page.goto(f"/staff/frontdesk/events/{event.id}{path}")
            axe_check(page)
            fits_the_screen(page)


@pytest.mark.browser
def test_check_ins_made_offline_are_sent_when_the_connection_returns(db, tonight, desk, open_context):
    event, families = tonight
    jose_id, _code = families["jose"]
    lan_id, lan_code = families["lan"]
    context, page = open_context()
    sign_in(page, desk)
    open_event(page, event.id)
    banner = page.locator("#frontdesk-banner")
    expect(banner).to_be_hidden()

    context.set_offline(True)
    row(page, jose_id).locator("form[data-action=check_in] button").click()
    page.locator("#frontdesk-q").fill(lan_code)  # the list held on the device finds the code
    page.locator("#frontdesk-q").press("Enter")

    expect(banner).to_be_visible()
    expect(banner).to_have_text("Offline: 2 check-ins waiting to be sent")
    expect(page.locator("#frontdesk-arrived-families")).to_have_text("2")
    expect(page.locator("#frontdesk-list > li.frontdesk-pending")).to_have_count(2)
    queued = page.evaluate(f"() => JSON.parse(localStorage.getItem('fd:v1:{event.id}:queue'))")
    assert [(item["type"], item["id"]) for item in queued] == [("check_in", jose_id), ("check_in", lan_id)]
    assert all(len(item["key"]) >= 32 for item in queued)
    assert stored(db, jose_id).attendance == stored(db, lan_id).attendance == Attendance.UNKNOWN

    context.set_offline(False)

    expect(banner).to_be_hidden()
    expect(page.locator("#frontdesk-list > li.frontdesk-pending")).to_have_count(0)
    for registration_id in (jose_id, lan_id):
        assert stored(db, registration_id).attendance == Attendance.ATTENDED
        [checkin] = db.session.execute(select(CheckIn).where(CheckIn.registration_id == registration_id)).scalars()
        assert checkin.client_key in {item["key"] for item in queued} and checkin.staff_id == desk.id

    # A walk-in while offline: registered once when the network is back.
    context.set_offline(True)
    page.locator("#frontdesk-walkin summary").click()
    page.locator("#walkin-name").fill("Amina Yusuf")
    page.locator("#walkin-adults").fill("1")
    page.locator("#walkin-children").fill("2")
    page.locator("#walkin-childcare_children").fill("2")
    page.locator("#walkin-interpreter_language").select_option("ar")
    page.locator("#frontdesk-walkin-form button[type=submit]").click()
    expect(banner).to_have_text("Offline: 1 check-in waiting to be sent")
    expect(page.locator("#frontdesk-panel .frontdesk-todo li")).to_have_text(["Childcare room: 2 children", "Interpreter: Arabic"])
    expect(page.locator("#frontdesk-arrived-families")).to_have_text("3")
    context.set_offline(False)
    expect(page.locator("#frontdesk-list > li.frontdesk-pending")).to_have_count(0)  # sent, and answered
    expect(banner).to_be_hidden()
    db.session.rollback()
    [walk_in] = db.session.execute(select(Registration).where(Registration.name == "Amina Yusuf")).scalars()
    assert (walk_in.status, walk_in.source, walk_in.attendance) == (
        RegistrationStatus.CONFIRMED, "walk_in", Attendance.ATTENDED)
    assert walk_in.submission_key is not None

    # Live counts: another desk admits the waiting family; this page learns it without a reload.
    big_id, _code = families["big"]
    checkin_service.admit(db.session.get(Event, event.id), big_id, desk, utcnow())
    db.session.commit()
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # poll now, not in 5 s
    expect(page.locator("#frontdesk-arrived-families")).to_have_text("4")
    expect(page.locator("#frontdesk-waitlisted-families")).to_have_text("0")
    expect(row(page, big_id).locator(".frontdesk-state")).to_contain_text("by Ana Desk")


@pytest.mark.browser
def test_signing_out_with_check_ins_not_yet_sent_asks_first_and_keeps_them_if_the_clerk_says_no(
        db, tonight, desk, open_context):
    event, families = tonight
    jose_id, _code = families["jose"]
    lan_id, _code = families["lan"]
    context, page = open_context(bypass_csp=False)  # the question comes from the page's script, not inline code
    sign_in(page, desk)
    open_event(page, event.id)
    queue_of_event = f"() => JSON.parse(localStorage.getItem('fd:v1:{event.id}:queue'))"
    questions = []

    def answer(dialog, accept):
        questions.append((dialog.type, dialog.message))
        dialog.accept() if accept else dialog.dismiss()

    context.set_offline(True)
    row(page, jose_id).locator("form[data-action=check_in] button").click()
    row(page, lan_id).locator("form[data-action=check_in] button").click()
    expect(page.locator("#frontdesk-banner")).to_have_text("Offline: 2 check-ins waiting to be sent")

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.locator("form.signout button").click()
    expect(page.locator("#frontdesk-banner")).to_have_text("Offline: 2 check-ins waiting to be sent")
    assert questions == [("confirm", "2 check-ins have not been sent yet. If you sign out now, they are lost. "
                                     "Sign out anyway?")]
    assert page.url.endswith(f"/staff/frontdesk/events/{event.id}")
    assert [item["id"] for item in page.evaluate(queue_of_event)] == [jose_id, lan_id]

    # Back online, the queue is sent; with nothing waiting, signing out asks nothing.
    context.set_offline(False)
    expect(page.locator("#frontdesk-list > li.frontdesk-pending")).to_have_count(0)
    expect(page.locator("#frontdesk-banner")).to_be_hidden()
    assert stored(db, jose_id).attendance == stored(db, lan_id).attendance == Attendance.ATTENDED
    page.on("dialog", lambda dialog: answer(dialog, accept=True))
    page.locator("form.signout button").click()
    expect(page).to_have_url(re.compile(r"/staff/login"))
    assert len(questions) == 1


@pytest.mark.browser
def test_a_clerk_who_signs_out_anyway_is_signed_out(db, tonight, desk, open_context):
    event, families = tonight
    jose_id, _code = families["jose"]
    context, page = open_context(bypass_csp=False)
    sign_in(page, desk)
    open_event(page, event.id)
    # The check-in never reaches the server: it stays in the queue while the page is online.
    context.route(re.compile(rf"/staff/frontdesk/events/{event.id}/registrations/{jose_id}/checkin"),
                  lambda route: route.abort())
    row(page, jose_id).locator("form[data-action=check_in] button").click()
    expect(page.locator("#frontdesk-banner")).to_have_text("Offline: 1 check-in waiting to be sent")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator("form.signout button").click()
    expect(page).to_have_url(re.compile(r"/staff/login"))
    assert questions == ["1 check-in has not been sent yet. If you sign out now, it is lost. Sign out anyway?"]
    assert stored(db, jose_id).attendance == Attendance.UNKNOWN
