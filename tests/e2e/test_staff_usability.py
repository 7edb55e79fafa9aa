"""Staff pages used by hand, in a browser: the front desk's search box after
a check-in, the walk-in page, the check-in screen on a phone, cancelling and
restoring from the dashboard, staff pages on narrow screens, the dashboard's
actions and help tiles, the staff member's own language, and what the front
desk's page keeps in the browser."""
import re
from datetime import timedelta

import pytest

from portal.models import Attendance, RegistrationStatus, utcnow
from portal.services import registration as registration_service
from tests.conftest import sign_in
from tests.e2e.conftest import PHONE, axe_check
from tests.e2e.test_frontdesk import TABLET, open_context, row, stored  # noqa: F401 (open_context: a fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None



def narrow(width):
    return dict(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)


@pytest.fixture
def tonight(db, make_event, family):
    """An event that began ten minutes ago, with no rides on offer."""
    now = utcnow()
    event = make_event(capacity=12, offers_transportation=False)

    def register(**fields):
        return registration_service.register(event.id, family(**fields), now).registration

    families = dict(
        marcus=register(name="Marcus Johnson", adults=1, children=1),
        jose=register(name="José Núñez", adults=2, children=1, email="jose.nunez.family.account@example.org",
                      phone=None),
        lan=register(name="Nguyễn Thị Lan", adults=1, children=2, note="Arrives late from work"),
    )
    event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    return event, {key: (registration.id, registration.checkin_code) for key, registration in families.items()}


@pytest.fixture
def admin(staff_of):
    return staff_of("admin")


def at_the_door(open_context, desk, event_id, path="", size=TABLET):
    """The desk signed in on the check-in screen of `event_id`, at `size`."""
    context, page = open_context(size)
    sign_in(page, desk)
    open_checkin(page, event_id, path)
    return context, page


def open_checkin(page, event_id, path=""):
    page.goto(f"/staff/frontdesk/events/{event_id}{path}")
    expect(page.locator("#frontdesk")).to_have_attribute("data-loaded", "true")  # the script holds the list


