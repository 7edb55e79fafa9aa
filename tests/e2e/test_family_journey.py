"""A family's journey through the portal, on a phone, in their language:
find the event, register (with help), see the registration, change it,
cancel it; say why they can't come; land on a missing page; join a waitlist.
Every page is checked with axe-core and must fit the phone's width.

Wording is taken from the app's own catalogs (the same gettext the server
uses), and only asserted when that message is translated: otherwise the
checks rely on the page's structure, ids, URLs and data."""
import re

import pytest
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from portal.i18n import babel_code, language_name
from portal.models import Decline, Registration, RegistrationStatus, utcnow
from portal.services import registration as registration_service, seats
from portal.services.tokens import CHECKIN_ALPHABET, CHECKIN_CODE_LENGTH, hash_token
from tests.e2e.conftest import axe_check, new_phone_page

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

MANAGE_URL = re.compile(r"/r/([A-Za-z0-9_-]+)$")
CHECKIN_CODE = re.compile(f"^[{CHECKIN_ALPHABET}]{{{CHECKIN_CODE_LENGTH}}}$")


# -- helpers --------------------------------------------------------------------------

def catalog_text(app, page_language, message, plural=None, num=None, /, **params):
    """`message` as the server renders it in `page_language`, or None while the
    catalog has no translation for it (then assert on structure instead)."""
    def render(code):
        with app.test_request_context(), force_locale(babel_code(code)):
            if plural is not None:
                return ngettext(message, plural, num, **params)
            return gettext(message, **params)

    text = render(page_language)
    return None if text == render("en") else text


def lazy_text(app, language, render):
    """A text built by app code (such as a language's name) in `language`."""
    with app.test_request_context(), force_locale(babel_code(language)):
        return str(render())


