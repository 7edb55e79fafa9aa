"""Local stand-ins for the outside world the outbox talks to: a real SMTP
server (aiosmtpd) and an HTTP server answering like Twilio's Messages API.
Both listen on 127.0.0.1 only, on a free port, and stop when the test ends.
And the portal itself served by gunicorn, over HTTP or TLS.

Use them as fixtures (`mail_server`, `twilio`) imported into a test module,
or as context managers (`smtp_server(port)`) when a test must start the
server later, on a port chosen before it."""
import base64
import contextlib
import email
import email.policy
import http.client
import itertools
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LOOPBACK = "127.0.0.1"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (at this moment)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# -- SMTP ---------------------------------------------------------------------------

@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self, port):
        self.port = port
        self._lock = threading.Lock()
        self._envelopes = []

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos),
                                            envelope.original_content or envelope.content))
        return "250 OK"

    @property
    def envelopes(self):
        with self._lock:
            return list(self._envelopes)

    @property
    def messages(self):
        return [envelope.message for envelope in self.envelopes]


@contextlib.contextmanager
def smtp_server(port=None):
    """A real SMTP server on 127.0.0.1 (plain, no TLS) for the block."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(port or free_port())
    controller = Controller(mailbox, hostname=LOOPBACK, port=mailbox.port, ready_timeout=5)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def use_smtp(monkeypatch, app, port):
    """Point the app at an SMTP server on 127.0.0.1:port (restored after the test)."""
    monkeypatch.setitem(app.config, "SMTP_HOST", LOOPBACK)
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "SMTP_USERNAME", None)


@pytest.fixture
def mail_server(app, monkeypatch):
    """A running SMTP server the app is configured to send to."""
    with smtp_server() as mailbox:
        use_smtp(monkeypatch, app, mailbox.port)
        yield mailbox


# -- Twilio -------------------------------------------------------------------------

@dataclass
class ProviderRequest:
    method: str
    path: str
    headers: dict
    fields: dict

    @property
    def basic_auth(self):
        """(user, password) from the Authorization header, or None."""
        scheme, _space, value = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic":
            return None
        user, _colon, password = base64.b64decode(value).decode().partition(":")
        return user, password


@dataclass
class FakeTwilio:
    """What the stand-in received, and what it answers next (a status code)."""

    port: int = 0
    status: int = 201
    requests: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self):
        return f"http://{LOOPBACK}:{self.port}"

    def received(self):
        with self.lock:
            return list(self.requests)


def _twilio_handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            fields = {key: values[-1] for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
            with fake.lock:
                fake.requests.append(ProviderRequest("POST", self.path, dict(self.headers), fields))
                status = fake.status
                sid = f"SM{next(fake.sids):032x}"
            if 200 <= status < 300:
                answer = {"sid": sid, "status": "queued", "to": fields.get("To")}
            else:
                answer = {"code": 21211 if status < 500 else 20500, "message": "refused by the test", "status": status}
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep the test output clean
            pass

    return Handler


@contextlib.contextmanager
def twilio_server():
    fake = FakeTwilio()
    server = ThreadingHTTPServer((LOOPBACK, 0), _twilio_handler(fake))
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "test-auth-token"
TWILIO_NUMBER = "+15005550006"


@pytest.fixture
def twilio(app, monkeypatch):
    """A running stand-in for Twilio the app is configured to use."""
    with twilio_server() as fake:
        monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", TWILIO_SID)
        monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
        monkeypatch.setitem(app.config, "TWILIO_FROM", TWILIO_NUMBER)
        monkeypatch.setitem(app.config, "TWILIO_API_BASE", fake.base_url)
        yield fake


# -- a sender that records instead of delivering --------------------------------------

class RecordingSender:
    """Stands in for both senders (`senders={"email": s, "sms": s}`): email
    senders get an EmailMessage, SMS senders (to, body). Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sent = []
        self._ids = itertools.count(1)

    def send(self, *args):
        with self._lock:
            self._sent.append(args[0] if len(args) == 1 else args)
            return f"fake-{next(self._ids)}"

    @property
    def sent(self):
        with self._lock:
            return list(self._sent)

    def senders(self):
        return {"email": self, "sms": self}


