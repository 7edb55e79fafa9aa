"""The pages of families not yet reached in a browser at phone size: they
fit a 390 and a 320 px screen, pass axe-core, and a call recorded on the
phone registers the household.

REACH_SCREENSHOTS=docs also saves the README's screenshots of the call list
and of who the school reaches."""
import os
import re
from pathlib import Path

import pytest

from portal.models import Attendance
from portal.services import invitations, registration as registration_service
from tests.conftest import sign_in
from tests.e2e.conftest import PHONE, ROOT, axe_check
from tests.e2e.test_frontdesk import open_context  # noqa: F401 (a fixture)
from tests.e2e.test_staff_usability import fits, narrow
from tests.invitation_helpers import make_household

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

SECRET = "test-secret"
SCREENSHOTS = os.environ.get("REACH_SCREENSHOTS")


@pytest.fixture
def invited(db, school, event, make_event, now, family):
    """Households in five languages, invited to an event next week (one
    without any contact); two of them came to an event last week."""
    for name, language, phone, grades in (
            ("Rosa Díaz", "es", "+16125550101", ("1", "K")), ("Hodan Abdi", "so", "+16125550102", ("3",)),
            ("Nguyễn Văn An", "vi", "+16125550103", ("2",)), ("Omar Haddad", "ar", "+16125550104", ("1",)),
            ("Fatuma Ali", "so", None, ("K",)), ("Emily Clark", "en", "+16125550105", ("2",)),
            ("Marcus Lee", "en", "+16125550106", ("1",))):
        make_household(db, school, name, language, phone=phone, grades=grades)
    invitations.send_invitations(event, None, ["K", "1", "2", "3"], SECRET, now)
    last_week = make_event(days=-7)
    for name, phone in (("Rosa Díaz", "+16125550101"), ("Emily Clark", "+16125550105"),
                        ("Marcus Lee", "+16125550106")):
        came = registration_service.register(last_week.id, family(name=name, phone=phone), now,
                                             admit_over_capacity=True).registration
        came.attendance = Attendance.ATTENDED
    db.session.commit()
    return event


def save(page, name, full_page=True):
    if SCREENSHOTS:
        page.screenshot(path=str(Path(ROOT, SCREENSHOTS, name)), full_page=full_page)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 320])
def test_the_reach_pages_fit_a_phone(db, invited, staff_of, open_context, width):
    context, page = open_context(narrow(width))
    sign_in(page, staff_of("admin"))
    for language in ("en", "es"):
        for path in (f"/staff/events/{invited.id}/reach", f"/staff/events/{invited.id}/calls",
                     f"/staff/events/{invited.id}/invite", "/staff/roster/",
                     "/staff/not-reached", "/staff/reports/reach"):
            page.goto(f"{path}?lang={language}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            fits(page, width)


@pytest.mark.browser
def test_a_call_recorded_on_a_phone_registers_the_household(db, invited, staff_of, open_context):
    context, page = open_context(PHONE)
    sign_in(page, staff_of("admin"))
    page.goto(f"/staff/events/{invited.id}/calls")
    axe_check(page)
    card = page.locator("article.call-card", has_text="Hodan Abdi")
    expect(card.locator('a[href="tel:+16125550102"]')).to_be_visible()
    expect(card).to_contain_text("Somali")
    card.scroll_into_view_if_needed()
    save(page, "call-list.png", full_page=False)
    card.get_by_label("Reached: coming").check()
    card.get_by_role("button", name="Record the call").click()
    expect(page.locator(".notice-success")).to_contain_text("Hodan Abdi is registered.")
    expect(page.locator("article.call-card", has_text="Hodan Abdi")).to_have_count(0)  # reached: off the list

    card = page.locator("article.call-card", has_text="Omar Haddad")
    card.get_by_label("Reached: can't come").check()
    card.get_by_role("button", name="Record the call").click()
    expect(page.locator(".problems")).to_contain_text("Please choose a reason from the list.")
    card = page.locator("article.call-card", has_text="Omar Haddad")
    card.get_by_label("If they can't come, why").select_option("work")
    card.get_by_role("button", name="Record the call").click()
    expect(page.locator(".notice-success")).to_contain_text("The call to Omar Haddad is recorded.")

    page.goto(f"/staff/events/{invited.id}/reach")
    axe_check(page)
    expect(page.locator("table.reach")).to_contain_text(re.compile(r"Can.t come: My work schedule"))
    page.goto("/staff/reports/reach")
    axe_check(page)
    save(page, "reach-report.png")
    page.goto("/staff/not-reached")
    axe_check(page)


@pytest.mark.browser
def test_the_invitation_preview_fits_a_phone(db, school, make_event, staff_of, open_context, now):
    """The previews hold long links (the personal one, the unsubscribe one):
    they wrap instead of widening the page."""
    make_household(db, school, "Rosa Díaz", "es", phone="+16125550101", grades=("1",))
    make_household(db, school, "Omar Haddad", "ar", email="omar.haddad@example.org", grades=("1",))
    event = make_event(grades=["1"])
    context, page = open_context(narrow(320))
    sign_in(page, staff_of("admin"))
    page.goto(f"/staff/events/{event.id}/invite")
    expect(page.locator("pre.message-text")).to_have_count(4)  # two languages, email and text each
    fits(page, 320)