def check_page(page):
    """What every family page must be: accessible, and no wider than the phone."""
    axe_check(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone's screen"


def submit(page):
    page.locator("main form button[type=submit]").click()


def manage_token(page):
    expect(page).to_have_url(MANAGE_URL)
    return MANAGE_URL.search(page.url)[1]


def stored_registration(db, token):
    db.session.rollback()  # end this thread's snapshot: the server wrote since
    return db.session.execute(
        select(Registration).where(Registration.token_hash == hash_token(token))
    ).scalar_one()


def fill_family(page, name, phone="", adults="1", children="0", grades=(), childcare=None,
                ages=None, seats=None):
    page.locator("#name").fill(name)
    page.locator("#phone").fill(phone)
    page.locator("#adults").fill(adults)
    page.locator("#children").fill(children)
    for grade in grades:
        page.locator(f"input[name=grades][value='{grade}']").check()
    if childcare is not None:
        page.locator("#childcare_children").fill(childcare)
    for index, age in enumerate((ages or "").split()):
        page.locator(f"#childcare_ages-{index}").fill(age)  # one small field per child
    if seats is not None:
        page.locator("#transportation_seats").fill(seats)


def expect_text_if_translated(locator, text):
    if text is not None:
        expect(locator).to_contain_text(text)


# -- the journeys ---------------------------------------------------------------------

@pytest.mark.browser
def test_spanish_mother_registers_changes_and_cancels_on_her_phone(app, db, make_event, phone):
    event = make_event(capacity=20, offers_childcare=True, interpreter_languages="es ar vi",
                       offers_transportation=True, offers_meal=True)
    event_id = event.id
    db.session.commit()
    page = phone

    # The list, in Spanish.
    page.goto("/?lang=es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".languages a[aria-current]")).to_have_attribute("hreflang", "es")
    check_page(page)

    # The event: its Spanish text, the help on offer.
    page.locator(f".cards a[href='/events/{event_id}']").click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}$"))
    expect(page.locator("h1")).to_have_text("Noche de juegos de matemáticas")
    expect(page.locator("h1")).not_to_have_attribute("lang", re.compile("."))
    expect(page.locator(".supports li")).to_have_count(4)
    check_page(page)

    # The form: in Spanish, with a Spanish interpreter already chosen.
    page.locator(f"a.button[href='/events/{event_id}/register']").click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}/register$"))
    expect(page.locator("#language")).to_have_value("es")
    expect(page.locator("#interpreter_language")).to_have_value("es")
    check_page(page)

    # Sent without a phone or an email: the form comes back with her answers
    # and the message next to the phone field.
    fill_family(page, "María González", adults="1", children="2", grades=["K"],
                childcare="1", ages="3", seats="3")
    submit(page)
    expect(page.locator("#problems")).to_be_visible()
    phone_field = page.locator(".field.has-error", has=page.locator("#phone"))
    expect(phone_field.locator("#phone-error")).to_be_visible()
    expect_text_if_translated(phone_field.locator("#phone-error"), catalog_text(
        app, "es", "Please give us a phone number or an email address, so we can reach you."))
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#phone")).to_have_attribute("aria-describedby", re.compile(r"\bphone-error\b"))
    expect(page.locator("#name")).to_have_value("María González")
    expect(page.locator("#children")).to_have_value("2")
    expect(page.locator("input[name=grades][value=K]")).to_be_checked()
    expect(page.locator("#interpreter_language")).to_have_value("es")
    check_page(page)

    page.locator("#phone").fill("612 555 0123")
    submit(page)
    token = manage_token(page)

    # Her registration: confirmed (said once), where her link went, a
    # check-in code, the help she asked for.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(".notice-success")).to_have_count(0)
    expect(page.locator(".link-sent")).to_contain_text("(612) 555-0123")
    expect(page.locator(".status")).to_have_class(re.compile(r"\bstatus-confirmed\b"))
    expect_text_if_translated(page.locator(".status"), catalog_text(
        app, "es", "You are registered. We look forward to seeing you!"))
    code = page.locator(".checkin .code").inner_text().strip()
    assert CHECKIN_CODE.match(code), code
    expect(page.locator(".checkin .qr[role=img]")).to_have_attribute("aria-label", re.compile(code))
    expect(page.locator(".checkin .qr svg")).to_be_visible()
    needs = page.locator("ul.supports li")
    expect(needs).to_have_count(3)  # childcare, a ride, an interpreter
    expect_text_if_translated(needs.nth(0), catalog_text(
        app, "es", "Childcare for %(num)d child", "Childcare for %(num)d children", 1))
    expect(needs.nth(0)).to_contain_text("3")  # her child's age
    expect_text_if_translated(needs.nth(1), catalog_text(
        app, "es", "A ride for %(num)d person", "A ride for %(num)d people", 3))
    expect_text_if_translated(needs.nth(2), catalog_text(
        app, "es", "An interpreter in %(language)s",
        language=lazy_text(app, "es", lambda: language_name("es"))))
    check_page(page)

    stored = stored_registration(db, token)
    assert (stored.status, stored.checkin_code, stored.language) == (RegistrationStatus.CONFIRMED, code, "es")
    assert (stored.adults, stored.children, stored.grades) == (1, 2, ["K"])
    needs_stored = {need.kind: need for need in stored.needs}
    assert sorted(needs_stored) == ["childcare", "interpreter", "transportation"]
    assert (needs_stored["childcare"].quantity, needs_stored["childcare"].detail) == (1, "3")
    assert needs_stored["transportation"].quantity == 3
    assert needs_stored["interpreter"].detail == "es"

    # Change it: the form comes filled in; she needs one seat less.
    page.locator(f"a[href='/r/{token}/edit']").click()
    expect(page).to_have_url(re.compile(rf"/r/{token}/edit$"))
    expect(page.locator("#name")).to_have_value("María González")
    expect(page.locator("#childcare_ages-0")).to_have_value("3")
    expect(page.locator("#transportation_seats")).to_have_value("3")
    expect(page.locator("#interpreter_language")).to_have_value("es")
    check_page(page)
    page.locator("#transportation_seats").fill("2")
    submit(page)
    expect(page).to_have_url(re.compile(rf"/r/{token}$"))
    expect_text_if_translated(page.locator(".notice-success"),
                              catalog_text(app, "es", "Your changes are saved."))
    expect_text_if_translated(page.locator("ul.supports"), catalog_text(
        app, "es", "A ride for %(num)d person", "A ride for %(num)d people", 2))

    # Cancel it.
    page.locator(f"a[href='/r/{token}/cancel']").click()
    expect(page).to_have_url(re.compile(rf"/r/{token}/cancel$"))
    expect(page.locator(f"a[href='/r/{token}']")).to_be_visible()  # "no, keep it"
    check_page(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/r/{token}$"))
    expect(page.locator(".status")).to_have_class(re.compile(r"\bstatus-cancelled\b"))
    expect_text_if_translated(page.locator(".status"),
                              catalog_text(app, "es", "This registration is cancelled."))
    expect_text_if_translated(page.locator(".notice-success"), catalog_text(
        app, "es", "Your registration is cancelled. Thank you for letting us know."))
    expect(page.locator(".checkin")).to_have_count(0)
    expect(page.locator(f"a[href='/r/{token}/edit'], a[href='/r/{token}/cancel']")).to_have_count(0)
    check_page(page)
    assert stored_registration(db, token).status == RegistrationStatus.CANCELLED


# The right-to-left languages, each with a family's name and its counts as
# that language's keyboard types them (Arabic-Indic and Persian digits).
RIGHT_TO_LEFT_FAMILIES = [
    ("ar", "فاطمة الزهراء", "٢", "١"),
    ("fa-AF", "مریم احمدی", "۲", "۱"),
]


@pytest.mark.browser
@pytest.mark.parametrize("language, name, adults, children", RIGHT_TO_LEFT_FAMILIES)
def test_family_registers_on_a_right_to_left_page(app, db, make_event, phone, language, name, adults, children):
    event = make_event(capacity=20, interpreter_languages=f"es {language}")  # written in English and Spanish only
    event_id = event.id
    page = phone
    own_name = lazy_text(app, language, lambda: language_name(language))  # "دری", not "Persian (Afghanistan)"

    page.goto(f"/?lang={language}")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", language)
    expect(page.locator(f".languages a[hreflang='{language}']")).to_have_attribute("aria-current", "true")
    check_page(page)

    # No text in this language for this event: the English one, marked as English.
    page.locator(f".cards a[href='/events/{event_id}']").click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}$"))
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", language)  # remembered from the first page
    expect(page.locator("h1")).to_have_attribute("lang", "en")
    expect(page.locator(".fallback-note")).to_be_visible()
    check_page(page)

    page.locator(f"a.button[href='/events/{event_id}/register']").click()
    expect(page.locator("#language")).to_have_value(language)
    expect(page.locator("#interpreter_language")).to_have_value(language)
    expect(page.locator(f"#interpreter_language option[value='{language}']")).to_have_text(own_name)
    assert_mirrored(page)
    check_page(page)

    fill_family(page, name, phone="612 555 0177", adults=adults, children=children, grades=["3"])
    submit(page)
    token = manage_token(page)
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", language)
    expect(page.locator(".status")).to_have_class(re.compile(r"\bstatus-confirmed\b"))
    expect_text_if_translated(page.locator(".status"), catalog_text(
        app, language, "You are registered. We look forward to seeing you!"))
    expect(page.locator(".checkin .code")).to_have_text(CHECKIN_CODE)
    expect(page.locator("dl.details dd span[dir=ltr]")).to_have_text(re.compile(r"612\D*555\D*0177"))
    expect(page.locator("ul.supports li")).to_have_count(1)  # the interpreter in their language
    expect(page.locator("ul.supports li")).to_contain_text(own_name)
    assert_mirrored(page)
    check_page(page)

    stored = stored_registration(db, token)
    assert (stored.language, stored.adults, stored.children) == (language, 2, 1)
    assert [(need.kind, need.detail) for need in stored.needs] == [("interpreter", language)]


