"""`flask send-due`: write due reminders into the outbox, then claim and
deliver due messages one at a time, retrying failures with backoff. One
message that cannot be written or sent is recorded as such on that message
and never stops the others."""
import logging
import re
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..database import begin_write
from ..extensions import db
from ..models import Channel, MessageKind, MessageStatus, OutboxMessage, utcnow
from ..services import invitations, outbox
from ..services.contact import may_text
from ..vocabulary import MESSAGES_WITHOUT_REGISTRATION
from .email import EmailError, build_email, email_sender, message_id, sender_address
from .invitation_text import render_without_registration, reply_school
from .render import render
from .sms import SmsError, segments, sms_provider

log = logging.getLogger(__name__)
# Each message is claimed on its own, just before it is sent; a claim older
# than this belongs to a worker that died while sending it. Sending one
# message takes a few seconds (a slow SMTP server is given 15 seconds per
# step), so a crashed worker's message is taken up again a few minutes later.
LEASE = timedelta(minutes=2)
# What looks like an email address or a phone number in a provider's answer.
CONTACT_IN_TEXT = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+|\+?\d[\d ().-]{5,}\d")


class Unrenderable(Exception):
    """The message cannot be written (for example a broken stored text):
    sending it again would fail the same way."""

    permanent = True


class SenderFailed(Exception):
    """A sender failed in a way it did not foresee; worth another try."""

    permanent = False


def backoff(attempts):
    """1, 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def claim_next(now):
    """Mark the next due message as ours for LEASE and commit, so that no
    other worker takes it: SKIP LOCKED on PostgreSQL, the write lock on
    SQLite. Returns its id, or None when nothing is due."""
    due = (
        (OutboxMessage.next_attempt_at <= now)
        & or_(OutboxMessage.status == MessageStatus.PENDING,
              (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.claimed_at < now - LEASE))
    )
    session = db.session
    begin_write()
    claimed = session.execute(
        select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1).with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if claimed is not None:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == claimed)
            .values(status=MessageStatus.SENDING, claimed_at=now)
        )
    session.commit()
    return claimed


def school_of(message):
    """The school a message speaks for; None for a reply to a number no school knows."""
    if message.registration is not None:
        return message.registration.event.school
    if message.invitation is not None:
        return message.invitation.event.school
    return reply_school(message)


def _has_subject(message):
    """Whether what the message is about still exists: the family's data may have been erased since."""
    if message.kind in MESSAGES_WITHOUT_REGISTRATION:
        return message.kind == MessageKind.SMS_REPLY or message.invitation is not None
    return message.registration is not None


def _write(message, config):
    """The message as its sender takes it: an email, or an SMS text."""
    try:
        if message.kind in MESSAGES_WITHOUT_REGISTRATION:
            rendered = render_without_registration(message)
        else:
            rendered = render(message)
        if message.channel != Channel.EMAIL:
            return rendered.sms
        sender = sender_address(config, school_of(message).name)
        return build_email(sender, message.recipient, rendered, rendered.unsubscribe_url,
                           message_id(message.id, message.created_at, config["MAIL_FROM"]))
    except DBAPIError:
        raise  # the database, not the message: the pass stops and the lease runs out
    except Exception as error:
        log.exception("message %s could not be written", message.id)
        raise Unrenderable(f"could not be written ({type(error).__name__})") from None


def _deliver(message, config, senders):
    if outbox.is_suppressed(message.channel, message.recipient):
        return MessageStatus.SUPPRESSED, "", 0
    if message.kind == MessageKind.FOLLOW_UP and not invitations.follow_up_still_wanted(message):
        return MessageStatus.SUPPRESSED, "", 0  # the household answered after the follow-up was planned
    school = school_of(message)
    if message.channel == Channel.SMS and not may_text(
            message.recipient, school.country if school else None, config["SMS_ALLOWED_COUNTRIES"]):
        # A number kept from before the rule, or typed in by staff: the forms
        # refuse it, and so does the sender, for as long as the rule holds.
        raise SmsError("country not allowed for text messages", permanent=True)
    written = _write(message, config)
    try:
        if message.channel == Channel.EMAIL:
            return MessageStatus.SENT, senders[Channel.EMAIL].send(written) or "", 0
        return MessageStatus.SENT, senders[Channel.SMS].send(message.recipient, written) or "", len(segments(written))
    except (EmailError, SmsError):
        raise
    except Exception as error:
        log.exception("message %s: the %s sender failed", message.id, message.channel)
        raise SenderFailed(f"{message.channel} sender failed ({type(error).__name__})") from None


def deliver(message_id, senders, now):
    message = db.session.get(OutboxMessage, message_id)
    config = current_app.config
    failure = None
    try:
        if not _has_subject(message) or not message.recipient:
            status, provider_id, parts = MessageStatus.SUPPRESSED, "", 0  # the family's data was erased
        else:
            status, provider_id, parts = _deliver(message, config, senders)
    except (EmailError, SmsError, Unrenderable, SenderFailed) as error:
        failure = error
    # What was read to render the message is stale now: record the outcome
    # in a fresh write transaction.
    db.session.rollback()
    begin_write()
    if failure is not None:
        return _record_failure(message, failure, config, now)
    message.status, message.provider_id, message.segments = status, provider_id[:100], parts
    message.attempts += 1
    message.sent_at = now if status == MessageStatus.SENT else None
    if status == MessageStatus.SENT:
        invitations.mark_follow_up_sent(message, now)
    message.claimed_at = None
    message.last_error = ""
    if message.payload and "token" in message.payload:
        message.payload = {}  # the manage link has been delivered; keep no copy of it
    db.session.commit()
    return status


def _record_failure(message, error, config, now):
    message.attempts += 1
    message.last_error = without_contacts(str(error))[:500]
    if error.permanent or message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = MessageStatus.FAILED
        log.warning("message %s (%s) failed for good after %s attempts", message.id, message.channel,
                    message.attempts)
    else:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
    message.claimed_at = None
    db.session.commit()
    return message.status


def without_contacts(text):
    """An error as kept on the message and shown to organizers: with no
    email address or phone number in it, so that forgetting a family
    leaves none behind."""
    return CONTACT_IN_TEXT.sub("…", text)


def send_due(now=None, senders=None):
    """One pass: schedule reminders, then deliver what is due. Returns a
    count per outcome."""
    config = current_app.config
    senders = senders or {Channel.EMAIL: email_sender(config), Channel.SMS: sms_provider(config)}
    now = now or utcnow()
    begin_write()
    outbox.schedule_reminders(now)
    db.session.commit()
    outcome = {}
    while (claimed := claim_next(now)) is not None:
        status = deliver(claimed, senders, now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def run(loop=False, interval=10, report=print, sleep=time.sleep):
    """`flask send-due`: one pass, or (loop) a pass every `interval` seconds
    for as long as the process lives. A pass that loses the database (a
    restart, a dropped connection) is given up and the next one starts
    afresh: the messages it had claimed are taken up again when their lease
    ends."""
    while True:
        try:
            outcome = send_due()
        except SQLAlchemyError as error:
            if not loop:
                raise
            db.session.remove()
            log.warning("send-due: the database failed during a pass (%s); trying again in %s s",
                        type(error).__name__, interval)
        else:
            if outcome or not loop:
                report(", ".join(f"{count} {status}" for status, count in sorted(outcome.items()))
                       or "Nothing to send.")
        if not loop:
            return
        db.session.remove()
        sleep(interval)
