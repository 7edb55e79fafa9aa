"""500 families register at once for 50 places, through the real server:
gunicorn with 4 sync workers (gunicorn.conf.py) on a loopback port, each
family opening the form (GET) and sending it back with its CSRF token and
cookie (POST), 50 at a time.

Nothing may go wrong: every POST is answered 302, exactly 50 people are
confirmed and 450 parties wait, all 500 registrations are there, and the
waitlist's order (waitlisted_at, then id) is the order in which the server
committed them. Runs on the suite's database kind (a SQLite file: several
processes, WAL, BEGIN IMMEDIATE; or PostgreSQL: SELECT ... FOR UPDATE), in
a database of its own, migrated with `flask db upgrade`. The race runs
once (a module fixture); each test checks one promise about its outcome."""
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import time as clock, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.servers import LOOPBACK, free_port

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
CAPACITY = 50
FAMILIES = 500
AT_ONCE = 50
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')


# -- a database of this test's own ---------------------------------------------------------------

@pytest.fixture(scope="module")
def own_database(database_url, tmp_path_factory):
    """The suite's kind of database, but not the suite's database: a SQLite
    file in tmp_path, or `<suite database>_gunicorn` on the same PostgreSQL
    server, emptied first."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('gunicorn') / 'portal.db'}"
    from tests.postgres import empty_database

    own = url.set(database=f"{url.database}_gunicorn").render_as_string(hide_password=False)
    empty_database(own)
    return own


def server_environment(database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    env.update(DATABASE_URL=database_url, SECRET_KEY="gunicorn-concurrency-test-" + "x" * 32,
               RATELIMIT_ENABLED="0", MIN_FORM_SECONDS="0", WEB_CONCURRENCY=str(WORKERS), PYTHONPATH=str(ROOT),
               FLASK_APP="wsgi")
    env.pop("ACCESS_LOG", None)
    return env


def migrate(env):
    """`flask db upgrade`, in a process of its own (Alembic's logging set-up stays out of pytest's)."""
    completed = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def create_published_event(database_url):
    """A published event with CAPACITY places, made by the app's services and committed."""
    from portal import create_app
    from portal.config import Config
    from portal.extensions import db
    from portal.models import utcnow
    from portal.services.event_admin import EventDetails, create_event, publish, to_local
    from portal.services.schools import ensure_default_school

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=False)
    with app.app_context():
        try:
            school = ensure_default_school(app.config)
            day = to_local(utcnow(), school.tz).date() + timedelta(days=14)
            details = EventDetails(
                texts={"en": ("Kindergarten breakfast", "Coffee, books and a song.")}, day=day,
                starts=clock(8, 0), ends=clock(9, 0), location="Library", capacity=CAPACITY, grades=["K"])
            event = create_event(school, None, details)
            publish(event, utcnow())
            db.session.commit()
            return event.id
        finally:
            db.session.remove()
            db.engine.dispose()


# -- the server ---------------------------------------------------------------------------------

class Server:
    def __init__(self, env, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--no-control-socket",
                        "--workers", str(WORKERS), "--bind", f"{LOOPBACK}:{self.port}", "wsgi:app"]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def log(self):
        return Path(self.log_path).read_text(errors="replace")[-3000:]

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer on port {self.port} within {timeout} s:\n{self.log()}")

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            self.process.wait(25)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only this gunicorn
            self.process.wait(5)


@dataclass
class Race:
    answers: list  # (index, POST status, Location, body excerpt) per family
    rows: list  # the event's registrations, by id
    seconds: float
    log: str

    @property
    def confirmed(self):
        return [row for row in self.rows if row.status == "confirmed"]

    @property
    def waitlisted(self):
        return [row for row in self.rows if row.status == "waitlisted"]


@pytest.fixture(scope="module")
def race(own_database, tmp_path_factory):
    """The race, run once for the tests below: gunicorn is stopped before
    they look at the results, whatever happened."""
    env = server_environment(own_database)
    migrate(env)
    event_id = create_published_event(own_database)
    running = Server(env, tmp_path_factory.mktemp("gunicorn-log") / "gunicorn.log")
    try:
        running.wait_ready()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            answers = list(pool.map(lambda index: register_family(running.port, event_id, index), range(FAMILIES)))
        seconds = time.perf_counter() - started
    finally:
        running.stop()
    engine = create_engine(own_database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, status, adults + children AS people, waitlisted_at, phone FROM registration "
                "WHERE event_id = :event ORDER BY id"), {"event": event_id}).all()
    finally:
        engine.dispose()
    return Race(answers, rows, seconds, running.log())


# -- a family ---------------------------------------------------------------------------------

def register_family(port, event_id, index):
    """GET the form, POST it back with its token and cookie. Returns
    (index, POST status, Location, body excerpt)."""
    path = f"/events/{event_id}/register"
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read().decode()
        if response.status != 200:
            return index, f"GET {response.status}", "", page[:300]
        cookies = SimpleCookie()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookies.load(value)
        fields = dict(HIDDEN.findall(page))
        fields.update(name=f"Family {index:03d}", phone=f"+1 612 555 {index:04d}", email="", language="en",
                      contact_preference="sms", adults="1", children="0", note="")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if "session" in cookies:
            headers["Cookie"] = f"session={cookies['session'].value}"
        connection.close()  # a sync worker closes it anyway
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
        connection.request("POST", path, body=urllib.parse.urlencode(fields), headers=headers)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        return index, response.status, response.getheader("Location") or "", body[:300]
    except (OSError, http.client.HTTPException) as error:
        return index, f"{type(error).__name__}: {error}", "", ""
    finally:
        connection.close()


def test_every_family_is_answered_with_a_redirect_to_their_own_link(race):
    refused = [answer for answer in race.answers if answer[1] != 302 or "/r/" not in answer[2]]
    assert not refused, (f"{len(refused)} of {FAMILIES} POSTs were not answered 302 to /r/<token> "
                         f"(a 429 means the rate limiter is on: RATELIMIT_ENABLED=0 must turn it off), "
                         f"e.g. {refused[:3]}\n{race.log}")
    tokens = {location.rsplit("/r/", 1)[-1] for _index, _status, location, _body in race.answers}
    assert len(tokens) == FAMILIES
    assert race.seconds < 50, f"{FAMILIES} registrations took {race.seconds:.1f} s"


def test_nothing_is_lost_or_counted_twice(race):
    assert len(race.rows) == FAMILIES
    assert {row.phone for row in race.rows} == {f"+1612555{index:04d}" for index in range(FAMILIES)}


def test_exactly_the_capacity_is_confirmed_and_everyone_else_waits(race):
    assert sum(row.people for row in race.confirmed) == CAPACITY
    assert (len(race.confirmed), len(race.waitlisted)) == (CAPACITY, FAMILIES - CAPACITY)


def test_the_places_go_to_the_first_families_the_server_committed(race):
    assert max(row.id for row in race.confirmed) < min(row.id for row in race.waitlisted)


def test_the_waitlist_order_is_the_order_of_commits(race):
    in_line = sorted(race.waitlisted, key=lambda row: (row.waitlisted_at, row.id))
    ids = [row.id for row in in_line]
    assert len(set(ids)) == len(ids)
    out_of_order = [(earlier.id, later.id) for earlier, later in zip(in_line, in_line[1:]) if later.id <= earlier.id]
    assert not out_of_order, (
        f"{len(out_of_order)} waitlisted parties stand in line before a party the server committed earlier "
        f"(waitlisted_at is not in commit order), e.g. ids {out_of_order[:5]}")