def assert_mirrored(page):
    """The page reads right to left: text starts at the right edge, and the
    language switcher, opened, runs from right to left."""
    page.locator(".languages summary").click()
    layout = page.evaluate("""() => {
        const h1 = document.querySelector('main h1');
        const main = document.querySelector('main');
        const text = document.createRange();
        text.selectNodeContents(h1);
        const box = main.getBoundingClientRect();
        const padding = parseFloat(getComputedStyle(main).paddingInlineStart);
        const items = [...document.querySelectorAll('.languages li')].map((li) => li.getBoundingClientRect());
        return {
            direction: getComputedStyle(h1).direction,
            textRight: text.getBoundingClientRect().right,
            contentRight: box.right - padding,
            firstLanguageLeft: items[0].left,
            secondLanguageLeft: items[1].left,
            sameRow: Math.abs(items[0].top - items[1].top) < 2,
        };
    }""")
    assert layout["direction"] == "rtl", layout
    assert abs(layout["textRight"] - layout["contentRight"]) < 2, layout
    assert layout["sameRow"] and layout["firstLanguageLeft"] > layout["secondLanguageLeft"], layout


@pytest.mark.browser
def test_spanish_family_says_why_they_cannot_come(app, db, make_event, phone):
    event_id = make_event().id
    page = phone

    page.goto(f"/events/{event_id}?lang=es")
    page.locator(f".decline-link a[href='/events/{event_id}/decline']").click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}/decline$"))
    expect(page.locator("input[name=reason]")).to_have_count(7)
    check_page(page)

    submit(page)  # no reason chosen yet
    expect(page.locator("#problems")).to_be_visible()
    expect(page.locator("fieldset.has-error #reason-error")).to_be_visible()
    expect_text_if_translated(page.locator("#reason-error"),
                              catalog_text(app, "es", "Please choose a reason from the list."))
    check_page(page)

    reason = page.locator("input[name=reason][value=childcare]")
    page.locator(f"label[for='{reason.get_attribute('id')}']").tap()  # the label is the target
    expect(reason).to_be_checked()
    page.locator("#note").fill("Los martes trabajo hasta tarde.")
    check_page(page)
    submit(page)

    expect(page).to_have_url(re.compile(rf"/events/{event_id}$"))
    expect(page.locator(".notice-success")).to_be_visible()
    expect_text_if_translated(page.locator(".notice-success"), catalog_text(
        app, "es", "Thank you for telling us. It helps us plan events that work for your family."))
    db.session.rollback()
    declined = db.session.execute(select(Decline).where(Decline.event_id == event_id)).scalar_one()
    assert (declined.reason, declined.language, declined.note) == (
        "childcare", "es", "Los martes trabajo hasta tarde.")


