"""The outbox: messages queued in the caller's transaction, rendered in the
family's language, delivered to a real SMTP server and a stand-in for
Twilio on 127.0.0.1, retried with backoff, reminders written once each,
and two workers never sending the same message twice."""
import math
import subprocess
import sys
import threading
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select, update

import portal.public  # noqa: F401  (first: see test_the_worker_module_imports_on_its_own)
from portal.clock import to_local, to_utc
from portal.extensions import db as _db
from portal.i18n import format_day, format_moment, format_time_range
from portal.models import MessageKind, MessageStatus, OutboxMessage, Registration, RegistrationStatus, utcnow
from portal.notifications.delivery import send_due
from portal.notifications.render import isolated, render
from portal.notifications.sms import is_gsm7, segments
from portal.services import event_admin, registration as registration_service
from portal.services.errors import RegistrationError
from portal.services.event_admin import EventDetails
from tests.conftest import TEST_DATABASE_URL
from tests.servers import (  # noqa: F401  (fixtures)
    TWILIO_NUMBER,
    TWILIO_SID,
    TWILIO_TOKEN,
    RecordingSender,
    mail_server,
    twilio,
)
from tests.threads import run_together

register = registration_service.register

TITLES = {
    "en": ("Math games night", "Play the games your child plays in class."),
    "es": ("Noche de juegos de matemáticas", "Juegue los juegos que su hijo juega en clase."),
    "vi": ("Đêm trò chơi toán học", "Chơi các trò chơi mà con bạn chơi trong lớp."),
    "ar": ("أمسية ألعاب الرياضيات", "العبوا الألعاب التي يلعبها طفلكم في الصف."),
}
SMS_TEXT = {
    MessageKind.CONFIRMATION: "%(school)s: you are registered for %(title)s, %(when)s. Code: %(code)s. See or change: %(link)s",
    MessageKind.CHANGED: "%(school)s: new time or place for %(title)s: %(when)s, %(place)s",
    MessageKind.CANCELLED: "%(school)s: sorry, we cancelled %(title)s (%(when)s).",
    MessageKind.PROMOTED: "%(school)s: good news, you now have a place at %(title)s, %(when)s. Code: %(code)s",
}
REPLY_STOP = "Reply STOP to stop messages."
RTL_MARK = {"ar": "\u200f"}  # right-to-left texts start with it


def catalog(app, language, message, **params):
    """The catalog's text for `message` in `language` (English when untranslated)."""
    with app.test_request_context(), force_locale(language):
        return gettext(message, **params)


def messages(db, **filters):
    db.session.expire_all()
    return db.session.execute(
        select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
    ).scalars().all()


def outbox_count(db):
    return db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def mark_all_sent(db):
    db.session.execute(update(OutboxMessage).values(status=MessageStatus.SENT))
    db.session.commit()


def manage_link(app, token):
    return app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{token}"


def ucs2_parts(text):
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def local_evening(school, days, hour=18):
    """UTC naive time of `hour`:00 in the school's timezone, `days` from today."""
    day = to_local(utcnow(), school.tz).date() + timedelta(days=days)
    return to_utc(day, time(hour), school.tz)


