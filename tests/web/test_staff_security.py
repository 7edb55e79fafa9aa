"""Staff accounts under attack: guessing and lockout, copied cookies,
sessions that never end, a public secret key, cached staff pages, an
unsigned SMS webhook, telling one school about another's staff, and what
the family's session cookie gives away on a shared computer."""
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal import create_app
from portal.config import Config, TestConfig
from portal.models import Suppression, User
from portal.services.schools import ensure_school
from portal.services.users import UserError, authenticate, create_user
from tests.conftest import QUICK_HASH, STAFF_PASSWORD, IsolatedClient, post_sign_in, sign_in
from tests.web.helpers import form_post, registration_data, text_of, translated
from tests.web.test_staff_auth import (
    PASSWORD_LINK,
    csrf_of,
    is_signed_in,
    staff,  # noqa: F401  (a fixture)
)

WAIT_MESSAGE = "There were several wrong tries for this email. Please wait a minute, then try again."


def network(address):
    return {"REMOTE_ADDR": address}


# -- 5: nobody can lock a staff member out ---------------------------------------------

def test_guesses_from_many_addresses_do_not_lock_the_staff_member_out(limited_app, staff):
    # 30 wrong passwords in the hour, each from another address
    for n in range(30):
        answer = post_sign_in(limited_app.test_client(), "organizer@lincoln.example", f"guess number {n}",
                              environ_base=network(f"203.0.113.{n}"))
        assert answer.status_code == 422
    own = limited_app.test_client()
    soon = post_sign_in(own, "organizer@lincoln.example", STAFF_PASSWORD, environ_base=network("192.0.2.7"))
    assert soon.status_code == 422  # a wait, not a lock: said in words, next to the password
    assert translated(limited_app, "en", WAIT_MESSAGE) in text_of(soon)
    with time_machine.travel(datetime.now() + timedelta(seconds=61)):
        answer = post_sign_in(own, "organizer@lincoln.example", STAFF_PASSWORD, environ_base=network("192.0.2.7"))
        assert answer.status_code == 302
        assert is_signed_in(own)


def test_the_hourly_limit_counts_one_email_from_one_address(limited_app, staff):
    guesser = limited_app.test_client()
    start = datetime.now()
    # 30 wrong passwords from one address, a minute apart (no per-minute limit, no wait in the way)
    for n in range(30):
        with time_machine.travel(start + timedelta(seconds=61 * n)):
            assert post_sign_in(guesser, "organizer@lincoln.example", f"guess {n}",
                                environ_base=network("198.51.100.1")).status_code == 422
    with time_machine.travel(start + timedelta(seconds=61 * 31)):
        assert post_sign_in(guesser, "organizer@lincoln.example", STAFF_PASSWORD,
                            environ_base=network("198.51.100.1")).status_code == 429
        own = limited_app.test_client()
        assert post_sign_in(own, "organizer@lincoln.example", STAFF_PASSWORD, environ_base=network("192.0.2.7")).status_code == 302


def test_each_wrong_password_past_five_doubles_the_wait_up_to_a_minute(db, staff):
    email, now = "organizer@lincoln.example", datetime(2026, 11, 30, 12, 0)
    for n in range(5):
        assert authenticate(email, f"guess {n}", now) is None  # no wait at all
    for wait in (1, 2, 4, 8, 16, 32, 60, 60):
        assert authenticate(email, "yet another guess", now) is None
        # not even the right password is checked before the wait is over
        with pytest.raises(UserError) as refused:
            authenticate(email, STAFF_PASSWORD, now + timedelta(seconds=wait) - timedelta(milliseconds=1))
        assert refused.value.code == "login_wait"
        now += timedelta(seconds=wait)
    user = authenticate(email, STAFF_PASSWORD, now)
    assert user is not None and user.email == email