@pytest.mark.browser
def test_missing_pages_are_a_friendly_404(app, db, school, phone):
    page = phone
    for path in ("/events/999999?lang=es", "/r/no-such-token"):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("html")).to_have_attribute("lang", "es")  # the cookie keeps it
        expect(page.locator("h1")).to_be_visible()
        expect_text_if_translated(page.locator("h1"), catalog_text(app, "es", "We could not find this page."))
        expect(page.locator("main a")).to_have_attribute("href", re.compile(r"^/(events)?$"))  # a way on
        check_page(page)


@pytest.mark.browser
def test_family_joins_the_waitlist_of_a_full_event(app, db, make_event, family, phone):
    event = make_event(capacity=3)
    event_id = event.id
    now = utcnow()
    first = registration_service.register(event_id, family(adults=2, children=1), now)
    second = registration_service.register(event_id, family(adults=2), now)
    db.session.commit()
    assert (first.registration.status, second.registration.status) == ("confirmed", "waitlisted")
    page = phone

    page.goto(f"/events/{event_id}?lang=es")
    expect(page.locator(".places")).to_have_count(0)
    expect(page.locator("main .notice")).to_be_visible()  # full: join the waitlist
    join = page.locator(f"a.button[href='/events/{event_id}/register']")
    expect_text_if_translated(join, catalog_text(app, "es", "Join the waiting list"))
    check_page(page)
    join.click()
    expect(page.locator(".event-brief .notice")).to_be_visible()

    fill_family(page, "Lucía Pérez", phone="612 555 0199", adults="1", children="1")
    submit(page)
    token = manage_token(page)
    status = page.locator(".status")
    expect(status).to_have_class(re.compile(r"\bstatus-waitlisted\b"))
    expect(status).to_contain_text("2")  # second in line
    expect_text_if_translated(status, catalog_text(
        app, "es", "You do not have a place yet. You are number %(position)s on the waiting list, and we will "
        "tell you as soon as a place opens.", position=2))
    expect(page.locator(".link-sent")).to_contain_text("(612) 555-0199")
    check_page(page)

    stored = stored_registration(db, token)
    assert stored.status == RegistrationStatus.WAITLISTED
    assert seats.waitlist_position(stored) == 2


@pytest.mark.browser
def test_pages_work_under_the_real_content_security_policy(db, make_event, browser, live_server):
    """The other tests bypass CSP to inject axe; here the policy is on, and
    the form's script (a same-origin file) still suggests an interpreter."""
    event_id = make_event(interpreter_languages="es vi").id
    context, page = new_phone_page(browser, live_server, bypass_csp=False)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        for path in ("/?lang=vi", f"/events/{event_id}", f"/events/{event_id}/register"):
            assert page.goto(path).ok, path
        expect(page.locator("#interpreter_language")).to_have_value("vi")
        page.locator("#language").select_option("es")
        expect(page.locator("#interpreter_language")).to_have_value("es")
        page.locator("#language").select_option("ko")
        expect(page.locator("#interpreter_language")).to_have_value("")
    finally:
        context.close()
    assert blocked == []
