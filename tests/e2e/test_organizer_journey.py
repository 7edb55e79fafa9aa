"""The organizer's journey at laptop size: sign in, write an event in
English and Spanish with childcare, publish it; a family registers on a
phone, in Spanish, with two children for childcare; the organizer's
dashboard then counts those children by age. axe-core checks the
organizer's pages."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import to_local
from portal.models import Event, EventStatus, Registration, RegistrationStatus, utcnow
from portal.services import registration as registration_service
from tests.conftest import sign_in
from tests.e2e.conftest import axe_check, new_phone_page

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

LAPTOP = dict(viewport={"width": 1280, "height": 800}, locale="en-US")
DASHBOARD_URL = re.compile(r"/staff/events/(\d+)$")


@pytest.fixture
def organizer(staff_of):
    return staff_of("organizer")


@pytest.fixture
def laptop(browser, live_server):
    context = browser.new_context(base_url=live_server, bypass_csp=True, **LAPTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def childcare_tile(page):
    return page.locator(".needs .tile", has=page.locator("h3", has_text=re.compile(r"^Childcare$")))


def age_band(tile, band):
    return tile.locator("tr", has=tile.page.locator("th", has_text=band)).locator("td.num")


@pytest.mark.browser
def test_organizer_plans_childcare_for_a_family_who_registers_in_spanish(app, db, school, organizer, laptop,
                                                                        browser, live_server):
    page = laptop
    sign_in(page, organizer)

    # A new event, written in English and in Spanish.
    page.locator("main a.button[href='/staff/events/new']").click()
    expect(page).to_have_url(re.compile(r"/staff/events/new$"))
    page.locator("#title_en").fill("Family reading night")
    page.locator("#description_en").fill("Stories, snacks and a book to take home.")
    spanish = page.locator("details.language-text", has=page.locator("#title_es"))
    expect(page.locator("#title_es")).to_be_hidden()
    spanish.locator("summary").click()
    expect(spanish).to_have_attribute("open", "")
    page.locator("#title_es").fill("Noche de lectura en familia")
    page.locator("#description_es").fill("Cuentos, meriendas y un libro para llevar a casa.")
    day = to_local(utcnow(), school.tz).date() + timedelta(days=10)
    page.locator("#day").fill(day.isoformat())
    page.locator("#starts").fill("18:00")
    page.locator("#ends").fill("19:30")
    page.locator("#location").fill("School library")
    for grade in ("K", "1", "2"):
        page.locator(f"input[name=grades][value='{grade}']").check()
    page.locator("#capacity").fill("30")
    page.locator("#offers_childcare").check()
    page.locator("#childcare_capacity").fill("10")
    page.locator("input[name=interpreter_languages][value=es]").check()
    page.locator("form.event-form button[type=submit]").click()

    expect(page).to_have_url(DASHBOARD_URL)
    event_id = int(DASHBOARD_URL.search(page.url)[1])
    expect(page.locator("h1")).to_have_text("Family reading night")
    expect(page.locator(".badge")).to_have_class(re.compile(r"\bbadge-draft\b"))

    page.locator("button[name=action][value=publish]").click()
    expect(page.locator(".badge")).to_have_class(re.compile(r"\bbadge-published\b"))
    db.session.rollback()
    event = db.session.get(Event, event_id)
    assert (event.status, event.offers_childcare, event.childcare_capacity) == (EventStatus.PUBLISHED, True, 10)
    assert {text.language: text.title for text in event.texts} == {
        "en": "Family reading night", "es": "Noche de lectura en familia"}

    # A family, on a phone, in Spanish: two children for childcare, aged 2 and 4.
    context, phone = new_phone_page(browser, live_server)
    try:
        phone.goto("/?lang=es")
        phone.locator(f".cards a[href='/events/{event_id}']").click()
        expect(phone.locator("h1")).to_have_text("Noche de lectura en familia")
        phone.locator(f"a.button[href='/events/{event_id}/register']").click()
        phone.locator("#name").fill("Lucía Hernández")
        phone.locator("#phone").fill("612 555 0142")
        phone.locator("#adults").fill("1")
        phone.locator("#children").fill("2")
        phone.locator("input[name=grades][value=K]").check()
        phone.locator("#childcare_children").fill("2")
        phone.locator("#childcare_ages-0").fill("2")  # one small field per child
        phone.locator("#childcare_ages-1").fill("4")
        phone.locator("main form button[type=submit]").click()
        expect(phone).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
        expect(phone.locator(".status")).to_have_class(re.compile(r"\bstatus-confirmed\b"))
    finally:
        context.close()
    db.session.rollback()
    registration = db.session.execute(select(Registration).where(Registration.event_id == event_id)).scalar_one()
    assert (registration.language, registration.status) == ("es", RegistrationStatus.CONFIRMED)

    # Back on the laptop: the dashboard plans for those two children.
    page.reload()
    tile = childcare_tile(page)
    expect(tile.locator("p.big")).to_have_text("2 children")
    expect(age_band(tile, "Ages 0-2")).to_have_text("1")
    expect(age_band(tile, "Ages 3-5")).to_have_text("1")
    expect(age_band(tile, "Ages 6-10")).to_have_text("0")
    expect(tile).not_to_have_class(re.compile(r"\btile-warning\b"))  # 2 of 10
    expect(page.locator("table.registrations tbody tr")).to_have_count(1)
    expect(page.locator("table.registrations tbody tr td").first).to_contain_text("Lucía Hernández")


# -- accessibility of the organizer's pages -------------------------------------------

@pytest.fixture
def planned_event(db, school, make_event, family):
    """A published event with families, needs, a waitlist and a warning or two,
    so that the dashboard shows every part of itself."""
    event = make_event(capacity=6, childcare_capacity=1, interpreter_languages="es vi")
    now = utcnow()
    registration_service.register(event.id, family(name="Ana López", language="es", adults=2, children=2,
                                                   childcare_children=2, childcare_ages=[1, 4],
                                                   interpreter_language="es", dietary="halal"), now)
    registration_service.register(event.id, family(name="Bao Tran", adults=1, children=1, transportation_seats=2,
                                                   accessibility="wheelchair space"), now)
    registration_service.register(event.id, family(name="Chidi Okafor", adults=3), now)  # waitlisted
    from portal.services import declines

    declines.record_decline(event, "work", "es", now, note="Trabajo de noche")
    db.session.commit()
    return event


AXE_PAGES = [
    pytest.param("events", "/staff/events", id="event list"),
    pytest.param("form", "/staff/events/new", id="event form"),
    pytest.param("form errors", "/staff/events/new", id="event form with errors"),
    pytest.param("dashboard", "/staff/events/{event_id}", id="dashboard"),
]


@pytest.mark.browser
@pytest.mark.parametrize("name, path", AXE_PAGES)
def test_organizer_pages_have_no_axe_violations(db, organizer, planned_event, laptop, name, path):
    page = laptop
    sign_in(page, organizer)
    page.goto(path.format(event_id=planned_event.id))
    if name == "form errors":
        page.locator("#capacity").fill("-1")
        page.locator("form.event-form button[type=submit]").click()
        expect(page.locator("#problems")).to_be_visible()
        expect(page.locator("#capacity-error")).to_be_visible()
    axe_check(page)
