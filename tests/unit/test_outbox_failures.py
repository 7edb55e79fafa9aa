"""The outbox when something goes wrong with one message: a title with a
line break, a message that cannot be written, a sender that breaks, a
worker that dies mid-send, a database that drops the connection. Each
time the message at fault is recorded as such and every other family's
message is still delivered, to a real SMTP server on 127.0.0.1."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

import portal.public  # noqa: F401  (before the worker: see tests/unit/test_outbox.py)
from portal.extensions import db as _db
from portal.models import Campaign, MessageKind, MessageStatus, OutboxMessage, utcnow
from portal.notifications import delivery
from portal.notifications.delivery import LEASE, claim_next, send_due
from portal.notifications.email import build_email
from portal.notifications.render import Rendered
from portal.services import campaigns, outbox, registration as registration_service
from portal.text import LINE_BREAKS
from tests.servers import RecordingSender, mail_server, twilio  # noqa: F401  (fixtures)

register = registration_service.register
OTHER_FAMILIES = 17


def rows(db, **filters):
    db.session.expire_all()
    return db.session.execute(
        select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
    ).scalars().all()


def email_family(family, number, **fields):
    return family(email=f"family{number}@example.org", contact_preference="email", **fields)


@pytest.fixture
def other_families(db, make_event, family, now):
    """17 families registered by email for another event: their
    confirmations wait in the outbox."""
    event = make_event(capacity=100)
    addresses = []
    for number in range(OTHER_FAMILIES):
        registration = register(event.id, email_family(family, number), now).registration
        addresses.append(registration.email)
    db.session.commit()
    return addresses


@pytest.mark.parametrize("line_break", ["\u2028", "\r\n", "\n", "\x85", "\x0b", "\x0c", "\x1c", "\u2029"])
def test_a_title_with_a_line_break_still_goes_out_on_one_line_with_everyone_elses(
        db, make_event, family, now, other_families, mail_server, line_break):
    broken = make_event(texts={"en": (f"Math{line_break}night", "Games.")})
    register(broken.id, email_family(family, 99), now)
    db.session.commit()

    assert send_due() == {MessageStatus.SENT: OTHER_FAMILIES + 1}

    received = {envelope.rcpt_tos[0]: envelope.message for envelope in mail_server.envelopes}
    assert set(received) == set(other_families) | {"family99@example.org"}
    assert received["family99@example.org"]["Subject"] == "You are registered: Math night"
    assert {row.status for row in rows(db)} == {MessageStatus.SENT}


@pytest.mark.parametrize("line_break", sorted(LINE_BREAKS))
def test_a_header_is_cleaned_of_every_line_break_when_the_email_is_built(line_break):
    rendered = Rendered(subject=f"Reminder:{line_break}Bcc: eve@example.org", text="Hello", html="<p>Hello</p>",
                        sms="")
    email = build_email("School <school@example.org>", "family@example.org", rendered)
    assert email["Subject"] == "Reminder: Bcc: eve@example.org"
    assert email["Bcc"] is None


def test_a_message_that_cannot_be_written_fails_for_good_and_the_batch_is_delivered(
        app, db, event, family, now, other_families, mail_server):
    family_at_fault = register(event.id, email_family(family, 99), now).registration
    campaign = Campaign(event_id=event.id, texts={}, audience={}, recipients=1)  # a broken stored text
    db.session.add(campaign)
    db.session.flush()
    outbox.queue(family_at_fault, MessageKind.ORGANIZER, now, campaign_id=campaign.id)
    db.session.commit()

    assert send_due() == {MessageStatus.SENT: OTHER_FAMILIES + 1, MessageStatus.FAILED: 1}

    assert sorted(envelope.rcpt_tos[0] for envelope in mail_server.envelopes) == \
        sorted(other_families + ["family99@example.org"])  # its confirmation did go out
    [failed] = rows(db, status=MessageStatus.FAILED)
    assert (failed.kind, failed.attempts, failed.claimed_at) == (MessageKind.ORGANIZER, 1, None)
    assert failed.last_error == "could not be written (KeyError)"
    assert rows(db, status=MessageStatus.SENDING) == []
    # a second pass does not try it again
    assert send_due(now=utcnow() + timedelta(days=1)) == {}


class BrokenFor(RecordingSender):
    """A sender with a bug that shows for one recipient only."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    def send(self, *args):
        if args[0]["To"] == self.address:
            raise RuntimeError(f"unexpected answer for {self.address}")
        return super().send(*args)