def test_the_worker_module_imports_on_its_own():
    result = subprocess.run([sys.executable, "-c", "import portal.notifications.delivery"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-500:]


# -- email over a real SMTP server ------------------------------------------------------

def test_vietnamese_confirmation_arrives_by_smtp_with_link_and_calendar(app, db, client, make_event, family,
                                                                      now, mail_server):
    event = make_event(texts=TITLES)
    school = event.school
    registered = register(event.id, family(language="vi", name="Nguyễn Thị Lan", email="lan.nguyen@example.org",
                                           contact_preference="email", children=1, childcare_children=1), now)
    db.session.commit()
    registration, token = registered.registration, registered.token
    [queued] = messages(db)
    assert (queued.kind, queued.channel, queued.recipient, queued.language) == (
        MessageKind.CONFIRMATION, "email", "lan.nguyen@example.org", "vi")
    assert queued.payload == {"token": token}

    assert send_due() == {MessageStatus.SENT: 1}

    [envelope] = mail_server.envelopes
    assert envelope.rcpt_tos == ["lan.nguyen@example.org"]
    assert envelope.mail_from == app.config["MAIL_FROM"]
    mail = envelope.message
    assert mail["Subject"] == catalog(app, "vi", "You are registered: %(title)s", title="Đêm trò chơi toán học")
    assert mail["To"] == "lan.nguyen@example.org"
    assert school.name in mail["From"]
    assert mail["List-Unsubscribe"].startswith("<") and "/unsubscribe/" in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    link = manage_link(app, token)
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (plain, html):
        assert catalog(app, "vi", "Hello %(name)s,", name="Nguyễn Thị Lan") in body
        assert "Đêm trò chơi toán học" in body
        assert registration.checkin_code in body
        assert format_day(event.starts_at, school.tz, "vi") in body  # the date in Vietnamese
    assert catalog(app, "vi", "See, change or cancel your registration: %(url)s", url=link) in plain
    assert f'href="{link}"' in html
    assert '<html lang="vi" dir="ltr">' in html

    [calendar] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert calendar.get_filename() == "event.ics"
    # RFC 5545: an iCalendar stream is UTF-8 (see test_the_calendar_attachment_declares_its_charset)
    ics = calendar.get_payload(decode=True).decode("utf-8").replace("\r\n ", "")  # unfold long lines
    assert "BEGIN:VTIMEZONE" in ics and "TZID:America/Chicago" in ics
    start = to_local(event.starts_at, school.tz).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=America/Chicago:{start}" in ics
    assert "SUMMARY;LANGUAGE=vi:Đêm trò chơi toán học" in ics
    assert link in ics

    # the link in the email opens the family's registration
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "Nguyễn Thị Lan" in page.get_data(as_text=True)

    [sent] = messages(db)
    assert sent.status == MessageStatus.SENT
    assert sent.attempts == 1 and sent.last_error == "" and sent.sent_at is not None
    assert sent.provider_id == mail["Message-ID"]
    assert sent.payload == {} and token not in str(sent.payload)


def test_the_calendar_attachment_declares_its_charset(app, db, make_event, family, now, mail_server):
    event = make_event(texts=TITLES)
    register(event.id, family(language="vi", email="lan@example.org", contact_preference="email"), now)
    db.session.commit()
    send_due()
    [mail] = mail_server.messages
    [calendar] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert calendar.get_content_charset() == "utf-8"
    assert "SUMMARY;LANGUAGE=vi:Đêm trò chơi toán học" in calendar.get_content()


def test_an_email_family_without_the_email_preference_still_gets_email_when_no_phone(db, event, family, now):
    register(event.id, family(phone=None, email="only.email@example.org", contact_preference="sms"), now)
    db.session.commit()
    [queued] = messages(db)
    assert (queued.channel, queued.recipient) == ("email", "only.email@example.org")


# -- SMS through the Twilio stand-in ----------------------------------------------------

def test_spanish_confirmation_is_posted_to_twilio(app, db, event, family, now, twilio):
    school = event.school
    registered = register(event.id, family(language="es", name="María González"), now)
    db.session.commit()
    registration, token = registered.registration, registered.token

    assert send_due() == {MessageStatus.SENT: 1}

    [request] = twilio.received()
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.basic_auth == (TWILIO_SID, TWILIO_TOKEN)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.fields["To"] == registration.phone
    assert request.fields["From"] == TWILIO_NUMBER
    body = request.fields["Body"]
    title = TITLES["es"][0]
    expected = catalog(app, "es", SMS_TEXT[MessageKind.CONFIRMATION], school=school.name, title=title,
                       when=format_moment(event.starts_at, school.tz, "es", with_year=False), code=registration.checkin_code,
                       link=manage_link(app, token)) + " " + catalog(app, "es", REPLY_STOP)
    assert body == expected
    assert registration.checkin_code in body and manage_link(app, token) in body and title in body
    assert format_moment(event.starts_at, school.tz, "es", with_year=False) in body  # the date as Spanish readers write it

    [sent] = messages(db)
    assert sent.status == MessageStatus.SENT
    assert sent.provider_id.startswith("SM")
    assert not is_gsm7(body)  # "á" is not in the GSM alphabet: the whole text goes as UCS-2
    assert sent.segments == len(segments(body)) == ucs2_parts(body)
    assert sent.segments >= 3  # ~200 characters: 3 UCS-2 parts (2 had it been GSM-7)
    assert sent.payload == {}


def test_an_english_sms_with_a_plain_text_is_sent_as_gsm7(app, db, make_event, family, now, twilio):
    event = make_event(texts={"en": TITLES["en"]})
    register(event.id, family(language="en", name="Sam Lee"), now)
    db.session.commit()
    send_due()
    [request] = twilio.received()
    body = request.fields["Body"]
    assert is_gsm7(body), [ch for ch in body if not is_gsm7(ch)]
    assert messages(db)[0].segments == len(segments(body)) <= 2


@pytest.mark.parametrize("status", [400, 404])
def test_a_4xx_answer_fails_the_sms_for_good(db, event, family, now, twilio, status):
    register(event.id, family(language="es"), now)
    db.session.commit()
    twilio.status = status
    start = utcnow()

    assert send_due(now=start) == {MessageStatus.FAILED: 1}
    [message] = messages(db)
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert str(status) in message.last_error

    twilio.status = 201
    assert send_due(now=start + timedelta(days=2)) == {}
    assert len(twilio.received()) == 1  # never tried again
    assert messages(db)[0].status == MessageStatus.FAILED


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_5xx_or_429_answer_retries_with_backoff(db, event, family, now, twilio, status):
    register(event.id, family(language="es"), now)
    db.session.commit()
    twilio.status = status
    start = utcnow()

    assert send_due(now=start) == {MessageStatus.PENDING: 1}
    [message] = messages(db)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert str(status) in message.last_error
    assert message.next_attempt_at == start + timedelta(minutes=1)
    assert message.claimed_at is None

    # not due yet: nothing is tried
    assert send_due(now=start + timedelta(seconds=59)) == {}
    assert len(twilio.received()) == 1

    # fails again: the wait doubles
    second = start + timedelta(minutes=1)
    assert send_due(now=second) == {MessageStatus.PENDING: 1}
    assert messages(db)[0].next_attempt_at == second + timedelta(minutes=2)

    twilio.status = 201
    third = second + timedelta(minutes=2)
    assert send_due(now=third) == {MessageStatus.SENT: 1}
    [message] = messages(db)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert message.sent_at == third
    assert len(twilio.received()) == 3


def test_after_the_last_attempt_the_sms_is_failed(app, db, event, family, now, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    register(event.id, family(), now)
    db.session.commit()
    twilio.status = 503
    moment = utcnow()
    outcomes = []
    for _ in range(4):
        outcomes.append(send_due(now=moment))
        moment += timedelta(hours=7)  # longer than the longest backoff
    assert outcomes == [{MessageStatus.PENDING: 1}, {MessageStatus.PENDING: 1}, {MessageStatus.FAILED: 1}, {}]
    [message] = messages(db)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert len(twilio.received()) == 3


# -- queued with the change that causes it, or not at all --------------------------------

def test_a_registration_and_its_confirmation_are_committed_together(db, event, family, now):
    registered = register(event.id, family(), now)
    db.session.commit()
    [message] = messages(db)
    assert message.registration_id == registered.registration.id
    assert message.kind == MessageKind.CONFIRMATION
    assert message.status == MessageStatus.PENDING


def test_a_waitlisted_family_gets_the_waitlist_notice_with_its_link(db, make_event, family, now):
    event = make_event(capacity=2)
    register(event.id, family(adults=2), now)
    waiting = register(event.id, family(adults=2), now)
    db.session.commit()
    assert waiting.registration.status == RegistrationStatus.WAITLISTED
    [notice] = messages(db, registration_id=waiting.registration.id)
    assert notice.kind == MessageKind.WAITLISTED
    assert notice.payload == {"token": waiting.token}


@pytest.mark.parametrize("problem, fields", [
    ("name_missing", dict(name=" ")),
    ("contact_missing", dict(phone=None, email=None)),
    ("childcare_more_than_children", dict(children=0, childcare_children=2)),
])
def test_a_refused_registration_queues_nothing(db, event, family, now, problem, fields):
    with pytest.raises(RegistrationError) as refused:
        register(event.id, family(**fields), now)
    assert refused.value.code == problem
    db.session.rollback()
    assert outbox_count(db) == 0


def test_a_refused_second_registration_of_the_same_contact_queues_nothing_for_it(db, event, family, now):
    register(event.id, family(phone="+16125550777"), now)
    db.session.commit()
    with pytest.raises(RegistrationError) as refused:
        register(event.id, family(phone="+16125550777"), now)
    assert refused.value.code == "already_registered"
    db.session.rollback()
    assert outbox_count(db) == 1


def test_a_registration_for_a_past_event_queues_nothing(db, make_event, family, now):
    event = make_event(days=-1)
    with pytest.raises(RegistrationError):
        register(event.id, family(), now)
    db.session.rollback()
    assert outbox_count(db) == 0


def test_a_rolled_back_transaction_leaves_no_registration_and_no_outbox_row(db, event, family, now):
    registered = register(event.id, family(), now)
    db.session.flush()
    assert outbox_count(db) == 1  # visible inside the transaction
    db.session.rollback()
    assert outbox_count(db) == 0
    assert db.session.execute(select(func.count()).select_from(Registration)).scalar_one() == 0
    assert registration_service.find_by_token(registered.token) is None


def test_a_cancellation_queues_the_promotion_of_the_next_family(app, db, make_event, family, now):
    event = make_event(capacity=2)
    first = register(event.id, family(adults=2), now).registration
    waiting = register(event.id, family(adults=1, language="es"), now).registration
    db.session.commit()
    mark_all_sent(db)

    registration_service.cancel_registration(first.id, now)
    db.session.commit()
    [promoted] = messages(db, status=MessageStatus.PENDING)
    assert (promoted.kind, promoted.registration_id) == (MessageKind.PROMOTED, waiting.id)
    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 1}
    [(to, body)] = sender.sent
    school = event.school
    assert to == waiting.phone
    assert body == catalog(app, "es", SMS_TEXT[MessageKind.PROMOTED], school=school.name, title=TITLES["es"][0],
                           when=format_moment(event.starts_at, school.tz, "es", with_year=False), code=waiting.checkin_code)


# -- reminders -----------------------------------------------------------------------------

def reminders(db, registration_id=None):
    filters = {"kind": MessageKind.REMINDER}
    if registration_id is not None:
        filters["registration_id"] = registration_id
    return messages(db, **filters)


def test_reminders_go_once_24_hours_and_once_2_hours_before(app, db, school, make_event, family):
    assert school.reminder_offsets == [24, 2]  # the school's reminder_hours "24 2"
    starts = utcnow().replace(microsecond=0) + timedelta(hours=23)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=3)
    later_event = make_event(days=3)
    registered_at = starts - timedelta(hours=23)
    confirmed = register(event.id, family(adults=2), registered_at).registration
    gone = register(event.id, family(adults=1), registered_at).registration
    waiting = register(event.id, family(adults=2), registered_at).registration
    registration_service.cancel_registration(gone.id, registered_at)
    in_three_days = register(later_event.id, family(), registered_at).registration
    db.session.commit()
    assert waiting.status == RegistrationStatus.WAITLISTED
    mark_all_sent(db)  # the confirmations: from here on the sender only sees reminders
    sender = RecordingSender()

    for minutes in (0, 1, 30, 60 * 5):
        send_due(now=registered_at + timedelta(minutes=minutes), senders=sender.senders())
    [day_before] = reminders(db)
    assert day_before.registration_id == confirmed.id
    assert day_before.payload == {"hours": 24}
    assert day_before.status == MessageStatus.SENT
    assert len(sender.sent) == 1
    to, body = sender.sent[0]
    assert to == confirmed.phone
    assert body == catalog(app, "en", "%(school)s: reminder of %(title)s, %(when)s, %(place)s. Code: %(code)s",
                           school=school.name, title=TITLES["en"][0],
                           when=format_moment(starts, school.tz, "en", with_year=False).replace("\u202f", " "), place=event.location,
                           code=confirmed.checkin_code)

    two_hours_before = starts - timedelta(hours=1, minutes=59)
    for minutes in (0, 1, 10, 60):
        send_due(now=two_hours_before + timedelta(minutes=minutes), senders=sender.senders())
    assert [(m.payload, m.status) for m in reminders(db, confirmed.id)] == [
        ({"hours": 24}, MessageStatus.SENT), ({"hours": 2}, MessageStatus.SENT)]
    assert len(sender.sent) == 2
    assert reminders(db, waiting.id) == [] and reminders(db, gone.id) == []
    assert reminders(db, in_three_days.id) == []  # not yet: it is more than 24 hours away


