"""`flask send-due`: write due reminders into the outbox, then claim and
deliver due messages, retrying failures with backoff."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..database import begin_write
from ..extensions import db
from ..models import MessageStatus, OutboxMessage, utcnow
from ..services import notify
from .email import EmailError, build_email, email_sender, sender_address
from .render import render
from .sms import SmsError, segments, sms_provider

log = logging.getLogger(__name__)
# A claim older than this belongs to a worker that died mid-send. A batch of
# BATCH messages, each allowed about 15 seconds by a slow server, ends well
# before it.
STALE_CLAIM = timedelta(minutes=30)
BATCH = 20


def backoff(attempts):
    """1, 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def claim_due(now, limit):
    """Mark up to `limit` due messages as ours and commit, so that no other
    worker takes them: SKIP LOCKED on PostgreSQL, the write lock on SQLite."""
    due = (
        (OutboxMessage.next_attempt_at <= now)
        & or_(OutboxMessage.status == MessageStatus.PENDING,
              (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM))
    )
    session = db.session
    begin_write()
    ids = session.execute(
        select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit).with_for_update(skip_locked=True)
    ).scalars().all()
    if ids:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(status=MessageStatus.SENDING, claimed_at=now)
        )
    session.commit()
    return ids


def _deliver(message, config, senders):
    if notify.is_suppressed(message.channel, message.recipient):
        return MessageStatus.SUPPRESSED, "", 0
    rendered = render(message)
    if message.channel == "email":
        email = build_email(sender_address(config, message.registration.event.school.name),
                            message.recipient, rendered, rendered.unsubscribe_url)
        return MessageStatus.SENT, senders["email"].send(email) or "", 0
    parts = segments(rendered.sms)
    return MessageStatus.SENT, senders["sms"].send(message.recipient, rendered.sms) or "", len(parts)


def deliver(message_id, senders, now):
    message = db.session.get(OutboxMessage, message_id)
    config = current_app.config
    failure = None
    try:
        if message.registration is None or not message.recipient:
            status, provider_id, parts = MessageStatus.SUPPRESSED, "", 0  # the family's data was erased
        else:
            status, provider_id, parts = _deliver(message, config, senders)
    except (EmailError, SmsError) as error:
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
    message.claimed_at = None
    message.last_error = ""
    if message.payload and "token" in message.payload:
        message.payload = {}  # the manage link has been delivered; keep no copy of it
    db.session.commit()
    return status


def _record_failure(message, error, config, now):
    message.attempts += 1
    message.last_error = str(error)[:500]
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


def send_due(batch=BATCH, now=None, senders=None):
    """One pass: schedule reminders, then deliver what is due. Returns a
    count per outcome."""
    config = current_app.config
    senders = senders or {"email": email_sender(config), "sms": sms_provider(config)}
    now = now or utcnow()
    begin_write()
    notify.schedule_reminders(now)
    db.session.commit()
    outcome = {}
    while True:
        ids = claim_due(now, batch)
        if not ids:
            break
        for message_id in ids:
            status = deliver(message_id, senders, now)
            outcome[status] = outcome.get(status, 0) + 1
        if len(ids) < batch:
            break
    return outcome
