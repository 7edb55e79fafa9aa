"""On a phone: the form says how many people one family can register, a
larger party is told so next to the field, the field meant for programs is
never seen nor reached with the keyboard, and a person who takes the time
to fill the form is registered with the minimum form time on."""
import re

import pytest

from portal.models import Registration
from tests.e2e.test_family_journey import catalog_text, check_page, fill_family, submit

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = pytest.mark.browser


def test_a_family_on_a_phone_meets_the_largest_party_and_never_the_trap(app, db, make_event, phone,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 1)
    event = make_event(capacity=100, max_party_size=6, offers_childcare=False, offers_transportation=False)
    event_id = event.id
    page = phone
    page.goto(f"/events/{event_id}/register?lang=es")
    expect(page.locator("fieldset.group").nth(1)).to_contain_text(catalog_text(
        app, "es", "Up to %(num)d person per family can register for this event.",
        "Up to %(num)d people per family can register for this event.", 6))
    expect(page.locator("#website")).to_be_hidden()
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement && document.activeElement.id"))
    assert "website" not in focused and "name" in focused
    check_page(page)

    fill_family(page, "Familia Rivera", phone="612 555 0142", adults="3", children="5")
    page.wait_for_timeout(1100)
    submit(page)
    error = page.locator("#adults-error")
    expect(error).to_have_text(catalog_text(
        app, "es", "For this event, each family can bring up to %(max)s people. Please call the school if more of your family would like to come.", max=6))
    expect(page.locator("#name")).to_have_value("Familia Rivera")
    check_page(page)

    page.locator("#children").fill("3")
    submit(page)
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    db.session.rollback()
    [registration] = db.session.query(Registration).all()
    assert (registration.party_size, registration.address_hash is not None) == (6, True)