def test_a_family_registering_an_hour_before_gets_only_the_2_hour_reminder(db, make_event, family):
    starts = utcnow().replace(microsecond=0) + timedelta(minutes=90)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=1))
    registration = register(event.id, family(), utcnow()).registration
    db.session.commit()
    mark_all_sent(db)
    sender = RecordingSender()
    send_due(senders=sender.senders())
    send_due(senders=sender.senders())
    rows = {m.payload["hours"]: m.status for m in reminders(db, registration.id)}
    assert rows == {2: MessageStatus.SENT, 24: MessageStatus.SUPPRESSED}
    assert len(sender.sent) == 1


def test_no_reminder_for_a_cancelled_event_or_after_the_start(db, make_event, family):
    starts = utcnow().replace(microsecond=0) + timedelta(hours=20)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=1))
    register(event.id, family(), utcnow())
    db.session.commit()
    event_admin.cancel(event, utcnow())
    db.session.commit()
    mark_all_sent(db)
    sender = RecordingSender()
    send_due(senders=sender.senders())
    send_due(now=starts + timedelta(minutes=5), senders=sender.senders())
    assert reminders(db) == [] and sender.sent == []


class RacingSender(RecordingSender):
    """Records like RecordingSender; the first send of each worker thread
    waits until every worker is sending too, so that their writes that
    follow really overlap (not merely might)."""

    def __init__(self):
        super().__init__()
        self.arm(1)

    def arm(self, workers):
        self._barrier = threading.Barrier(workers, timeout=1)
        self._waited = set()

    def send(self, *args):
        result = super().send(*args)
        me = threading.get_ident()
        if me not in self._waited:
            self._waited.add(me)
            try:
                self._barrier.wait()
            except threading.BrokenBarrierError:
                pass  # the other worker had nothing to send
        return result


