"""Staff sign-in, sign-out, one-time password links and the admin's staff
accounts, through the test client."""
import re

import pytest
from sqlalchemy import select

from portal.models import User
from portal.services.users import create_user
from tests.conftest import QUICK_HASH, STAFF_HOMES, STAFF_PASSWORD, add_staff, post_sign_in, sign_in
from tests.rows import nothing_changes
from tests.web.helpers import form_post, hidden_fields, text_of, translated

SET_PASSWORD = "/staff/password"
PASSWORD_LINK = re.compile(r"<code>https?://[^/<]+(/staff/password/[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def staff(db, school):
    users = {role: add_staff(school, f"{role}@lincoln.example", role.title(), role)
             for role in ("admin", "organizer", "frontdesk")}
    db.session.commit()
    return users


def is_signed_in(client):
    """An organizer's (or admin's) page opens; otherwise it sends to sign in."""
    response = client.get("/staff/events")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/staff/login")
        return False
    assert response.status_code == 200
    return True


def csrf_of(client, page="/staff/events"):
    return hidden_fields(text_of(client.get(page)))["csrf_token"]


def error_next_to(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


def reload(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


# -- signing in -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "organizer", "frontdesk"])
def test_sign_in_lands_on_the_home_of_the_role(app, staff, role):
    client = app.test_client()
    response = post_sign_in(client, staff[role].email)
    assert response.status_code == 302
    assert response.headers["Location"] == STAFF_HOMES[role]
    # signed in: the staff home and the sign-in page both send there
    assert client.get("/staff/").headers["Location"] == STAFF_HOMES[role]
    assert client.get("/staff/login").headers["Location"] == STAFF_HOMES[role]


def test_session_cookie_is_http_only_and_same_site(app, staff):
    client = app.test_client()
    response = post_sign_in(client, staff["organizer"].email)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_session_left_idle_too_long_is_signed_out(app, staff):
    client = sign_in(app.test_client(), staff["organizer"])
    assert is_signed_in(client)
    idle = app.config["STAFF_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["staff_seen"] -= idle + 60
    response = client.get("/staff/reports?start=2026-01-01")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")
    assert not is_signed_in(client)
    # signing in again goes back to the page that was asked for
    again = post_sign_in(client, staff["organizer"].email, url=response.headers["Location"])
    assert again.headers["Location"] == "/staff/reports?start=2026-01-01"


def test_email_is_matched_without_regard_to_case_or_spaces(app, staff):
    response = post_sign_in(app.test_client(), "  Organizer@LINCOLN.example ")
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client, staff):
    wrong_password = post_sign_in(client, "organizer@lincoln.example", "not the password")
    unknown_email = post_sign_in(client, "nobody@lincoln.example", STAFF_PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422

    def page(response, email):
        html = text_of(response).replace(email, "EMAIL")
        return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "CSRF", html)

    # The very same page, but for the email typed, echoed back in its field.
    assert page(wrong_password, "organizer@lincoln.example") == page(unknown_email, "nobody@lincoln.example")
    html = text_of(wrong_password)
    assert translated(app, "en", "That email and password do not match an account. Please try again.") in html
    # nothing points at one field as the wrong one
    assert error_next_to(html, "email") is None and error_next_to(html, "password") is None
    assert 'aria-invalid' not in html
    assert not is_signed_in(client)


def test_empty_fields_are_explained_next_to_them(app, client, staff):
    response = post_sign_in(client, "", "")
    html = text_of(response)
    assert response.status_code == 422
    assert translated(app, "en", "Please enter your email.") in error_next_to(html, "email")
    assert translated(app, "en", "Please enter your password.") in error_next_to(html, "password")


def test_sign_in_without_the_csrf_token_is_refused(app, client, staff):
    response = client.post("/staff/login", data={"email": "organizer@lincoln.example", "password": STAFF_PASSWORD})
    assert response.status_code in (400, 422)
    assert not is_signed_in(client)


def test_deactivated_user_cannot_sign_in_and_their_session_stops_working(app, db, staff):
    organizer = staff["organizer"]
    their_browser = sign_in(app.test_client(), organizer)
    admin = sign_in(app.test_client(), staff["admin"])
    response = form_post(admin, f"/staff/users/{organizer.id}",
                         {"name": organizer.name, "email": organizer.email, "role": "organizer"})  # "active" unticked
    assert response.status_code == 302
    assert reload(db, organizer).active is False

    assert not is_signed_in(their_browser)
    again = post_sign_in(app.test_client(), organizer.email)
    assert again.status_code == 422
    assert translated(app, "en", "That email and password do not match an account. Please try again.") in text_of(again)


# -- signing out ----------------------------------------------------------------------

def test_sign_out_ends_the_session(app, staff):
    client = sign_in(app.test_client(), staff["organizer"])
    other_browser = sign_in(app.test_client(), staff["organizer"])
    response = client.post("/staff/logout", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    assert not is_signed_in(client)
    assert is_signed_in(other_browser)  # a plain sign-out ends only this browser's session


def test_sign_out_needs_a_post_with_the_csrf_token(app, staff):
    client = sign_in(app.test_client(), staff["organizer"])
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400  # a forged cross-site form
    assert is_signed_in(client)


def test_sign_out_everywhere_ends_the_other_sessions_too(app, db, staff):
    organizer = staff["organizer"]
    laptop, phone = sign_in(app.test_client(), organizer), sign_in(app.test_client(), organizer)
    response = laptop.post("/staff/logout", data={"csrf_token": csrf_of(laptop), "everywhere": "1"})
    assert response.status_code == 302
    assert not is_signed_in(laptop)
    answer = phone.get("/staff/events")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/staff/login")
    # signing in again works, and that new session is not affected
    assert is_signed_in(sign_in(app.test_client(), organizer))


# -- one-time password links ----------------------------------------------------------

def open_link(client, link):
    """Open a password link: it leads to the form at an address without the token."""
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == SET_PASSWORD
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    return client.get(SET_PASSWORD)


def test_invited_user_sets_a_password_once_through_the_link(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    response = form_post(admin, "/staff/users/new",
                         {"name": "Rosa Díaz", "email": "rosa@lincoln.example", "role": "frontdesk"})
    assert response.status_code == 200
    link = PASSWORD_LINK.search(text_of(response)).group(1)
    rosa = db.session.execute(select(User).where(User.email == "rosa@lincoln.example")).scalar_one()
    assert (rosa.role, rosa.name, rosa.school_id) == ("frontdesk", "Rosa Díaz", staff["admin"].school_id)
    assert post_sign_in(app.test_client(), "rosa@lincoln.example", "").status_code == 422  # no password yet

    browser = app.test_client()
    page = open_link(browser, link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert link.rsplit("/", 1)[1] not in text_of(page)
    assert "rosa@lincoln.example" in text_of(page)

    too_short = form_post(browser, SET_PASSWORD, {"password": "short", "confirm": "short"})
    assert too_short.status_code == 422
    assert translated(app, "en", "Please choose a password of at least %(min)s characters.", min=12) \
        in error_next_to(text_of(too_short), "password")
    different = form_post(browser, SET_PASSWORD, {"password": "a long enough one", "confirm": "another long one"})
    assert different.status_code == 422
    assert translated(app, "en", "The two passwords are not the same.") in error_next_to(text_of(different), "confirm")

    done = form_post(browser, SET_PASSWORD, {"password": "rosa's own passphrase", "confirm": "rosa's own passphrase"})
    assert done.status_code == 302 and done.headers["Location"] == "/staff/login"
    assert browser.get(link).status_code == 404
    assert browser.get(SET_PASSWORD).status_code == 404
    token = hidden_fields(text_of(browser.get("/staff/login")))["csrf_token"]
    assert browser.post(SET_PASSWORD, data={"csrf_token": token, "password": "x" * 12,
                                            "confirm": "x" * 12}).status_code == 404

    response = post_sign_in(app.test_client(), "rosa@lincoln.example", "rosa's own passphrase")
    assert response.status_code == 302 and response.headers["Location"] == STAFF_HOMES["frontdesk"]


def test_the_password_form_opens_only_in_a_browser_that_opened_a_valid_link(app, db, staff):
    assert app.test_client().get(SET_PASSWORD).status_code == 404
    assert app.test_client().get("/staff/password/not-a-real-token").status_code == 404


TOO_EASY = "This password is too easy to guess. Try a few words that do not belong together, or a longer password."


@pytest.mark.parametrize("password, message", [
    ("only11chars", "Please choose a password of at least %(min)s characters."),
    ("Rosa@Lincoln.Example", "Please choose a password that is not your email address."),
    ("password123456", TOO_EASY),
    ("qwertyuiop1234", TOO_EASY),
    ("iloveyou1234", TOO_EASY),
])
def test_a_weak_password_is_refused_next_to_the_field_in_the_staff_members_language(app, db, staff,
                                                                                     password, message):
    from portal.services.users import issue_password_link

    rosa = create_user(staff["admin"].school, "rosa@lincoln.example", "Rosa Diaz", "frontdesk")
    link = f"/staff/password/{issue_password_link(rosa, rosa.created_at)}"
    db.session.commit()
    browser = app.test_client()
    open_link(browser, link)
    response = form_post(browser, SET_PASSWORD + "?lang=es", {"password": password, "confirm": password})
    assert response.status_code == 422
    assert translated(app, "es", message, min=12) in error_next_to(text_of(response), "password")
    assert reload(db, rosa).password_hash == "!"


def test_inviting_an_existing_email_is_explained_next_to_the_field(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    response = form_post(admin, "/staff/users/new",
                         {"name": "Copy", "email": "Organizer@lincoln.example", "role": "organizer"})
    assert response.status_code == 422
    assert translated(app, "en", "An account with this email already exists.") in error_next_to(text_of(response), "email")
    assert len(db.session.execute(select(User)).scalars().all()) == 3


@pytest.mark.parametrize("how", ["invite", "edit"])
def test_an_email_longer_once_lower_cased_is_explained_next_to_the_field(app, db, staff, how):
    """'İ' lower-cased is two characters: 252 typed would be stored as 492."""
    admin = sign_in(app.test_client(), staff["admin"])
    url = "/staff/users/new" if how == "invite" else f"/staff/users/{staff['organizer'].id}"
    fields = {"name": "Olivia", "email": "İ" * 240 + "@example.org", "role": "organizer", "active": "y"}
    with nothing_changes():
        response = form_post(admin, f"{url}?lang=es", fields)
    assert response.status_code == 422
    assert translated(app, "es", "Please check the email address, like name@example.com.") in \
        error_next_to(text_of(response), "email")


def test_inviting_with_an_unknown_role_is_explained_next_to_the_field(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    response = form_post(admin, "/staff/users/new", {"name": "Root", "email": "root@lincoln.example", "role": "root"})
    assert response.status_code == 422
    assert translated(app, "en", "Please choose from the list.") in error_next_to(text_of(response), "role")
    assert db.session.execute(select(User).where(User.email == "root@lincoln.example")).first() is None


def test_asking_for_a_reset_keeps_the_old_password_and_sessions_until_the_new_one_is_set(app, db, staff):
    organizer = staff["organizer"]
    their_browser = sign_in(app.test_client(), organizer)
    admin = sign_in(app.test_client(), staff["admin"])
    response = admin.post(f"/staff/users/{organizer.id}/reset", data={"csrf_token": csrf_of(admin)})
    assert response.status_code == 200
    link = PASSWORD_LINK.search(text_of(response)).group(1)

    # a reset asked for by mistake, or by someone else, locks no one out
    assert is_signed_in(their_browser)
    assert post_sign_in(app.test_client(), organizer.email, STAFF_PASSWORD).status_code == 302

    browser = app.test_client()
    open_link(browser, link)
    assert form_post(browser, SET_PASSWORD, {"password": "a brand new passphrase",
                                             "confirm": "a brand new passphrase"}).status_code == 302
    assert not is_signed_in(their_browser)
    assert post_sign_in(app.test_client(), organizer.email, STAFF_PASSWORD).status_code == 422
    assert post_sign_in(app.test_client(), organizer.email, "a brand new passphrase").status_code == 302
    assert browser.get(link).status_code == 404


def test_a_newer_link_replaces_the_older_one(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    url = f"/staff/users/{staff['frontdesk'].id}/reset"
    first = PASSWORD_LINK.search(text_of(admin.post(url, data={"csrf_token": csrf_of(admin)}))).group(1)
    opened_first = app.test_client()
    open_link(opened_first, first)
    second = PASSWORD_LINK.search(text_of(admin.post(url, data={"csrf_token": csrf_of(admin)}))).group(1)
    assert app.test_client().get(first).status_code == 404
    assert opened_first.get(SET_PASSWORD).status_code == 404  # a form opened from the older link, too
    assert open_link(app.test_client(), second).status_code == 200


@pytest.mark.parametrize("change", [{"role": "organizer", "active": "y"}, {"role": "admin"}],
                         ids=["demote", "deactivate"])
def test_admin_cannot_remove_their_own_admin_role_or_sign_in(app, db, staff, change):
    me = staff["admin"]
    admin = sign_in(app.test_client(), me)
    response = form_post(admin, f"/staff/users/{me.id}", dict({"name": me.name, "email": me.email}, **change))
    assert response.status_code == 422
    assert translated(app, "en", "You cannot take away your own admin role or sign-in. Ask another admin.") \
        in error_next_to(text_of(response), "role")
    me = reload(db, me)
    assert (me.role, me.active) == ("admin", True)
    assert is_signed_in(admin)


def test_admin_can_change_another_staff_members_role(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    organizer = staff["organizer"]
    response = form_post(admin, f"/staff/users/{organizer.id}",
                         {"name": organizer.name, "email": organizer.email, "role": "frontdesk", "active": "y"})
    assert response.status_code == 302
    assert reload(db, organizer).role == "frontdesk"


def test_an_admin_of_another_school_cannot_see_or_reset_this_schools_staff(app, db, staff):
    from portal.services.schools import ensure_school

    other = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    outsider = create_user(other, "admin@roosevelt.example", "Other Admin", "admin")
    outsider.password_hash = QUICK_HASH
    db.session.commit()
    client = sign_in(app.test_client(), outsider)
    organizer = staff["organizer"]
    assert client.get(f"/staff/users/{organizer.id}").status_code == 404
    assert client.post(f"/staff/users/{organizer.id}/reset",
                       data={"csrf_token": csrf_of(client)}).status_code == 404
    assert organizer.email not in text_of(client.get("/staff/users"))
    assert post_sign_in(app.test_client(), organizer.email).status_code == 302  # the password still works


# -- where sign-in leads --------------------------------------------------------------

def test_a_staff_page_sends_to_sign_in_and_back(app, client, staff):
    response = client.get("/staff/reports")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=%2Fstaff%2Freports"
    response = post_sign_in(client, staff["organizer"].email, url="/staff/login?next=%2Fstaff%2Freports")
    assert response.headers["Location"] == "/staff/reports"


@pytest.mark.parametrize("target", [
    "https://evil.example/staff/events", "//evil.example/staff/events", "http:/evil.example",
    "javascript:alert(1)", "staff/events",
])
def test_next_only_accepts_a_path_on_this_site(app, client, staff, target):
    response = post_sign_in(client, staff["organizer"].email, url="/staff/login?" + _query(next=target))
    assert response.status_code == 302
    assert response.headers["Location"] == STAFF_HOMES["organizer"]


def test_next_with_a_backslash_stays_on_this_site(app, client, staff):
    """_safe_next lets '/\\evil.example' through, but the Location header
    goes out percent-encoded ('/%5Cevil.example'), which a browser keeps on
    this site. A browser would read a raw backslash as a slash."""
    response = post_sign_in(client, staff["organizer"].email, url="/staff/login?" + _query(next="/\\evil.example/x"))
    location = response.headers["Location"]
    assert location.startswith("/") and not location.replace("\\", "/").startswith("//"), location


def _query(**params):
    from urllib.parse import urlencode

    return urlencode(params)


# -- language -------------------------------------------------------------------------

def test_staff_pages_speak_spanish_when_asked(app, client, staff):
    page = client.get("/staff/login?lang=es")
    assert '<html lang="es" dir="ltr">' in text_of(page)
    assert translated(app, "es", "Skip to main content") in text_of(page)
    assert post_sign_in(client, staff["admin"].email).status_code == 302
    assert '<html lang="en" dir="ltr">' in text_of(client.get("/staff/reports"))  # ?lang= is for one page
    token = csrf_of(client, "/staff/account")
    assert client.post("/staff/account", data={"csrf_token": token, "language": "es"}).status_code == 302
    for url in ("/staff/events", "/staff/reports", "/staff/users", "/staff/events/new"):
        html = text_of(client.get(url))
        assert '<html lang="es" dir="ltr">' in html, url  # the staff member's own setting keeps the choice
    assert '<html lang="ar" dir="rtl">' in text_of(client.get("/staff/events?lang=ar"))


# -- rate limit -----------------------------------------------------------------------

def test_sign_in_posts_are_rate_limited(limited_app, staff):
    client = limited_app.test_client()
    # (ten emails: the wait that grows with wrong passwords for one email is tested apart)
    answers = [post_sign_in(client, f"guess{n}@lincoln.example", f"guess number {n}").status_code
               for n in range(10)]
    assert answers == [422] * 10
    # the 11th within the minute is refused, even with the right password
    eleventh = post_sign_in(client, "organizer@lincoln.example")
    assert eleventh.status_code == 429
    assert client.get("/staff/events").status_code == 302  # not signed in
    assert client.get("/staff/login").status_code == 200  # reading the page is not limited
    # another address is not held back by this one's guesses
    elsewhere = limited_app.test_client()
    response = post_sign_in(elsewhere, "organizer@lincoln.example", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302