def test_an_unknown_email_is_slowed_exactly_like_a_known_one(db, staff):
    now = datetime(2026, 11, 30, 12, 0)
    for email in ("organizer@lincoln.example", "nobody@lincoln.example"):
        for n in range(6):
            assert authenticate(email, f"guess {n}", now) is None
        with pytest.raises(UserError) as refused:
            authenticate(email, STAFF_PASSWORD, now)
        assert refused.value.code == "login_wait"
        assert authenticate(email, "wrong again", now + timedelta(seconds=1)) is None


def test_wrong_passwords_are_forgotten_after_an_hour_and_after_signing_in(db, staff):
    now = datetime(2026, 11, 30, 12, 0)
    for n in range(6):
        authenticate("organizer@lincoln.example", f"guess {n}", now)
    later = now + timedelta(hours=1, minutes=1)
    assert authenticate("organizer@lincoln.example", STAFF_PASSWORD, later) is not None
    for n in range(5):  # five free tries again
        assert authenticate("organizer@lincoln.example", f"guess {n}", later) is None
    # the sixth in a row waits again: the count started afresh
    assert authenticate("organizer@lincoln.example", "guess 6", later) is None
    with pytest.raises(UserError):
        authenticate("organizer@lincoln.example", STAFF_PASSWORD, later)


# -- 6: the public development key -------------------------------------------------------

@pytest.mark.parametrize("key", [None, "", "dev-only-change-me"])
def test_the_app_refuses_to_start_with_the_public_development_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Config, SECRET_KEY=key, TESTING=False, DEBUG=False, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_debug_and_tests_may_use_the_development_key_and_production_its_own():
    create_app(Config, SECRET_KEY="dev-only-change-me", DEBUG=True, SQLALCHEMY_DATABASE_URI="sqlite://")
    create_app(Config, SECRET_KEY="dev-only-change-me", TESTING=True, SQLALCHEMY_DATABASE_URI="sqlite://")
    create_app(Config, SECRET_KEY="a" * 64, TESTING=False, SQLALCHEMY_DATABASE_URI="sqlite://")


# -- 9: staff pages are never cached -----------------------------------------------------