# -- the portal itself, under gunicorn ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def database_of_its_own(database_url, suffix, tmp_path_factory):
    """The suite's kind of database, but not the suite's database: a SQLite
    file in a temporary folder, or `<suite database>_<suffix>` on the same
    PostgreSQL server, emptied first."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(suffix) / 'portal.db'}"
    from portal.devtools import empty_database

    own = url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)
    empty_database(own)
    return own


def gunicorn_environment(database_url, workers, **settings):
    """The environment gunicorn (and `flask db upgrade`) run with; `settings`
    must include a SECRET_KEY, which the portal requires outside tests."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    env.update(DATABASE_URL=database_url, WEB_CONCURRENCY=str(workers), PYTHONPATH=str(ROOT), FLASK_APP="wsgi")
    env.update(settings)
    env.pop("ACCESS_LOG", None)
    return env


def migrate(env):
    """`flask db upgrade`, in a process of its own (Alembic's logging set-up stays out of pytest's)."""
    completed = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def self_signed_certificate(folder):
    """A throwaway certificate for 127.0.0.1, valid for a day: (certfile, keyfile)."""
    certfile, keyfile = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    completed = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={LOOPBACK}",
         "-keyout", str(keyfile), "-out", str(certfile)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return certfile, keyfile


class GunicornServer:
    """The portal under gunicorn (gunicorn.conf.py) on a loopback port, in a
    process group of its own, logging to `log_path`; over TLS when given a
    certificate and its key."""

    def __init__(self, env, log_path, workers, port=None, certificate=None):
        self.port = port or free_port()
        self.log_path = log_path
        self.tls = certificate is not None
        self.command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--no-control-socket",
                        "--workers", str(workers), "--bind", f"{LOOPBACK}:{self.port}", "wsgi:app"]
        if certificate is not None:
            certfile, keyfile = certificate
            self.command += ["--certfile", str(certfile), "--keyfile", str(keyfile)]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    @property
    def url(self):
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self.port}"

    def log(self, tail=3000):
        text = Path(self.log_path).read_text(errors="replace")
        return text[-tail:] if tail else text

    def _connection(self):
        if self.tls:
            return http.client.HTTPSConnection(LOOPBACK, self.port, timeout=5,
                                               context=ssl._create_unverified_context())
        return http.client.HTTPConnection(LOOPBACK, self.port, timeout=5)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            connection = self._connection()
            try:
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


def publish_event(database_url, title, description, capacity, before=None):
    """A published event two weeks ahead in the default school of the
    database a server will use, made by the app's services and committed;
    `before(school)` adds what else the test needs, in the same transaction.
    Returns the event's id."""
    import secrets
    from datetime import time as clock, timedelta

    from portal import create_app
    from portal.clock import to_local
    from portal.config import Config
    from portal.extensions import db
    from portal.models import utcnow
    from portal.services.event_admin import EventDetails, create_event, publish
    from portal.services.schools import ensure_default_school

    # The limiter is one object for every app in the process: this one must not turn it on.
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=False,
                     SECRET_KEY=secrets.token_hex(32))
    with app.app_context():
        try:
            school = ensure_default_school(app.config)
            if before is not None:
                before(school)
            day = to_local(utcnow(), school.tz).date() + timedelta(days=14)
            details = EventDetails(texts={"en": (title, description)}, day=day, starts=clock(8, 0),
                                   ends=clock(9, 0), location="Library", capacity=capacity, grades=["K"])
            event = create_event(school, None, details)
            publish(event, utcnow())
            db.session.commit()
            return event.id
        finally:
            db.session.remove()
            db.engine.dispose()