ON_SQLITE = not TEST_DATABASE_URL or TEST_DATABASE_URL.startswith("sqlite")
SQLITE_WRITE_AFTER_READ = (
    "portal/notifications/delivery.py deliver() (and outbox.schedule_reminders): on SQLite the session "
    "starts a deferred transaction, reads (db.session.get / the SELECT of due reminders), and only then "
    "writes (the outcome UPDATE at db.session.commit(), the INSERT ... ON CONFLICT of reminders). "
    "Upgrading that read transaction to a write fails at once with 'database is locked' "
    "(SQLITE_BUSY_SNAPSHOT, busy_timeout does not apply) whenever another connection committed since "
    "the read began: another worker, or a web request registering a family. send_due() raises after the "
    "provider already accepted the message; the row stays 'sending', and after the claim's lease "
    "it is claimed and sent again, so the family gets it twice. The outcome should be written in a "
    "transaction begun with BEGIN IMMEDIATE (as claim_next and lock_row do), after the send.")
def sqlite_write_after_read(test):
    return test


@sqlite_write_after_read
@pytest.mark.parametrize("workers", [2, 4])
def test_workers_running_at_once_send_each_reminder_exactly_once(app, db, make_event, family, workers):
    starts = utcnow().replace(microsecond=0) + timedelta(hours=23)
    registered_at = starts - timedelta(hours=23)
    ids = []
    for _event in range(2):
        event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=50)
        for number in range(6):
            details = family(email=f"family{len(ids)}@example.org", contact_preference="email") if number % 2 \
                else family()
            ids.append(register(event.id, details, registered_at).registration.id)
    db.session.commit()
    mark_all_sent(db)  # the confirmations: from here on the workers only send reminders
    sender = RacingSender()

    for moment in (registered_at, starts - timedelta(hours=1, minutes=59)):
        for _round in range(2):
            sender.arm(workers)
            failures, _results = run_together(
                app, [lambda moment=moment: send_due(now=moment, senders=sender.senders())] * workers)
            assert failures == []

    sent = sender.sent
    assert len(sent) == 2 * len(ids)
    recipients = [item[0] if isinstance(item, tuple) else item["To"] for item in sent]
    assert all(recipients.count(address) == 2 for address in recipients)
    rows = reminders(db)
    assert len(rows) == 2 * len(ids)
    assert {m.status for m in rows} == {MessageStatus.SENT}
    assert {m.attempts for m in rows} == {1}
    assert sorted((m.registration_id, m.payload["hours"]) for m in rows) == sorted(
        [(i, 24) for i in ids] + [(i, 2) for i in ids])


