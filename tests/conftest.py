"""Fixtures chained app -> db -> school -> event, with small factories.

The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL points at one. With REQUIRE_ALL set (as CI does), a test
that would be skipped for want of a tool fails instead."""
import contextvars
import itertools
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db
from portal.models import Event, EventStatus, utcnow
from portal.services.registration import FamilyDetails
from portal.services.schools import ensure_default_school

REQUIRE_ALL = bool(os.environ.get("REQUIRE_ALL"))
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def skip_or_fail(reason):
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (REQUIRE_ALL is set, so nothing may be skipped)")
    pytest.skip(reason)


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (a temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        from portal.devtools import ensure_database

        ensure_database(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"


def compile_catalogs():
    """Compile the .po files, so that the suite runs without `make` too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).resolve().parent.parent.glob("translations/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as po:
            catalog = read_po(po)
        with open(mo_path, "wb") as mo:
            write_mo(mo, catalog)


class IsolatedClient(FlaskClient):
    """Each request runs as it would in production, in its own app context
    (its own `g`, language and database session), not in the test's."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.rollback()  # so the test sees what the request committed
        return response


@pytest.fixture(scope="session")
def app(database_url):
    compile_catalogs()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _empty_all_tables():
    tables = [table.name for table in reversed(_db.metadata.sorted_tables)]
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(text(f"DELETE FROM {table}"))
    _db.session.commit()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_all_tables()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def now():
    return utcnow()


@pytest.fixture
def school(app, db):
    school = ensure_default_school(app.config)
    db.session.commit()
    return school


@pytest.fixture
def make_event(db, school):
    """make_event(capacity=10, ...) -> a published event a week from now,
    offering every kind of help unless told otherwise."""

    def make(texts=None, days=7, hours=2, **fields):
        start = utcnow().replace(microsecond=0) + timedelta(days=days)
        values = dict(
            school_id=school.id,
            status=EventStatus.PUBLISHED,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            registration_deadline=None,
            location="Gym, Lincoln Elementary",
            grades=["K", "1", "2", "3"],
            capacity=20,
            default_language="en",
            offers_childcare=True,
            childcare_capacity=10,
            interpreter_languages="es ar vi",
            offers_transportation=True,
            offers_meal=True,
        )
        values.update(fields)
        event = Event(**values)
        for language, (title, description) in (texts or {
            "en": ("Math games night", "Play the games your child plays in class."),
            "es": ("Noche de juegos de matemáticas", "Juegue los juegos que su hijo juega en clase."),
        }).items():
            event.set_text(language, title, description)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def event(make_event):
    return make_event()


_phones = itertools.count(1000)


@pytest.fixture
def family():
    """family(adults=2, children=1, ...) -> FamilyDetails with a fresh phone number."""

    def make(**fields):
        values = dict(name="Test Family", language="en", adults=1, children=0,
                      phone=f"+1612555{next(_phones):04d}")
        values.update(fields)
        return FamilyDetails(**values)

    return make


@pytest.fixture
def limited_app(database_url, db):
    """The app as in production, with rate limits on. The limiter is one
    object shared by every app in the process, so it is put back as it was."""
    from portal.extensions import limiter

    was_enabled = limiter.enabled
    limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True)
    limited.test_client_class = IsolatedClient
    limiter.reset()
    try:
        yield limited
    finally:
        limiter.reset()
        limiter.enabled = was_enabled
        with limited.app_context():
            _db.session.remove()
            _db.engine.dispose()


STAFF_PASSWORD = "correct horse battery"
# scrypt takes ~0.1 s a hash: the accounts made for a test get a cheap hash
# of the same password (check_password_hash reads the method from the hash).
QUICK_HASH = generate_password_hash(STAFF_PASSWORD, method="pbkdf2:sha256:1")
STAFF_HOMES = {"admin": "/staff/events", "organizer": "/staff/events", "frontdesk": "/staff/frontdesk/"}
STAFF_OF_EACH_ROLE = {"admin": ("admin@lincoln.example", "Alma Admin"),
                      "organizer": ("olivia@lincoln.example", "Olivia Organizer"),
                      "frontdesk": ("desk@lincoln.example", "Ana Desk")}


def add_staff(school, email, name, role):
    """A user of the school who signs in with STAFF_PASSWORD (not committed)."""
    from portal.services.users import create_user

    user = create_user(school, email, name, role)
    user.password_hash = QUICK_HASH
    return user


def post_sign_in(client, email, password=STAFF_PASSWORD, url="/staff/login", **request):
    """The sign-in form as a browser sends it: opened for its CSRF token, then posted to `url`."""
    from tests.web.helpers import hidden_fields, text_of

    token = hidden_fields(text_of(client.get("/staff/login", **request)))["csrf_token"]
    return client.post(url, data={"csrf_token": token, "email": email, "password": password}, **request)


def sign_in(client_or_page, user, password=STAFF_PASSWORD):
    """Sign `user` in, in a test client or a Playwright page, and check that
    it lands on the home of the user's role. Returns the client or page."""
    home = STAFF_HOMES[user.role]
    if hasattr(client_or_page, "goto"):
        from playwright.sync_api import expect

        page = client_or_page
        page.goto("/staff/login")
        page.locator("#email").fill(user.email)
        page.locator("#password").fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(re.escape(home) + "$"))
        return page
    from tests.web.helpers import text_of

    response = post_sign_in(client_or_page, user.email, password)
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == home
    return client_or_page


@pytest.fixture
def staff_user(db, school):
    """staff_user(email, name, role) -> a user of the school with STAFF_PASSWORD."""

    def make(email, name, role):
        user = add_staff(school, email, name, role)
        db.session.commit()
        return user

    return make


@pytest.fixture
def staff_of(db, school):
    """staff_of("admin" | "organizer" | "frontdesk") -> the school's user of
    that role (see STAFF_OF_EACH_ROLE), made on first use."""
    from sqlalchemy import select

    from portal.models import User

    def find_or_make(role):
        email, name = STAFF_OF_EACH_ROLE[role]
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = add_staff(school, email, name, role)
            db.session.commit()
        return user

    return find_or_make


@pytest.fixture
def signed_in(app, staff_of):
    """signed_in("organizer") or signed_in(user) -> a new test client signed in as
    that role's user (staff_of) or as that user."""

    def client_of(who):
        user = staff_of(who) if isinstance(who, str) else who
        return sign_in(app.test_client(), user)

    return client_of


@pytest.fixture
def desk(staff_of):
    """A front-desk user."""
    return staff_of("frontdesk")
