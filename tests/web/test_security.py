"""Headers, cookies and rate limits on every kind of page."""
from datetime import timedelta

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db
from portal.services import registration as registration_service
from tests.conftest import IsolatedClient
from tests.rows import nothing_changes
from tests.web.helpers import hidden_fields, registration_data, text_of, translated


def test_every_page_sends_a_strict_content_security_policy(client, event):
    for url in ("/", f"/events/{event.id}", f"/events/{event.id}/register", "/staff/login", "/nowhere"):
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_pages_carry_no_inline_script_or_style(client, event, family, now, db):
    registered = registration_service.register(event.id, family(), now)
    db.session.commit()
    for url in ("/", f"/events/{event.id}", f"/events/{event.id}/register", f"/r/{registered.token}",
                f"/events/{event.id}/decline"):
        html = text_of(client.get(url))
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert " on" not in html.replace(" one", "").split("<body")[1].split(">")[0]


def test_session_cookie_is_httponly_and_samesite(app, client, event):
    response = client.get(f"/events/{event.id}/register")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False  # http in tests; https turns it on


def test_behind_an_https_proxy_hsts_and_secure_cookies(database_url, db, event):
    proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXIES=1,
                         SESSION_COOKIE_SECURE=True)
    proxied.test_client_class = IsolatedClient
    try:
        response = proxied.test_client().get(f"/events/{event.id}/register",
                                             headers={"X-Forwarded-Proto": "https"})
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        with proxied.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.mark.parametrize("kind", ["register", "decline"])
def test_family_posts_are_rate_limited_with_a_localized_page(limited_app, db, event, kind):
    client = limited_app.test_client()
    url = f"/events/{event.id}/{kind}?lang=es"
    token = hidden_fields(text_of(client.get(url)))["csrf_token"]
    data = {"csrf_token": token, "reason": "bogus"} if kind == "decline" else \
        dict(registration_data(phone=""), csrf_token=token)  # refused: no contact
    answers = [client.post(url, data=data).status_code for _ in range(30)]
    assert answers == [422] * 30
    limited = client.post(url, data=data)
    assert limited.status_code == 429
    assert translated(limited_app, "es", "Too many tries in a short time.") in text_of(limited)


def test_manage_link_posts_are_rate_limited(limited_app, db, event, family, now):
    registered = registration_service.register(event.id, family(), now)
    db.session.commit()
    client = limited_app.test_client()
    url = f"/r/{registered.token}/cancel"
    answers = [client.post(url, data={}).status_code for _ in range(31)]
    assert answers[:30] == [422] * 30 and answers[30] == 429
    assert registration_service.find_by_token(registered.token).status == "confirmed"


# A NUL reaches no view: PostgreSQL cannot store one, so it is refused for
# every form, query string and JSON body before the view reads it.
NUL_ROUTES = {
    # route: (who sends it, method, path, fields)
    "register": (None, "post", "/events/{event}/register", registration_data(name="Ana\x00")),
    "decline": (None, "post", "/events/{event}/decline", {"reason": "work", "note": "\x00"}),
    "sign-in": (None, "post", "/staff/login", {"email": "a\x00@example.org", "password": "x"}),
    "invite user": ("admin", "post", "/staff/users/new",
                    {"name": "Ana\x00", "email": "ana@lincoln.example", "role": "organizer"}),
    "privacy export": ("admin", "post", "/staff/privacy", {"contact": "a\x00@example.org"}),
    "create event": ("organizer", "post", "/staff/events/new", {"title_en": "\x00", "day": "2027-03-01"}),
    "walk-in": ("frontdesk", "post", "/staff/frontdesk/events/{event}/walk-in",
                {"walkin-name": "Ana\x00", "walkin-adults": "1"}),
    "check-in key": ("frontdesk", "post", "/staff/frontdesk/events/{event}/registrations/{registration}/checkin",
                     {"client_key": "\x00"}),
    "search": ("frontdesk", "get", "/staff/frontdesk/events/{event}/search.json?q=%00", None),
}


@pytest.mark.parametrize("route", list(NUL_ROUTES))
def test_a_nul_character_is_refused_before_any_view_and_changes_nothing(app, db, make_event, family, now,
                                                                        signed_in, route):
    who, method, path, fields = NUL_ROUTES[route]
    event = make_event()
    registration = registration_service.register(event.id, family(), now).registration
    event.starts_at = now.replace(microsecond=0) - timedelta(minutes=10)  # the door is open
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    client = signed_in(who) if who else app.test_client()
    path = path.format(event=event.id, registration=registration.id)
    with nothing_changes():
        if method == "get":
            response = client.get(path)
        else:
            # One token for every form of a session.
            token = hidden_fields(text_of(client.get("/staff/account" if who else "/staff/login")))["csrf_token"]
            response = client.post(path, data=dict(fields, csrf_token=token))
    assert response.status_code == 400