@sqlite_write_after_read
def test_workers_running_at_once_deliver_a_shared_outbox_once(app, db, event, family, now):
    ids = [register(event.id, family(), now).registration.id for _ in range(15)]
    db.session.commit()
    sender = RacingSender()
    sender.arm(3)
    failures, results = run_together(app, [lambda: send_due(senders=sender.senders())] * 3)
    assert failures == []
    assert sum(result.get(MessageStatus.SENT, 0) for result in results) == len(ids)
    assert sorted(to for to, _body in sender.sent) == sorted(db.session.get(Registration, i).phone for i in ids)


class SenderWithTraffic(RecordingSender):
    """While the first message is on its way, a web request commits a new
    registration (in its own thread, app context and connection)."""

    def __init__(self, app, write):
        super().__init__()
        self.app, self.write = app, write

    def send(self, *args):
        result = super().send(*args)
        if len(self.sent) == 1:
            thread = threading.Thread(target=self._write)
            thread.start()
            thread.join(30)
        return result

    def _write(self):
        with self.app.app_context():
            try:
                self.write()
                _db.session.commit()
            finally:
                _db.session.remove()


@sqlite_write_after_read
def test_a_registration_committed_while_the_worker_sends_neither_crashes_it_nor_sends_twice(
        app, db, event, family, now):
    first = register(event.id, family(), now).registration
    db.session.commit()
    first_phone, event_id = first.phone, event.id
    sender = SenderWithTraffic(app, lambda: register(event_id, family(), utcnow()))

    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 1}
    # later passes: the new family's confirmation, and nothing sent twice
    assert send_due(now=utcnow() + timedelta(minutes=15), senders=sender.senders()) == {MessageStatus.SENT: 1}
    assert send_due(now=utcnow() + timedelta(hours=1), senders=sender.senders()) == {}

    assert [to for to, _body in sender.sent].count(first_phone) == 1
    assert len(sender.sent) == 2
    assert {m.status for m in messages(db)} == {MessageStatus.SENT}