def test_a_sender_that_breaks_on_one_message_leaves_it_to_retry_and_sends_the_rest(
        db, family, now, other_families):
    sender = BrokenFor(other_families[3])

    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: OTHER_FAMILIES - 1,
                                                  MessageStatus.PENDING: 1}

    assert len(sender.sent) == OTHER_FAMILIES - 1
    [retry] = rows(db, status=MessageStatus.PENDING)
    assert retry.recipient == other_families[3]
    assert retry.last_error == "email sender failed (RuntimeError)"
    assert other_families[3] not in retry.last_error
    assert retry.next_attempt_at > now


class Crash(BaseException):
    """The worker process dies (killed, out of memory) while it sends."""


class CrashAfterSending(RecordingSender):
    def __init__(self):
        super().__init__()
        self.crashed = False

    def send(self, *args):
        result = super().send(*args)
        if not self.crashed:
            self.crashed = True
            raise Crash()
        return result


def test_a_crashed_worker_leaves_its_message_to_the_next_pass_within_minutes_with_the_same_message_id(
        db, event, family, now):
    register(event.id, email_family(family, 1), now)
    register(event.id, email_family(family, 2), now)
    db.session.commit()
    sender = CrashAfterSending()

    with pytest.raises(Crash):
        send_due(now=now, senders=sender.senders())
    db.session.rollback()
    [first_copy] = sender.sent
    [claimed] = rows(db, status=MessageStatus.SENDING)
    [waiting] = rows(db, status=MessageStatus.PENDING)  # only the message being sent was claimed
    assert waiting.id != claimed.id

    # Within the lease nobody takes the claimed message; the other one goes.
    assert send_due(now=now + LEASE / 2, senders=sender.senders()) == {MessageStatus.SENT: 1}
    # Once the lease is over it is sent again, minutes later, not half an hour.
    assert send_due(now=now + LEASE + timedelta(seconds=1), senders=sender.senders()) == {MessageStatus.SENT: 1}

    copies = [mail for mail in sender.sent if mail["To"] == first_copy["To"]]
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]  # the family's mail program sees one message
    other = next(mail for mail in sender.sent if mail["To"] != first_copy["To"])
    assert other["Message-ID"] != first_copy["Message-ID"]
    assert {row.status for row in rows(db)} == {MessageStatus.SENT}


def test_claiming_takes_one_message_at_a_time(db, event, family, now):
    for _ in range(3):
        register(event.id, family(), now)
    db.session.commit()
    first = claim_next(now)
    assert [row.id for row in rows(db, status=MessageStatus.SENDING)] == [first]
    assert len(rows(db, status=MessageStatus.PENDING)) == 2


class StopWorker(Exception):
    pass


def three_families_waiting(db, event, family, now):
    for _number in range(3):
        register(event.id, family(), now)
    db.session.commit()


def run_the_loop_twice(monkeypatch, sender):
    """`send-due --loop` with `sender`, for two passes; between them, the
    lease of a message the first pass left claimed runs out. Returns what
    the passes reported."""
    monkeypatch.setattr(delivery, "email_sender", lambda config: sender)
    monkeypatch.setattr(delivery, "sms_provider", lambda config: sender)
    passes, reports = [], []

    def sleep(seconds):
        passes.append(seconds)
        if len(passes) == 2:
            raise StopWorker()
        _db.session.execute(update(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENDING)
                            .values(claimed_at=utcnow() - LEASE - timedelta(seconds=1)))
        _db.session.commit()

    with pytest.raises(StopWorker):
        delivery.run(loop=True, interval=7, report=reports.append, sleep=sleep)
    assert passes == [7, 7]
    return reports


def test_the_worker_loop_survives_a_database_that_drops_the_connection_mid_pass(
        app, db, event, family, now, monkeypatch):
    three_families_waiting(db, event, family, now)
    real_begin_write, calls = delivery.begin_write, []

    def dropping_begin_write():
        calls.append(1)
        if len(calls) == 3:  # after the first claim: while the first message is being delivered
            raise OperationalError("BEGIN", {}, Exception("server closed the connection unexpectedly"))
        return real_begin_write()

    monkeypatch.setattr(delivery, "begin_write", dropping_begin_write)
    sender = RecordingSender()

    assert run_the_loop_twice(monkeypatch, sender) == ["3 sent"]

    assert {row.status for row in rows(db)} == {MessageStatus.SENT}
    # the message being delivered when the connection dropped went once more (same Message-ID if email)
    assert len(sender.sent) == 4


