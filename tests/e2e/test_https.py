"""What only breaks over HTTPS, in a real browser: the portal under gunicorn
with a throwaway self-signed certificate (2 workers, rate limits on, as in
production), Chromium told to accept that certificate. Flask-WTF checks the
Referer of every staff POST over HTTPS, and session cookies are Secure.

An admin invites a staff member, who sets a password from the link and
signs in; the admin then makes a reset link, the staff member's session
and password keep working until the new password is set from it; a family
registers for an event."""
import re
import secrets
from types import SimpleNamespace

import pytest

from tests.conftest import add_staff, sign_in
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.e2e.test_family_journey import fill_family
from tests.servers import (
    GunicornServer,
    database_of_its_own,
    free_port,
    gunicorn_environment,
    migrate,
    publish_event,
    self_signed_certificate,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

WORKERS = 2
# The server runs on a database of its own: its staff, as sign_in needs them.
ADMIN = SimpleNamespace(email="admin@lincoln.example", role="admin")
ROSA = SimpleNamespace(email="rosa@lincoln.example", role="organizer")
LINK = re.compile(r"https://127\.0\.0\.1:\d+/staff/password/[A-Za-z0-9_-]+")


def add_admin(school):
    add_staff(school, ADMIN.email, "Alma Admin", ADMIN.role)


@pytest.fixture(scope="module")
def https_server(database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("https")
    port = free_port()
    own_database = database_of_its_own(database_url, "https", tmp_path_factory)
    env = gunicorn_environment(own_database, WORKERS, SECRET_KEY=secrets.token_hex(32), RATELIMIT_ENABLED="1",
                               RATELIMIT_STORAGE_URI="memory://", PUBLIC_BASE_URL=f"https://127.0.0.1:{port}")
    migrate(env)
    event_id = publish_event(own_database, "Family literacy workshop", "Reading at home in any language.", 25,
                             before=add_admin)
    server = GunicornServer(env, folder / "gunicorn.log", WORKERS, port=port,
                            certificate=self_signed_certificate(folder))
    try:
        server.wait_ready()
        server.event_id = event_id
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tls_browser(browser):
    """Chromium that accepts the throwaway certificate."""
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM),
                                           args=CHROMIUM_ARGS + ["--ignore-certificate-errors"])
    yield chromium
    chromium.close()


@pytest.fixture
def new_browser(tls_browser, https_server):
    """new_browser() -> a fresh page (its own cookies) on the HTTPS server, at phone size."""
    contexts = []

    def make():
        context = tls_browser.new_context(base_url=https_server.url, **PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def choose_password(page, link, password):
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/staff/password$"))  # the token is gone from the address
    page.locator("#password").fill(password)
    page.locator("#confirm").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    expect(page.locator(".notice-success")).to_contain_text("Your password is set")


def signed_in(page):
    page.goto("/staff/events")
    return page.url.endswith("/staff/events")


@pytest.mark.browser
def test_staff_invite_and_reset_work_over_https(https_server, new_browser):
    admin = new_browser()
    sign_in(admin, ADMIN)
    cookie = next(c for c in admin.context.cookies() if c["name"] == "session")
    assert cookie["secure"] and cookie["httpOnly"]

    admin.goto("/staff/users/new")
    admin.locator("#name").fill("Rosa Díaz")
    admin.locator("#email").fill(ROSA.email)
    admin.locator("#role").select_option("organizer")
    admin.locator("main form button[type=submit]").click()
    invite_link = LINK.search(admin.locator("main code").inner_text()).group(0)

    rosa = new_browser()
    choose_password(rosa, invite_link, "rosa chooses a passphrase")
    sign_in(rosa, ROSA, "rosa chooses a passphrase")

    # a reset link: until it is used, Rosa's password and session keep working
    admin.goto("/staff/users")
    admin.locator("tr", has_text=ROSA.email).locator("button[type=submit]").click()
    reset_link = LINK.search(admin.locator("main code").inner_text()).group(0)
    assert signed_in(rosa)
    elsewhere = new_browser()
    sign_in(elsewhere, ROSA, "rosa chooses a passphrase")

    choose_password(new_browser(), reset_link, "a brand new passphrase")
    assert not signed_in(rosa) and not signed_in(elsewhere)
    sign_in(rosa, ROSA, "a brand new passphrase")

    # signing out ends the session over HTTPS as well
    rosa.locator("form[action$='/staff/logout'] button[type=submit]").first.click()
    expect(rosa).to_have_url(re.compile(r"/staff/login$"))
    assert not signed_in(rosa)


@pytest.mark.browser
def test_a_family_registers_over_https(https_server, new_browser):
    page = new_browser()
    page.goto(f"/events/{https_server.event_id}/register")
    # A one-grade event: the grade is implied.
    fill_family(page, "María González", phone="612 555 0123", adults="1", children="1")
    # As in production, a form sent back sooner than MIN_FORM_SECONDS is refused as a program's.
    page.wait_for_timeout(3200)
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    expect(page.locator(".status")).to_have_class(re.compile(r"\bstatus-confirmed\b"))
    expect(page.locator(".link-sent")).to_contain_text("(612) 555-0123")


def test_memory_rate_limits_with_two_workers_are_warned_about_at_start(https_server):
    assert "each worker counts apart" in https_server.log(tail=None)
