"""District-scale load measurements of the portal under gunicorn.

Builds (once) a district on PostgreSQL: 50 schools, 5,000 events, 500,000
registrations with their needs, staff for one school (bench/district_data.py);
a later run reuses it when the marker row says it is the same district.
Then it serves the portal with gunicorn (gunicorn.conf.py, --no-control-socket,
2 sync workers, 127.0.0.1 on a free port) and a bare Flask hello-world
(bench/hello.py) with the same settings, drives both from other processes on
loopback (wrk for the GET pages, a threaded Python client for the
registration form), and prints requests/s and p50/p95/p99 latency per page,
each page's throughput as a share of hello-world's, and PASS/FAIL against
the targets:

    event list and event page   >= 40% of hello-world's requests/s
    organizer dashboard, reports   p95 < 200 ms at --staff-connections (2: one
                                   per worker); the dashboard at --connections
                                   is shown too, for the queueing

    .venv/bin/python -m bench.load                       # build or reuse, then about 2.5 minutes of load
    .venv/bin/python -m bench.load --duration 5 --connections 16
    .venv/bin/python -m bench.load --only list,event     # some pages (hello-world is always measured)
    .venv/bin/python -m bench.load --rebuild             # build the district again

Needs wrk (Debian: `apt-get install wrk`, as root) and PostgreSQL; the
database at --database-url is the benchmark's own: it is dropped and built
again when it holds something else. On 2 cores wrk and the Python client
share the CPU with gunicorn: compare ratios within one run, not absolute
numbers across machines. After each page the benchmark waits until the
server has worked off its queue, so a slow page does not slow the next one.

At c32 with 2 sync workers a request waits for about 16 others: p95 there is
roughly 16 times a request's own time, so the staff pages' p95 target is
checked with 2 connections (no queueing), which is what a few organizers see.

Rate limiting: the server gets RATELIMIT_ENABLED=0 in its environment; when
portal/config.py does not read it from there, the benchmark serves
`portal:create_app(RATELIMIT_ENABLED=False)` (gunicorn's factory syntax)
instead of wsgi:app, and says so.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/family_events_bench"
LOOPBACK = "127.0.0.1"
LUA = ROOT / "bench" / "wrk_paths.lua"
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')
LIST_SHARE_TARGET = 0.40
STAFF_TARGETED = ("dashboard_few", "dashboard_big_few", "reports_few")
DASHBOARD_P95_TARGET_MS = 200.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)]


# -- results ------------------------------------------------------------------------------------

@dataclass
class Result:
    page: str
    tool: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    detail: dict = field(default_factory=dict)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


# -- servers ----------------------------------------------------------------------------------

class Gunicorn:
    """gunicorn with gunicorn.conf.py on 127.0.0.1:<free port>, stopped by its process id."""

    def __init__(self, name, app_spec, workers, env, log_dir):
        self.name = name
        self.app_spec = app_spec
        self.workers = workers
        self.env = env
        self.port = free_port()
        self.log_path = Path(log_dir) / f"{name}.log"
        self.process = None

    @property
    def command(self):
        return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--no-control-socket",
                "--workers", str(self.workers), "--bind", f"{LOOPBACK}:{self.port}", self.app_spec]

    def start(self, ready_path="/", timeout=60):
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                status, _headers, _body = get(self.port, ready_path)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no answer on port {self.port} after {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            self.process.wait(25)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
            self.process.wait(5)


def get(port, path, headers=None, timeout=30):
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def session_cookie(headers):
    cookies = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookies.load(value)
    morsel = cookies.get("session")
    return f"session={morsel.value}" if morsel else None


def sign_in(port, email, password):
    """The session cookie of a signed-in staff member (GET the form, POST it)."""
    status, headers, body = get(port, "/staff/login")
    cookie = session_cookie(headers)
    token = dict(HIDDEN.findall(body.decode()))["csrf_token"]
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        connection.request("POST", "/staff/login",
                           body=urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        signed_in = session_cookie(response.getheaders())
        if response.status != 302 or not signed_in:
            raise RuntimeError(f"signing in as {email} failed: HTTP {response.status}")
        return signed_in
    finally:
        connection.close()


# -- wrk ------------------------------------------------------------------------------------------

def run_wrk(page, port, paths, work_dir, connections, duration, threads=2, cookie=None, warmup=2):
    paths_file = Path(work_dir) / f"paths-{abs(hash(page))}.txt"
    paths_file.write_text("\n".join(paths) + "\n")

    def once(seconds, conns):
        command = ["wrk", f"-t{min(threads, conns)}", f"-c{conns}", f"-d{seconds}s", "--timeout", "30s",
                   "-s", str(LUA), f"http://{LOOPBACK}:{port}", "--", str(paths_file), cookie or "-", "200"]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        line = next((line for line in completed.stdout.splitlines() if line.startswith("WRKJSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no summary for {page}:\n{completed.stdout}\n{completed.stderr}")
        return json.loads(line[len("WRKJSON "):]), command

    if warmup:
        once(warmup, min(connections, 8))
    summary, command = once(duration, connections)
    errors = (summary["connect_errors"] + summary["read_errors"] + summary["write_errors"]
              + summary["timeouts"] + summary["unexpected_status"])
    return Result(page, "wrk", connections, summary["requests"], summary["duration_us"] / 1e6,
                  summary["p50_us"] / 1000, summary["p95_us"] / 1000, summary["p99_us"] / 1000, errors,
                  detail={"wrk": " ".join(command[:9]) + " ...", **summary})


# -- the registration form, GET then POST, from a Python client ---------------------------------

def registration_fields(hidden):
    return dict(
        hidden,
        name="María González", phone="", email=f"bench.{uuid.uuid4().hex[:16]}@example.org",
        contact_preference="email", language="es", adults="1", children="2", grades=["K", "3"],
        childcare_children="1", childcare_ages="3", transportation_seats="", interpreter_language="es",
        accessibility="", dietary="", note="Llegaremos 10 minutos tarde",
    )


def post_client(port, event_id, threads, duration, warmup):
    """Families registering: each operation GETs the form (a new browser: no
    cookie), then POSTs it with its CSRF token, its cookie and a fresh email.
    Each thread keeps its connection open when the server allows it. Prints JSON."""
    path = f"/events/{event_id}/register"
    lock = threading.Lock()
    latencies, statuses, tokens = [], {}, []
    state = {"measuring": False, "stop_at": 0.0}

    def operation(connection):
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200:
            return f"GET {response.status}", None
        cookie = session_cookie(response.getheaders())
        hidden = dict(HIDDEN.findall(body))
        form = urllib.parse.urlencode(registration_fields(hidden), doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            headers["Cookie"] = cookie
        connection.request("POST", path, body=form, headers=headers)
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location") or ""
        if response.status != 302 or "/r/" not in location:
            return f"POST {response.status}", None
        return "302", location.rsplit("/r/", 1)[1]

    def worker():
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
        while True:
            now = time.perf_counter()
            if now >= state["stop_at"]:
                break
            measuring = state["measuring"]
            try:
                outcome, token = operation(connection)
            except (OSError, http.client.HTTPException) as error:
                outcome, token = f"error {type(error).__name__}", None
                connection.close()
                connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
            elapsed = time.perf_counter() - now
            if measuring and state["measuring"]:
                with lock:
                    latencies.append(elapsed)
                    statuses[outcome] = statuses.get(outcome, 0) + 1
                    if token:
                        tokens.append(token)
        connection.close()

    state["stop_at"] = time.perf_counter() + warmup + duration
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(warmup)
    with lock:
        latencies.clear()
        statuses.clear()
        tokens.clear()
    state["measuring"] = True
    began = time.perf_counter()
    for thread in pool:
        thread.join(duration + 120)
    # Operations still running when time is up finish and count: the window ends with the last one.
    seconds = time.perf_counter() - began
    print(json.dumps({
        "operations": len(latencies), "seconds": seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000, "statuses": statuses, "tokens": tokens[:500],
    }))


def run_post_client(port, event_id, threads, duration, warmup):
    command = [sys.executable, "-m", "bench.load", "--post-client", str(port), str(event_id),
               "--connections", str(threads), "--duration", str(duration), "--warmup", str(warmup)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=duration + warmup + 180)
    if completed.returncode != 0:
        raise RuntimeError(f"the registration client failed:\n{completed.stderr}")
    data = json.loads(completed.stdout.strip().splitlines()[-1])
    errors = sum(count for outcome, count in data["statuses"].items() if outcome != "302")
    return Result("registration GET form + POST (302)", "python", threads, data["operations"], data["seconds"],
                  data["p50_ms"], data["p95_ms"], data["p99_ms"], errors, detail=data)


# -- the run ----------------------------------------------------------------------------------

def rate_limit_from_environment(env):
    """True when RATELIMIT_ENABLED=0 in the environment turns the limiter off."""
    probe = "from portal.config import Config; print(Config.RATELIMIT_ENABLED)"
    completed = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    return completed.stdout.strip() in ("False", "0")


def district_paths(url, marker, rng, tokens=1000, searches=300):
    """The paths each page is measured on, read from the district."""
    from sqlalchemy import create_engine, text

    from bench.district_data import manage_token

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            school_id = connection.execute(text("SELECT id FROM school WHERE slug = :slug"),
                                           {"slug": marker["staff_school_slug"]}).scalar_one()
            upcoming = connection.execute(text(
                "SELECT id FROM event WHERE school_id = :school AND status = 'published' AND ends_at > now() "
                "AT TIME ZONE 'UTC' ORDER BY starts_at"), {"school": school_id}).scalars().all()
            max_id = marker["built_registrations"]
            sample = rng.sample(range(1, max_id + 1), min(tokens, max_id))
            rows = connection.execute(text(
                "SELECT search_name, phone_last4, checkin_code FROM registration WHERE event_id = :event "
                "AND status != 'cancelled' ORDER BY id"), {"event": marker["frontdesk_event_id"]}).all()
            sizes = dict(connection.execute(text(
                "SELECT event_id, count(*) FROM registration WHERE event_id IN (:a, :b) GROUP BY event_id"),
                {"a": marker["dashboard_event_id"], "b": marker["frontdesk_event_id"]}).all())
            totals = connection.execute(text(
                "SELECT (SELECT count(*) FROM school), (SELECT count(*) FROM event), "
                "(SELECT count(*) FROM registration), (SELECT count(*) FROM need)")).one()
    finally:
        engine.dispose()
    queries = []
    for index in range(searches):
        search_name, last4, code = rng.choice(rows)
        kind = index % 3
        if kind == 0:
            queries.append(search_name.split()[0][:3])
        elif kind == 1 and last4:
            queries.append(last4)
        else:
            queries.append(code.lower())
    front = marker["frontdesk_event_id"]
    return {
        "list": [f"/?school={marker['staff_school_slug']}"],
        "event": [f"/events/{event_id}" for event_id in upcoming],
        "manage": [f"/r/{manage_token(marker['seed'], registration_id)}" for registration_id in sample],
        "dashboard": [f"/staff/events/{marker['dashboard_event_id']}"],
        "dashboard_big": [f"/staff/events/{front}"],
        "reports": [f"/staff/reports?start={date.today() - timedelta(days=365)}&end={date.today()}"],
        "search": [f"/staff/frontdesk/events/{front}/search.json?q={urllib.parse.quote(query)}" for query in queries],
        "upcoming_count": len(upcoming),
        "sizes": sizes,
        "totals": totals,
    }


def drain(port, path, quick=0.05, timeout=180):
    """Wait until the server has worked off what the last run left queued
    (wrk stops sending, but requests already in the listen queue are still
    served), so that it does not slow the next page down."""
    deadline = time.monotonic() + timeout
    quick_answers = 0
    while time.monotonic() < deadline and quick_answers < 3:
        began = time.perf_counter()
        try:
            get(port, path, timeout=timeout)
        except OSError:
            pass
        quick_answers = quick_answers + 1 if time.perf_counter() - began < quick else 0
        time.sleep(0.1)
    return quick_answers >= 3


def check_paths(port, paths, cookie=None, count=5):
    """Each page answers 200 before it is measured (wrk would not tell a login redirect from a page)."""
    for path in paths[:count]:
        status, _headers, body = get(port, path, headers={"Cookie": cookie} if cookie else None)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} before the run:\n{body[:500]!r}")


def verdict(ok):
    return "PASS" if ok else "FAIL"


def print_table(results, hello_rps, sizes, args):
    header = (f"{'page':<44}{'conns':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}{'vs hello':>10}  target / result")
    print(header)
    print("-" * len(header))
    for key, result in results:
        share = result.rps / hello_rps if hello_rps else float("nan")
        target = ""
        if key in ("list", "event"):
            met = share >= LIST_SHARE_TARGET and not result.errors
            target = f">= {LIST_SHARE_TARGET:.0%} of hello-world: {verdict(met)}"
        elif key in STAFF_TARGETED:
            met = result.p95_ms < DASHBOARD_P95_TARGET_MS and not result.errors
            target = f"p95 < {DASHBOARD_P95_TARGET_MS:.0f} ms: {verdict(met)}"
        elif key == "dashboard":
            target = "(queueing: about 16 requests wait per worker)"
        share_text = "" if key.startswith("hello") else f"{share:9.1%}"
        print(f"{result.page:<44}{result.connections:>6}{result.requests:>10,}{result.rps:>9.1f}"
              f"{result.p50_ms:>9.1f}{result.p95_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>8}"
              f"{share_text:>10}  {target}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up load before each page (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections / client threads (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--staff-connections", type=int, default=2,
                        help="connections for the dashboard's low-concurrency runs (2: one per worker, no queueing)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--rebuild", action="store_true", help="build the district again even when it is there")
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--registrations", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-only", action="store_true", help="build (or check) the district, then stop")
    parser.add_argument("--only", default="",
                        help="measure only these pages (comma-separated: "
                             "list,event,register,manage,dashboard,reports,search);"
                             " hello-world is always measured")
    parser.add_argument("--post-client", nargs=2, metavar=("PORT", "EVENT_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.post_client:
        post_client(int(args.post_client[0]), int(args.post_client[1]), args.connections, args.duration, args.warmup)
        return 0

    if shutil.which("wrk") is None and not args.build_only:
        print("wrk is not installed. On Debian or Ubuntu, as root:\n\n    apt-get update && apt-get install -y wrk\n\n"
              "then run bench/load.py again.", file=sys.stderr)
        return 2

    from bench.district_data import DistrictSpec, prepare

    spec = DistrictSpec(schools=args.schools, events=args.events, registrations=args.registrations, seed=args.seed)
    print(f"district: {spec.schools} schools, {spec.events:,} events, {spec.registrations:,} registrations "
          f"on {args.database_url}")
    marker, built_seconds = prepare(args.database_url, spec, rebuild=args.rebuild)
    if built_seconds is None:
        print(f"reusing the district built {marker['built_at']} UTC (its build took {marker.get('build_seconds')} s)")
    else:
        print(f"data build: {built_seconds:.1f} s (schema upgrade, rows, COPY, VACUUM ANALYZE)")
    if args.build_only:
        return 0

    rng = random.Random(args.seed)
    paths = district_paths(args.database_url, marker, rng)
    schools, events, registrations, needs = paths["totals"]
    print(f"in the database: {schools} schools, {events:,} events, {registrations:,} registrations, {needs:,} needs; "
          f"{paths['upcoming_count']} upcoming events at {marker['staff_school_slug']}; dashboard event "
          f"{paths['sizes'].get(marker['dashboard_event_id'])} registrations, front-desk event "
          f"{paths['sizes'].get(marker['frontdesk_event_id'])}")

    env = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_",))}
    # The load client sends each form straight back, as a program does: the
    # minimum form time would refuse it.
    env.update(DATABASE_URL=args.database_url, SECRET_KEY=uuid.uuid4().hex * 2, RATELIMIT_ENABLED="0",
               MIN_FORM_SECONDS="0", PYTHONPATH=str(ROOT), WEB_CONCURRENCY=str(args.workers))
    env.pop("ACCESS_LOG", None)
    if rate_limit_from_environment(env):
        app_spec = "wsgi:app"
        print("rate limiting: off through RATELIMIT_ENABLED=0 in the environment")
    else:
        app_spec = "portal:create_app(RATELIMIT_ENABLED=False)"
        print("rate limiting: the environment cannot turn it off (portal/config.py sets RATELIMIT_ENABLED = True); "
              f"serving {app_spec} instead of wsgi:app")

    work_dir = tempfile.mkdtemp(prefix="bench-load-")
    portal = Gunicorn("portal", app_spec, args.workers, env, work_dir)
    hello = Gunicorn("hello", "bench.hello:app", args.workers, env, work_dir)
    results = []
    try:
        portal.start("/healthz")
        hello.start("/")
        print(f"gunicorn: {' '.join(portal.command[2:])}")
        print(f"          {' '.join(hello.command[2:])}")
        organizer = sign_in(portal.port, marker["organizer_email"], marker["staff_password"])
        desk = sign_in(portal.port, marker["frontdesk_email"], marker["staff_password"])
        check_paths(portal.port, paths["list"])
        check_paths(portal.port, paths["event"])
        check_paths(portal.port, paths["manage"])
        check_paths(portal.port, paths["dashboard"], organizer, count=1)
        check_paths(portal.port, paths["dashboard_big"], organizer, count=1)
        check_paths(portal.port, paths["search"], desk)
        check_paths(hello.port, ["/"])
        print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"{args.duration} s per page after {args.warmup} s of warm-up\n")

        conns, seconds, warm = args.connections, args.duration, args.warmup

        only = {name.strip() for name in args.only.split(",") if name.strip()}

        def wanted(key):
            return key.startswith("hello") or not only or key.split("_")[0] in only

        def wrk(key, label, port, page_paths, cookie=None, connections=conns):
            if not wanted(key):
                return
            result = run_wrk(label, port, page_paths, work_dir, connections, seconds, args.threads, cookie, warm)
            results.append((key, result))
            drain(port, "/healthz" if port == portal.port else "/")
            print(f"  measured {label}: {result.rps:.1f} req/s, p95 {result.p95_ms:.1f} ms", flush=True)

        wrk("hello_before", "hello-world (bench/hello.py), first", hello.port, ["/"])
        wrk("list", f"event list /?school={marker['staff_school_slug']}", portal.port, paths["list"])
        wrk("event", f"event page /events/<id> ({len(paths['event'])} events)", portal.port, paths["event"])
        if wanted("register"):
            result = run_post_client(portal.port, marker["signup_event_id"], conns, seconds, warm)
            results.append(("register", result))
            drain(portal.port, "/healthz")
            print(f"  measured {result.page}: {result.rps:.1f} op/s, p95 {result.p95_ms:.1f} ms "
                  f"{result.detail['statuses']}", flush=True)
        wrk("manage", f"manage page /r/<token> ({len(paths['manage'])} tokens)", portal.port, paths["manage"])
        size = paths["sizes"].get(marker["dashboard_event_id"])
        big = paths["sizes"].get(marker["frontdesk_event_id"])
        few = args.staff_connections
        wrk("dashboard", f"dashboard, event of {size:,} registrations", portal.port, paths["dashboard"], organizer)
        wrk("dashboard_few", f"  same, {few} connections", portal.port, paths["dashboard"], organizer,
            connections=few)
        wrk("dashboard_big_few", f"dashboard, event of {big:,}, {few} connections", portal.port,
            paths["dashboard_big"], organizer, connections=few)
        wrk("reports_few", f"reports, a year of one school, {few} connections", portal.port, paths["reports"],
            organizer, connections=few)
        wrk("search", f"check-in search.json, event of {big:,}", portal.port, paths["search"], desk)
        wrk("hello_after", "hello-world (bench/hello.py), again", hello.port, ["/"])
    finally:
        portal.stop()
        hello.stop()

    hello_rps = statistics.mean(result.rps for key, result in results if key.startswith("hello"))
    print(f"\nhello-world: {hello_rps:.1f} req/s (mean of the first and last runs); "
          f"load average now {os.getloadavg()[0]:.2f}\n")
    print_table(results, hello_rps, paths["sizes"], args)
    print(f"\nwrk: {results[0][1].detail['wrk']} (with --timeout 30s and bench/wrk_paths.lua rotating the paths);"
          f" registration: {conns} Python threads, one operation = GET form + POST, fresh email each")
    print("errors: connect/read/write errors, timeouts, and answers other than 200 (302 for the registration POST)")
    failed = [key for key, result in results if
              (key in ("list", "event") and (result.rps / hello_rps < LIST_SHARE_TARGET or result.errors))
              or (key in STAFF_TARGETED and (result.p95_ms >= DASHBOARD_P95_TARGET_MS or result.errors))]
    print(f"\ntargets: {'all met' if not failed else 'missed by ' + ', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
