"""A family on a phone (390x844): fields a thumb can use, errors that say
where to go, a language switcher that stays out of the way, pages that say
plainly where the family stands, and pages light enough for slow data."""
import re
from datetime import timedelta

import pytest

from portal.i18n import html_lang
from portal.models import utcnow
from portal.services import registration as registration_service
from portal.services.registration import MAX_ADULTS, MAX_CHILDREN
from tests.e2e.conftest import PHONE, axe_check
from tests.e2e.test_family_journey import fill_family, manage_token, stored_registration, submit

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

pytestmark = pytest.mark.browser

MIN_TARGET = 44


def open_phone(browser, live_server, javascript=True):
    context = browser.new_context(base_url=live_server, bypass_csp=True, java_script_enabled=javascript, **PHONE)
    context.set_default_timeout(10_000)
    return context, context.new_page()


# -- ages, grades, numbers --------------------------------------------------------------

def test_each_child_in_childcare_has_its_own_small_age_field(db, make_event, phone):
    event_id = make_event(capacity=20).id
    page = phone
    page.goto(f"/events/{event_id}/register")
    ages = page.locator("input[name=childcare_ages]")
    expect(ages.first).to_be_visible()
    assert ages.first.get_attribute("inputmode") == "numeric"  # one number each: digits are enough
    assert ages.first.bounding_box()["width"] < 120
    # The next field appears once an age is typed, with no script needed.
    expect(ages.nth(1)).to_be_hidden()
    fill_family(page, "Amina Yusuf", phone="612 555 0142", adults="1", children="3", childcare="2")
    ages.nth(0).fill("3")
    expect(ages.nth(1)).to_be_visible()
    ages.nth(1).fill("7")
    axe_check(page)
    submit(page)
    token = manage_token(page)
    stored = stored_registration(db, token)
    childcare = [need for need in stored.needs if need.kind == "childcare"][0]
    assert (childcare.quantity, childcare.detail) == (2, "3, 7")  # what the dashboard's age bands read

    page.goto(f"/r/{token}/edit")
    expect(ages.nth(0)).to_have_value("3")
    expect(ages.nth(1)).to_have_value("7")


def test_grades_question_lists_only_the_events_grades(db, make_event, phone):
    several = make_event(grades=["K", "1"]).id
    one = make_event(grades=["K"]).id
    db.session.commit()
    page = phone
    page.goto(f"/events/{several}/register")
    boxes = page.locator("input[name=grades]")
    expect(boxes).to_have_count(2)
    assert [boxes.nth(i).get_attribute("value") for i in range(2)] == ["K", "1"]

    page.goto(f"/events/{one}/register")
    expect(page.locator("input[name=grades]")).to_have_count(0)
    fill_family(page, "Lan Nguyen", phone="612 555 0143", children="1")
    submit(page)
    assert stored_registration(db, manage_token(page)).grades == ["K"]  # the one grade is implied


def test_a_number_field_keeps_what_was_typed_and_says_the_range(app, make_event, phone):
    event_id = make_event(capacity=20).id
    page = phone
    page.goto(f"/events/{event_id}/register?lang=es")
    fill_family(page, "Rosa Díaz", phone="612 555 0144", adults="500", seats="500")
    expect(page.locator("#adults")).to_have_value("500")
    submit(page)
    expect(page.locator("#adults")).to_have_value("500")
    expect(page.locator("#adults-error")).to_contain_text("10")
    # Ride seats over the limit say their range, not "a whole number".
    expect(page.locator("#transportation_seats-error")).to_contain_text(
        re.compile(rf"\b0\D+{MAX_ADULTS + MAX_CHILDREN}\b"))
    axe_check(page)


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_every_error_at_once_listed_as_links_and_focused(db, make_event, browser, live_server, javascript):
    event_id = make_event(capacity=20).id
    context, page = open_phone(browser, live_server, javascript)
    try:
        page.goto(f"/events/{event_id}/register")
        # No name, no contact, more children in childcare than coming.
        fill_family(page, "", adults="1", children="1", childcare="3")
        submit(page)
        summary = page.locator("#problems")
        expect(summary).to_be_focused()
        links = summary.locator("a")
        targets = {links.nth(i).get_attribute("href") for i in range(links.count())}
        assert {"#name", "#phone", "#childcare_children"} <= targets, targets
        for target in targets:
            expect(page.locator(target)).to_have_count(1)
        summary.locator("a[href='#childcare_children']").click()
        if javascript:
            expect(page.locator("#childcare_children")).to_be_focused()
        expect(page.locator("#childcare_children-error")).to_be_visible()
        if javascript:  # axe itself needs script
            axe_check(page)
    finally:
        context.close()