# -- event changes, in each family's language -----------------------------------------------

def details_of(event, starts=None, ends=None, **changes):
    tz = event.school.tz
    start, end = to_local(event.starts_at, tz), to_local(event.ends_at, tz)
    values = dict(
        texts={text.language: (text.title, text.description) for text in event.texts},
        day=start.date(), starts=starts or start.time(), ends=ends or end.time(), location=event.location,
        capacity=event.capacity, grades=list(event.grades), offers_childcare=event.offers_childcare,
        childcare_capacity=event.childcare_capacity, interpreter_languages=event.interpreter_languages.split(),
        offers_transportation=event.offers_transportation, offers_meal=event.offers_meal,
    )
    values.update(changes)
    return EventDetails(**values)


@pytest.fixture
def changing_event(db, school, make_event, family, now):
    """An evening event with a Spanish family (confirmed), an Arabic family
    (waitlisted) and an English family who cancelled."""
    starts = local_evening(school, days=7)
    event = make_event(texts=TITLES, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=2)
    spanish = register(event.id, family(language="es", adults=2, email="familia@example.org",
                                        contact_preference="email"), now).registration
    arabic = register(event.id, family(language="ar", adults=1, children=1), now).registration
    english = register(event.id, family(language="en", adults=1), now).registration
    registration_service.cancel_registration(english.id, now)
    db.session.commit()
    assert (spanish.status, arabic.status, english.status) == (
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED)
    mark_all_sent(db)
    return event, {"es": spanish, "ar": arabic, "en": english}