def test_every_staff_page_is_sent_with_no_store(app, staff, event):
    anonymous = app.test_client()
    for url in ("/staff/login", "/staff/", "/staff/events", "/staff/nowhere"):
        assert anonymous.get(url).headers.get("Cache-Control") == "no-store", url
    admin = sign_in(app.test_client(), staff["admin"])
    for url in ("/staff/events", f"/staff/events/{event.id}", "/staff/users", "/staff/frontdesk/",
                "/staff/reports", f"/staff/events/{event.id}/registrations.csv"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    # family pages keep their own caching rules
    assert app.test_client().get("/").headers.get("Cache-Control") != "no-store"


# -- 10: sign-out ends the session on the server; ten hours from sign-in ----------------

def test_a_copied_session_cookie_stops_working_after_sign_out(app, staff):
    browser = sign_in(app.test_client(), staff["organizer"])
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert is_signed_in(copy)
    assert browser.post("/staff/logout", data={"csrf_token": csrf_of(browser)}).status_code == 302
    assert not is_signed_in(copy)


def test_a_staff_session_ends_ten_hours_after_sign_in_however_busy(app, staff):
    start = datetime.now()
    with time_machine.travel(start, tick=False):
        browser = sign_in(app.test_client(), staff["organizer"])
    for hour in range(1, 10):  # busy all day: never idle long enough to be signed out for that
        with time_machine.travel(start + timedelta(hours=hour, minutes=59), tick=False):
            assert is_signed_in(browser), hour
    with time_machine.travel(start + timedelta(hours=10, minutes=1), tick=False):
        assert not is_signed_in(browser)


# -- 11: rate limits in memory with several workers --------------------------------------

def test_memory_rate_limits_with_several_workers_are_warned_about():
    from portal.config import rate_limit_storage_warning

    class Settings:
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    warning = rate_limit_storage_warning(Settings, 4)
    assert "each worker counts apart" in warning and "RATELIMIT_STORAGE_URI=redis://" in warning
    assert rate_limit_storage_warning(Settings, 1) is None
    Settings.RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379"
    assert rate_limit_storage_warning(Settings, 4) is None


# -- 14: no family's link in the session cookie -------------------------------------------

def session_of(app, client):
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_the_session_keeps_no_manage_link_once_the_familys_page_opens(app, client, db, make_event):
    tokens = []
    for n in range(3):  # a shared computer: three families register, one after another
        event = make_event(capacity=30)
        response = form_post(client, f"/events/{event.id}/register",
                             registration_data(name=f"Family {n}", phone=f"612 555 01{n:02d}"))
        assert response.status_code == 302
        token = response.headers["Location"].rsplit("/", 1)[1]
        tokens.append(token)
        assert sum(str(session_of(app, client)).count(earlier) for earlier in tokens) <= 1
        assert client.get(response.headers["Location"]).status_code == 200
        assert not any(earlier in str(session_of(app, client)) for earlier in tokens)


# -- 17: the SMS webhook without a provider token -----------------------------------------

def test_without_a_provider_token_the_sms_webhook_is_refused_outside_debug(app, client, db, monkeypatch):
    fields = {"From": "+16125550142", "Body": "STOP"}
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", None)
    monkeypatch.setitem(app.config, "TESTING", False)
    assert client.post("/sms/inbound", data=fields).status_code == 403
    assert db.session.execute(select(Suppression)).first() is None
    monkeypatch.setitem(app.config, "DEBUG", True)  # a developer's machine
    assert client.post("/sms/inbound", data=fields).status_code == 200


# -- 18: nothing about another school's staff; an honest error page -----------------------

def invite(admin, email, name="Sam Lee"):
    return form_post(admin, "/staff/users/new", {"name": name, "email": email, "role": "organizer"})


def test_inviting_an_email_known_at_another_school_answers_like_any_invite(app, db, staff):
    other = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    elsewhere = create_user(other, "sam@district.example", "Sam Lee", "organizer")
    elsewhere.password_hash = QUICK_HASH
    db.session.commit()
    admin = sign_in(app.test_client(), staff["admin"])

    known = invite(admin, "sam@district.example")
    fresh = invite(admin, "kim@district.example")
    assert known.status_code == fresh.status_code == 200

    def shape(response, email):
        html = text_of(response).replace(email, "EMAIL")
        html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", html)  # signed with the time
        return PASSWORD_LINK.sub("LINK", html)

    assert shape(known, "sam@district.example") == shape(fresh, "kim@district.example")
    # two accounts, one per school, each with its own password
    accounts = db.session.execute(select(User).where(User.email == "sam@district.example")).scalars().all()
    assert sorted(account.school_id for account in accounts) == sorted([other.id, staff["admin"].school_id])
    assert post_sign_in(app.test_client(), "sam@district.example").status_code == 302  # Roosevelt's, as before


def test_inviting_an_email_already_at_this_school_is_still_explained(app, db, staff):
    admin = sign_in(app.test_client(), staff["admin"])
    response = invite(admin, "organizer@lincoln.example")
    assert response.status_code == 422
    assert translated(app, "en", "An account with this email already exists.") in text_of(response)


def test_the_error_page_does_not_claim_that_nothing_was_saved(database_url, db):
    broken = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)
    broken.test_client_class = IsolatedClient

    @broken.get("/broken")
    def broken_page():
        raise RuntimeError("a failure after something may have been written")

    for language in ("en", "es"):
        response = broken.test_client().get(f"/broken?lang={language}")
        assert response.status_code == 500
        html = text_of(response)
        assert translated(broken, language, "Please try again in a few minutes. Nothing you sent was saved unless "
                                            "you saw a confirmation.") not in html
        assert translated(broken, language, "Please try again in a few minutes. We cannot tell whether what you "
                                            "sent was saved, so please check first: for example, look for a "
                                            "confirmation message.") in html
    from portal.extensions import db as _db
    with broken.app_context():
        _db.session.remove()
        _db.engine.dispose()
