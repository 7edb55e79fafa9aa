"""The door's page recounts the list it holds (frontdesk.js, so that the
numbers move while offline); the server counts with services.seats. For
the same families in every state, the page's own numbers are the server's."""
import re
from datetime import timedelta

import pytest

from portal.frontdesk.presenters import counts_dict
from portal.models import utcnow
from portal.services import checkin as checkin_service, registration as registration_service, seats
from tests.e2e.test_frontdesk import TABLET, open_event, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

CELLS = ["expected_families", "expected_people", "arrived_families", "arrived_people", "waitlisted_families",
         "walk_in_families", "no_show_families"]


@pytest.fixture
def every_state(db, make_event, family, desk):
    """An event that began ten minutes ago, over capacity, with a family in
    each state: arrived with fewer people than registered, a no-show, a
    no-show who came after all, one waiting, one
    cancelled, and a walk-in."""
    event = make_event(capacity=8)
    now = utcnow()

    def register(**fields):
        return registration_service.register(event.id, family(**fields), now).registration

    fewer = register(name="Fewer Came", adults=2, children=1)
    absent = register(name="Absent Family", adults=1, children=1)
    late = register(name="Late Family", adults=2)
    register(name="Waiting Family", adults=3, children=2)
    cancelled = register(name="Cancelled Family", adults=1)
    registration_service.cancel_registration(cancelled.id, now)
    event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.flush()
    at_the_door = utcnow()
    checkin_service.check_in(event, fewer.id, desk, at_the_door, adults=1, children=0)
    checkin_service.mark_no_shows(event, desk, at_the_door)
    checkin_service.check_in(event, late.id, desk, at_the_door)
    checkin_service.walk_in(event, family(name="Walked In", adults=2, children=2, phone=None), desk, at_the_door)
    db.session.commit()
    assert absent.attendance == "no_show"
    return event


@pytest.mark.browser
def test_the_page_counts_like_the_server(db, every_state, desk, browser, live_server):
    event = every_state
    server = counts_dict(seats.seats(event))
    assert server["over_capacity"] and server["no_show_families"] == 1 and server["walk_in_families"] == 1
    context = browser.new_context(base_url=live_server, **TABLET)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()

        def without_server_numbers(route):
            # The page arrives with the server's numbers; blank them so that
            # what the cells show is the script's own count.
            response = route.fetch()
            body = re.sub(r'(id="frontdesk-[a-z-]+-(?:families|people)">)\d+<', r"\1?<", response.text())
            route.fulfill(response=response, body=body)

        page.route(re.compile(rf"/staff/frontdesk/events/{event.id}$"), without_server_numbers)
        sign_in(page, desk)
        open_event(page, event.id)
        page_counts = {name: page.locator("#frontdesk-" + name.replace("_", "-")).text_content() for name in CELLS}
        assert page_counts == {name: str(server[name]) for name in CELLS}
        expect(page.locator("#frontdesk-over")).to_be_visible()
    finally:
        context.close()