def test_once_the_worker_gives_up_on_a_dropped_connection_without_loop(app, db, event, family, now, monkeypatch):
    def broken():
        raise OperationalError("BEGIN", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(delivery, "begin_write", broken)
    with pytest.raises(OperationalError):
        delivery.run(loop=False, report=lambda text: None)


# -- addresses at the SMTP server ------------------------------------------------------------

def test_the_envelope_goes_to_exactly_the_stored_address(db, event, family, now, other_families, mail_server):
    family_with_odd_name = register(event.id, email_family(family, 7, name='Eve "x", <eve@example.net>'), now)
    db.session.commit()
    send_due()
    assert sorted(envelope.rcpt_tos for envelope in mail_server.envelopes) == \
        sorted([[address] for address in other_families + [family_with_odd_name.registration.email]])


def test_a_stored_recipient_that_is_not_one_address_fails_for_good_and_reaches_no_one(
        db, event, family, now, other_families, mail_server):
    register(event.id, email_family(family, 77), now)
    db.session.commit()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "family77@example.org")
                       .values(recipient="family77@example.org,eve@example.net"))
    db.session.commit()

    assert send_due() == {MessageStatus.SENT: OTHER_FAMILIES, MessageStatus.FAILED: 1}

    assert all("eve@example.net" not in envelope.rcpt_tos for envelope in mail_server.envelopes)
    [failed] = rows(db, status=MessageStatus.FAILED)
    assert failed.last_error == "could not be written (ValueError)"


class RefusingMailbox:
    """A server that refuses one recipient and repeats the address in its answer, as many do."""

    def __init__(self, refused):
        self.refused, self.accepted = refused, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


def test_a_refused_recipient_is_recorded_without_the_address(app, db, event, family, now, monkeypatch):
    from aiosmtpd.controller import Controller

    from tests.servers import LOOPBACK, free_port, use_smtp

    register(event.id, email_family(family, 1), now)
    register(event.id, email_family(family, 2), now)
    db.session.commit()
    mailbox, port = RefusingMailbox("family1@example.org"), free_port()
    controller = Controller(mailbox, hostname=LOOPBACK, port=port, ready_timeout=5)
    controller.start()
    try:
        use_smtp(monkeypatch, app, port)
        assert send_due() == {MessageStatus.SENT: 1, MessageStatus.FAILED: 1}
    finally:
        controller.stop()
    assert mailbox.accepted == ["family2@example.org"]
    [failed] = rows(db, status=MessageStatus.FAILED)
    assert failed.last_error == "recipient refused: 550"


def test_an_error_text_keeps_no_email_address_or_phone_number():
    text = delivery.without_contacts("SMTP: (451, b'4.7.1 <ana@example.org> greylisted'); sms +1 612 555 0123 down")
    assert "ana@example.org" not in text and "612" not in text
    assert text.startswith("SMTP: (451") and "greylisted" in text


class KillsItsOwnConnection(RecordingSender):
    """While the first message is on its way, the database server ends the
    worker's connection (a restart, a failover, an idle timeout)."""

    def send(self, *args):
        result = super().send(*args)
        if len(self.sent) == 1:
            pid = _db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with _db.engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                other.commit()
        return result


def test_the_worker_loop_survives_the_server_ending_its_connection(app, db, event, family, now, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a server that ends a connection: PostgreSQL only (TEST_DATABASE_URL)")
    three_families_waiting(db, event, family, now)
    sender = KillsItsOwnConnection()

    assert run_the_loop_twice(monkeypatch, sender) == ["3 sent"]

    assert {row.status for row in rows(db)} == {MessageStatus.SENT}
    assert len(sender.sent) == 4  # the message in flight when the connection ended went once more


def test_a_text_to_a_country_not_allowed_fails_for_good_and_the_other_texts_go_out(
        app, db, event, family, now, twilio, monkeypatch):
    """A number kept from before the rule, or typed in by staff, that the
    forms would refuse now: the sender refuses it too, with no number in
    the error, and the organizers see it among what could not be delivered."""
    monkeypatch.setitem(app.config, "SMS_ALLOWED_COUNTRIES", "US CA")
    abroad = register(event.id, family(phone="+525512345678", contact_preference="sms"), now).registration
    at_home = [register(event.id, family(contact_preference="sms"), now).registration.phone for _ in range(3)]
    db.session.commit()

    assert send_due() == {MessageStatus.SENT: 3, MessageStatus.FAILED: 1}

    assert sorted(request.fields["To"] for request in twilio.received()) == sorted(at_home)
    [failed] = rows(db, status=MessageStatus.FAILED)
    assert failed.registration_id == abroad.id
    assert failed.last_error == "country not allowed for text messages"
    assert campaigns.failed_messages(event.id) == [failed]

    assert send_due(now=now + timedelta(days=2)) == {}  # never tried again
    assert len(twilio.received()) == 3


def test_a_text_to_a_country_the_setting_allows_is_sent(app, db, event, family, now, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_ALLOWED_COUNTRIES", "US MX")
    register(event.id, family(phone="+525512345678", contact_preference="sms"), now)
    db.session.commit()

    assert send_due() == {MessageStatus.SENT: 1}
    assert [request.fields["To"] for request in twilio.received()] == ["+525512345678"]