def fits(page, width):
    """Chromium's phone emulation widens the layout viewport to fit a page
    that is too wide, so window.innerWidth would hide the problem."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


@pytest.mark.browser
def test_a_scan_after_a_name_search_checks_the_scanned_family_in(db, tonight, desk, open_context):
    event, families = tonight
    marcus_id, _code = families["marcus"]
    jose_id, jose_code = families["jose"]
    context, page = at_the_door(open_context, desk, event.id)
    search, message = page.locator("#frontdesk-q"), page.locator("#frontdesk-message")

    search.click()
    page.keyboard.type("marcus")
    row(page, marcus_id).locator("form[data-action=check_in] button").click()
    expect(message).to_have_text("Marcus Johnson is checked in.")
    expect(search).to_have_value("")
    expect(search).to_be_focused()

    # The scanner types the next family's code and Enter, straight away.
    page.keyboard.type(jose_code[:2])
    expect(message).to_have_text("")  # the last family's message goes as the next search starts
    page.keyboard.type(jose_code[2:])
    page.keyboard.press("Enter")
    expect(message).to_have_text("José Núñez is checked in.")
    expect(row(page, jose_id)).to_have_class(re.compile(r"\bfrontdesk-attended\b"))
    expect(row(page, jose_id)).not_to_have_class(re.compile(r"\bfrontdesk-pending\b"))  # the server has it
    assert stored(db, jose_id).attendance == Attendance.ATTENDED
    expect(search).to_have_value("")
    expect(search).to_be_focused()

    # Undo from a search: the box is ready again.
    page.keyboard.type("nunez")
    row(page, jose_id).locator("form[data-action=undo] button").click()
    expect(message).to_have_text("The check-in of José Núñez is undone.")
    expect(search).to_have_value("")
    expect(search).to_be_focused()

    # A scan that matches nobody says so, loudly.
    used = {code for _id, code in families.values()}
    unknown = next(code for code in ("ACDEFG", "HJKMNP", "QRTUVW") if code not in used)
    page.keyboard.type(unknown)
    page.keyboard.press("Enter")
    expect(message).to_have_class(re.compile(r"\bfrontdesk-message-error\b"))
    expect(message).to_contain_text(unknown)
    expect(page.locator("#frontdesk-alert")).to_contain_text(unknown)  # read out at once
    search.fill("")
    page.keyboard.type("nobody by this name")
    page.keyboard.press("Enter")
    expect(message).to_have_class(re.compile(r"\bfrontdesk-message-error\b"))
    expect(message).to_contain_text("no family matches “nobody by this name”")

    # A walk-in leaves the box empty and focused too.
    search.fill("something")
    page.locator("#frontdesk-walkin summary").click()
    page.locator("#walkin-name").fill("Amina Yusuf")
    page.locator("#frontdesk-walkin-form button[type=submit]").click()
    expect(message).to_contain_text("Amina Yusuf is registered as a walk-in and checked in.")
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    axe_check(page)


@pytest.mark.browser
def test_a_late_answer_about_the_last_family_does_not_come_back_over_the_next_search(db, tonight, desk,
                                                                                     open_context):
    """The server confirms Marcus only after the clerk has started typing the
    next family: his message stays gone and the box keeps what is typed."""
    event, families = tonight
    marcus_id, _code = families["marcus"]
    _jose_id, jose_code = families["jose"]
    context, page = at_the_door(open_context, desk, event.id)
    held = []
    page.route(re.compile(r"/registrations/\d+/checkin$"), lambda route: held.append(route))
    search, message = page.locator("#frontdesk-q"), page.locator("#frontdesk-message")

    search.click()
    page.keyboard.type("marcus")
    row(page, marcus_id).locator("form[data-action=check_in] button").click()
    expect(message).to_have_text("Marcus Johnson is checked in.")  # at once, before the server answers
    page.keyboard.type(jose_code[:3])
    expect(message).to_have_text("")
    assert len(held) == 1
    with page.expect_response(re.compile(r"/registrations/\d+/checkin$")):
        held[0].continue_()
    page.wait_for_timeout(300)  # the page has read the answer
    assert stored(db, marcus_id).attendance == Attendance.ATTENDED
    expect(message).to_have_text("")
    expect(search).to_have_value(jose_code[:3])


def test_the_walk_in_page_shows_its_form_before_the_family_list(db, tonight, desk, open_context):
    event, _families = tonight
    context, page = at_the_door(open_context, desk, event.id, "/walk-in")
    form = page.locator(".frontdesk-walkin-page form").bounding_box()
    families = page.locator("#frontdesk-list").bounding_box()
    assert form["y"] < families["y"]
    assert form["y"] < TABLET["viewport"]["height"]
    axe_check(page)


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_search_box_is_on_screen_without_scrolling(db, tonight, desk, open_context, size):
    event, _families = tonight
    context, page = at_the_door(open_context, desk, event.id, size=size)
    box = page.locator("#frontdesk-q").bounding_box()
    assert box["y"] + box["height"] <= size["viewport"]["height"], f"the search box ends at {box['y'] + box['height']}"
    sign_out_lines = page.locator("form.signout button").first.evaluate(
        "(b) => { const r = document.createRange(); r.selectNodeContents(b); "
        "return new Set([...r.getClientRects()].map((rect) => Math.round(rect.top))).size; }")
    assert sign_out_lines == 1
    axe_check(page)


@pytest.mark.browser
def test_cancelling_from_the_dashboard_asks_first_and_can_be_undone(db, tonight, admin, open_context):
    event, families = tonight
    marcus_id, _code = families["marcus"]
    event.starts_at = utcnow() + timedelta(days=3)  # still to come: a freed place goes to the waitlist
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    context, page = open_context(PHONE)
    sign_in(page, admin)
    page.goto(f"/staff/events/{event.id}")

    page.get_by_role("link", name="Cancel the registration of Marcus Johnson").click()
    main = page.locator("main")
    expect(main).to_contain_text("Marcus Johnson")
    expect(main).to_contain_text("2 people")
    assert stored(db, marcus_id).status == RegistrationStatus.CONFIRMED  # only asked, nothing done
    axe_check(page)
    fits(page, PHONE["viewport"]["width"])
    page.get_by_role("button", name="Yes, cancel this registration").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.id}$"))
    assert stored(db, marcus_id).status == RegistrationStatus.CANCELLED

    page.get_by_role("button", name="Restore the registration of Marcus Johnson").click()
    expect(page.locator(".notice-success")).to_contain_text("Marcus Johnson")
    assert stored(db, marcus_id).status == RegistrationStatus.CONFIRMED

    # Cancelled again, and a waiting family takes the places: restoring is refused, with why.
    page.get_by_role("link", name="Cancel the registration of Marcus Johnson").click()
    page.get_by_role("button", name="Yes, cancel this registration").click()
    db.session.rollback()
    registration_service.register(event.id, registration_service.FamilyDetails(
        name="Late Family", language="en", adults=3, children=2, phone="+16125550199"), utcnow())
    db.session.commit()
    page.reload()
    page.get_by_role("button", name="Restore the registration of Marcus Johnson").click()
    expect(page.locator(".notice-warning")).to_contain_text("places")
    assert stored(db, marcus_id).status == RegistrationStatus.CANCELLED
    axe_check(page)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 320])
def test_no_staff_page_is_wider_than_the_screen(db, tonight, admin, open_context, width):
    event, _families = tonight
    context, page = open_context(narrow(width))
    sign_in(page, admin)
    paths = ["/staff/events", f"/staff/events/{event.id}", f"/staff/events/{event.id}/roster",
             f"/staff/events/{event.id}/needs-sheet", "/staff/reports", "/staff/users", "/staff/account",
             "/staff/frontdesk/", f"/staff/frontdesk/events/{event.id}"]
    for language in ("en", "es"):
        for path in paths:
            page.goto(f"{path}?lang={language}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            fits(page, width)


@pytest.mark.browser
def test_the_dashboard_shows_numbers_first_and_daily_actions_before_the_rest(db, tonight, admin, open_context):
    event, _families = tonight
    context, page = open_context(PHONE)
    sign_in(page, admin)
    page.goto(f"/staff/events/{event.id}")
    actions = page.locator("nav.actions")
    visible = [node for node in actions.locator("a, button").all() if node.is_visible()]
    assert len(visible) <= 3, [node.inner_text() for node in visible]
    unpublish = page.get_by_role("button", name="Unpublish")
    expect(unpublish).to_be_hidden()
    numbers = page.locator("#numbers-heading").bounding_box()
    assert numbers["y"] < actions.bounding_box()["y"]
    assert numbers["y"] < PHONE["viewport"]["height"] / 2
    page.locator("nav.actions details.more-actions > summary").click()
    expect(unpublish).to_be_visible()

    # Only the help on offer: this event offers no rides.
    tiles = page.locator(".needs h3")
    expect(tiles.filter(has_text="Childcare")).to_have_count(1)
    expect(tiles.filter(has_text="Transportation")).to_have_count(0)
    page.goto(f"/staff/events/{event.id}/needs-sheet")
    expect(page.locator(".needs h3").filter(has_text="Childcare")).to_have_count(1)
    expect(page.locator(".needs h3").filter(has_text="Transportation")).to_have_count(0)
    axe_check(page)


@pytest.mark.browser
def test_staff_pages_keep_the_staff_members_language_not_the_familys(db, tonight, desk, open_context):
    event, _families = tonight
    context, page = open_context(TABLET, locale="en-US")
    page.goto("/events?lang=ko")  # a Korean family used this computer before
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.goto("/staff/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    sign_in(page, desk)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/staff/account")
    axe_check(page)
    page.locator("#language").select_option("es")
    page.locator("main form.settings button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(f"/staff/frontdesk/events/{event.id}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/events")
    expect(page.locator("html")).to_have_attribute("lang", "ko")  # the family's choice is theirs
    db.session.rollback()
    assert db.session.get(type(desk), desk.id).language == "es"

    # Spanish comes from the browser at sign-in, not from the family's cookie.
    context, page = open_context(TABLET, locale="es-ES")
    page.goto("/events?lang=ko")
    page.goto("/staff/login")
    expect(page.locator("html")).to_have_attribute("lang", "es")


@pytest.mark.browser
def test_the_front_desk_keeps_its_list_for_the_tab_only_and_forgets_it_on_sign_out(
        db, tonight, desk, open_context):
    event, families = tonight
    context, page = at_the_door(open_context, desk, event.id)
    kept = page.evaluate("""(id) => ({
        local: Object.keys(localStorage).filter((name) => name.endsWith(':roster')),
        session: JSON.parse(sessionStorage.getItem('fd:v1:' + id + ':roster')),
    })""", event.id)
    assert kept["local"] == []
    names = {entry["name"] for entry in kept["session"]["families"]}
    assert names == {"Marcus Johnson", "José Núñez", "Nguyễn Thị Lan"}
    assert not any("email" in entry or "note" in entry for entry in kept["session"]["families"])

    page.locator("form.signout button").first.click()
    expect(page).to_have_url(re.compile(r"/staff/login"))
    left = page.evaluate("() => localStorage.length + sessionStorage.length")
    assert left == 0
