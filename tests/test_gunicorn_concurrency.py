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
once (a module fixture); each test checks one promise about its outcome.

A missing lock overbooks only when two requests count within the same few
milliseconds, so this race rarely sees one: the tests that pause a call
right after it counts (tests/unit/test_concurrency.py) and read the SQL of
every seat change (tests/unit/test_seat_locks.py) are the reliable detector."""
import http.client
import re
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import create_engine, text

from tests.servers import (
    LOOPBACK,
    GunicornServer,
    database_of_its_own,
    gunicorn_environment,
    migrate,
    publish_event,
)

WORKERS = 4
CAPACITY = 50
FAMILIES = 500
AT_ONCE = 50
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')


# -- a database of this test's own ---------------------------------------------------------------

@pytest.fixture(scope="module")
def own_database(database_url, tmp_path_factory):
    """The suite's kind of database, but not the suite's database."""
    return database_of_its_own(database_url, "gunicorn", tmp_path_factory)


def server_environment(database_url):
    return gunicorn_environment(database_url, WORKERS, SECRET_KEY="gunicorn-concurrency-test-" + "x" * 32,
                                RATELIMIT_ENABLED="0", MIN_FORM_SECONDS="0")


def create_published_event(database_url):
    """A published event with CAPACITY places."""
    return publish_event(database_url, "Kindergarten breakfast", "Coffee, books and a song.", CAPACITY)


# -- the server ---------------------------------------------------------------------------------

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
    running = GunicornServer(env, tmp_path_factory.mktemp("gunicorn-log") / "gunicorn.log", WORKERS)
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