# -- touch targets --------------------------------------------------------------------

TARGETS_SCRIPT = """(minimum) => {
    const small = [];
    const visible = (box) => box.width > 0 && box.height > 0;
    for (const element of document.querySelectorAll('a, button, input, select, textarea, summary')) {
        if (element.type === 'hidden' || element.classList.contains('skip')) continue;
        let box = element.getBoundingClientRect();
        if (!visible(box)) continue;
        if (element.type === 'checkbox' || element.type === 'radio') {
            const label = element.labels && element.labels[0];
            const area = label ? label.getBoundingClientRect() : box;
            box = {width: Math.max(area.right, box.right) - Math.min(area.left, box.left),
                   height: Math.max(area.bottom, box.bottom) - Math.min(area.top, box.top)};
        }
        if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
            small.push(`${element.outerHTML.slice(0, 80)} ${Math.round(box.width)}x${Math.round(box.height)}`);
        }
    }
    return small;
}"""


def test_every_control_a_family_taps_is_at_least_44px(db, make_event, family, phone):
    event = make_event(capacity=20)
    token = registration_service.register(event.id, family(children=1), utcnow()).token
    db.session.commit()
    page = phone
    for path in ("/", f"/events/{event.id}", f"/events/{event.id}/register", f"/events/{event.id}/decline",
                 f"/r/{token}", f"/r/{token}/edit"):
        page.goto(path)
        page.locator(".languages summary").click()  # the language list, opened
        small = page.evaluate(TARGETS_SCRIPT, MIN_TARGET)
        assert not small, f"{path}: controls smaller than {MIN_TARGET}px:\n" + "\n".join(small)


# -- language switcher ----------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_language_switcher_is_one_compact_control(app, school, browser, live_server, javascript):
    context, page = open_phone(browser, live_server, javascript)
    try:
        page.goto("/?lang=es")
        switcher = page.locator("header .languages")
        summary = switcher.locator("summary")
        expect(summary).to_have_text(re.compile(r"Español"))
        assert switcher.bounding_box()["height"] <= 60
        links = switcher.locator("a[hreflang]")
        expect(links.first).to_be_hidden()
        summary.click()
        expect(links).to_have_count(len(app.config["PORTAL_LANGUAGES"]))
        for code, name in app.config["PORTAL_LANGUAGES"].items():
            link = switcher.locator(f"a[hreflang='{html_lang(code)}']")
            expect(link).to_be_visible()
            expect(link).to_have_text(name)
            expect(link).to_have_attribute("lang", html_lang(code))
        switcher.locator("a[hreflang=vi]").click()
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        if javascript:
            axe_check(page)
    finally:
        context.close()


# -- the family's page ----------------------------------------------------------------

def test_the_page_after_registering_confirms_once_and_says_where_the_link_went(db, make_event, phone):
    event_id = make_event(capacity=20).id
    page = phone
    page.goto(f"/events/{event_id}/register")
    fill_family(page, "Ana Ruiz", phone="612 555 0142")
    submit(page)
    manage_token(page)
    green = page.locator(".notice-success, .status-confirmed")
    expect(green).to_have_count(1)
    sent = page.locator(".link-sent")
    expect(sent).to_contain_text("(612) 555-0142")
    assert sent.bounding_box()["y"] < 844  # on the first screen
    axe_check(page)
    page.reload()  # a later visit: no "we sent" any more, and still one status
    expect(page.locator(".link-sent")).to_have_count(0)
    expect(page.locator(".status-confirmed")).to_have_count(1)


