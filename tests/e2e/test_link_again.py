"""A family whose link no longer works gets it again from the dead link's
page, on a phone (390x844), in their language, with nothing on the page
telling whether the contact they typed is registered."""
import pytest
from sqlalchemy import select

from portal.models import MessageKind, OutboxMessage
from portal.services import registration as registration_service
from tests.e2e.conftest import axe_check
from tests.e2e.test_family_journey import catalog_text, check_page

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None


@pytest.mark.browser
def test_a_dead_link_sends_the_link_again_to_the_phone_on_file(app, db, event, family, now, phone):
    registration = registration_service.register(
        event.id, family(name="María González", phone="+16125550188", language="es"), now).registration
    db.session.commit()
    page = phone

    response = page.goto("/r/an-old-link-from-last-year?lang=es")
    assert response.status == 404
    button = page.locator("main form button[type=submit]")
    expect(button).to_have_text(catalog_text(app, "es", "Send me my link again"))
    check_page(page)

    page.get_by_label(catalog_text(app, "es", "Your phone number or email")).fill("(612) 555-0188")
    button.click()
    answer = catalog_text(app, "es", "If you are registered, we have sent your link again to that phone or email.")
    expect(page.locator("main")).to_contain_text(answer)
    check_page(page)

    db.session.rollback()
    [link] = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.LINK)).scalars().all()
    assert (link.registration_id, link.recipient) == (registration.id, "+16125550188")

    # someone typing a number that is not registered sees exactly the same
    page.goto("/r/another-dead-link")
    page.get_by_label(catalog_text(app, "es", "Your phone number or email")).fill("612 555 0999")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(answer)
    axe_check(page)


@pytest.mark.browser
def test_a_mistyped_contact_is_explained_next_to_the_field(app, db, school, phone):
    page = phone
    page.goto("/r/an-old-link?lang=es")
    page.get_by_label(catalog_text(app, "es", "Your phone number or email")).fill("maría@")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#contact-error")).to_be_visible()
    expect(page.locator("#contact")).to_have_attribute("aria-invalid", "true")
    check_page(page)