def test_moving_the_time_tells_confirmed_and_waitlisted_families_in_their_language(app, db, changing_event, now):
    event, families = changing_event
    change = event_admin.update_event(event.id, details_of(event, starts=time(19), ends=time(21)), now)
    db.session.commit()
    assert change.moved
    notices = messages(db, kind=MessageKind.CHANGED)
    assert sorted(m.registration_id for m in notices) == sorted([families["es"].id, families["ar"].id])
    event = db.session.get(type(event), event.id)
    school = event.school
    assert to_local(event.starts_at, school.tz).time() == time(19)

    by_language = {m.language: m for m in notices}
    spanish, arabic = render(by_language["es"]), render(by_language["ar"])
    for language, rendered in (("es", spanish), ("ar", arabic)):
        title = TITLES[language][0]
        assert rendered.subject == catalog(app, language, "New time or place: %(title)s", title=title)
        assert catalog(app, language, "The event has a new time or place. Here are the details now.") in rendered.text
        assert format_day(event.starts_at, school.tz, language) in rendered.text
        assert format_time_range(event.starts_at, event.ends_at, school.tz, language) in rendered.text
        assert rendered.sms == RTL_MARK.get(language, "") + catalog(
            app, language, SMS_TEXT[MessageKind.CHANGED], school=school.name, title=title,
                                       when=format_moment(event.starts_at, school.tz, language, with_year=False),
                                       place=isolated(event.location, "en", language))
    assert '<html lang="es" dir="ltr">' in spanish.html
    assert '<html lang="ar" dir="rtl">' in arabic.html
    assert spanish.subject != arabic.subject and spanish.sms != arabic.sms
    # the Spanish family reads email: the new time comes with a calendar file
    start = to_local(event.starts_at, school.tz).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=America/Chicago:{start}".encode() in spanish.ics
    assert by_language["es"].channel == "email" and by_language["ar"].channel == "sms"


def test_an_edit_that_keeps_the_time_and_place_tells_no_one(db, changing_event, now):
    event, _families = changing_event
    texts = {language: (title, "A new description") for language, (title, _d) in TITLES.items()}
    change = event_admin.update_event(event.id, details_of(event, texts=texts), now)
    db.session.commit()
    assert not change.moved
    assert messages(db, kind=MessageKind.CHANGED) == []


def test_cancelling_the_event_tells_confirmed_and_waitlisted_families(app, db, changing_event, now):
    event, families = changing_event
    event_admin.cancel(event, now)
    db.session.commit()
    notices = messages(db, kind=MessageKind.CANCELLED)
    assert sorted(m.registration_id for m in notices) == sorted([families["es"].id, families["ar"].id])
    school = event.school
    for message in notices:
        rendered = render(message)
        title = TITLES[message.language][0]
        assert rendered.subject == catalog(app, message.language, "Cancelled: %(title)s", title=title)
        assert rendered.sms == RTL_MARK.get(message.language, "") + catalog(
            app, message.language, SMS_TEXT[MessageKind.CANCELLED], school=school.name,
                                       title=title, when=format_moment(event.starts_at, school.tz, message.language, with_year=False))
        assert rendered.ics is None
        assert message.registration.checkin_code not in rendered.text
    event_admin.cancel(event, now)  # a second cancel changes nothing
    db.session.commit()
    assert len(messages(db, kind=MessageKind.CANCELLED)) == 2