def test_a_waitlisted_family_is_told_plainly_they_have_no_place_yet(db, make_event, family, phone):
    event = make_event(capacity=2)
    registration_service.register(event.id, family(adults=2), utcnow())
    waiting = registration_service.register(event.id, family(adults=1), utcnow())
    confirmed_event = make_event(capacity=20)
    confirmed = registration_service.register(confirmed_event.id, family(adults=1), utcnow())
    db.session.commit()
    page = phone
    page.goto(f"/r/{confirmed.token}")
    full_size = page.locator(".checkin .qr svg").bounding_box()["width"]

    page.goto(f"/r/{waiting.token}")
    expect(page.locator(".status-waitlisted")).to_contain_text("not have a place yet")
    expect(page.locator(".checkin h2")).to_contain_text("If a place opens")
    expect(page.locator("main")).not_to_contain_text("Show this at the door")
    assert page.locator(".checkin .qr svg").bounding_box()["width"] <= full_size / 2
    axe_check(page)


def test_cannot_come_reasons_are_one_per_row_full_width(db, make_event, phone):
    event_id = make_event().id
    page = phone
    page.goto(f"/events/{event_id}/decline")
    boxes = page.locator("fieldset.choices li").evaluate_all(
        "(items) => items.map((item) => item.getBoundingClientRect().toJSON())")
    width = page.locator("fieldset.choices").bounding_box()["width"]
    assert len(boxes) == 7
    for above, below in zip(boxes, boxes[1:]):
        assert below["top"] >= above["bottom"] - 1, (above, below)
    assert all(box["width"] >= width - 2 for box in boxes), (width, boxes)


# -- event list -----------------------------------------------------------------------

def test_event_cards_mark_untranslated_titles_and_closed_events_sink(db, make_event, phone):
    now = utcnow()
    closed = make_event(texts={"en": ("Closed breakfast", "")}, days=1,
                        registration_deadline=now - timedelta(hours=1))
    english_only = make_event(texts={"en": ("Reading night", "")}, days=3)
    spanish = make_event(texts={"en": ("Art night", ""), "es": ("Noche de arte", "")}, days=5)
    db.session.commit()
    page = phone
    page.goto("/?lang=es")
    cards = page.locator(".cards .card")
    ids = [cards.nth(i).locator("h2 a").get_attribute("href") for i in range(cards.count())]
    assert ids == [f"/events/{english_only.id}", f"/events/{spanish.id}", f"/events/{closed.id}"]
    english_card = cards.nth(0)
    expect(english_card.locator("h2 a")).to_have_attribute("lang", "en")
    expect(english_card.locator(".fallback-note")).to_be_visible()
    expect(cards.nth(1).locator(".fallback-note")).to_have_count(0)
    axe_check(page)


# -- weight and caching -----------------------------------------------------------------

WEIGHT_SCRIPT = """() => {
    const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
    return entries.map((entry) => ({name: entry.name, transfer: entry.transferSize,
                                   encoded: entry.encodedBodySize, decoded: entry.decodedBodySize}));
}"""


def page_weight(page, path):
    page.goto(path)
    entries = page.evaluate(WEIGHT_SCRIPT)
    return entries, sum(e["decoded"] for e in entries), sum(e["encoded"] for e in entries)


def test_family_pages_are_light_compressed_and_cached(db, make_event, family, browser, live_server):
    event = make_event(capacity=20)
    token = registration_service.register(event.id, family(children=1), utcnow()).token
    db.session.commit()
    context, page = open_phone(browser, live_server)
    try:
        for path in ("/", f"/events/{event.id}", f"/events/{event.id}/register", f"/r/{token}"):
            context.clear_cookies()
            first, decoded, encoded = page_weight(page, path + "?lang=es")
            assert decoded < 30_000, (path, decoded, first)
            assert encoded < 12_000, (path, encoded, first)
            assert all(e["encoded"] < e["decoded"] for e in first if e["decoded"] > 1000), first
            # Again: the page itself is the one request; its files come from the cache.
            again, _decoded, _encoded = page_weight(page, path + "?lang=es")
            fetched = [e["name"] for e in again[1:] if e["transfer"] > 0]
            assert fetched == [], (path, fetched)
        css = page.request.get(page.evaluate("() => document.querySelector('link[rel=stylesheet]').href"))
        assert "immutable" in css.headers["cache-control"] and "max-age=31536000" in css.headers["cache-control"]
    finally:
        context.close()
