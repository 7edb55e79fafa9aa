"""Queueing messages to families. Each message is a row written in the
caller's transaction, so a registration and its confirmation are committed
together or not at all; `flask send-due` renders and delivers them."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import (
    Channel,
    Event,
    EventStatus,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    School,
    Suppression,
)

# How far ahead reminders are written into the outbox: the longest offset a
# school may choose, plus a margin for a worker that was down for a while.
REMINDER_LOOKAHEAD = timedelta(days=15)


def channel_for(registration):
    """(channel, address) the family asked for, or None without a contact."""
    if registration.contact_preference == Channel.EMAIL and registration.email:
        return Channel.EMAIL, registration.email
    if registration.phone:
        return Channel.SMS, registration.phone
    if registration.email:
        return Channel.EMAIL, registration.email
    return None


def queue(registration, kind, now, payload=None, dedupe_key=None, campaign_id=None):
    route = channel_for(registration)
    if route is None:
        return None
    channel, recipient = route
    message = OutboxMessage(
        registration_id=registration.id, event_id=registration.event_id, campaign_id=campaign_id,
        kind=kind, channel=channel, recipient=recipient, language=registration.language,
        payload=payload or {}, next_attempt_at=now, dedupe_key=dedupe_key, created_at=now,
    )
    db.session.add(message)
    return message


def queue_registered(registration, token, now):
    """Confirmation, or the waitlist notice, with the manage link."""
    kind = MessageKind.CONFIRMATION if registration.status == RegistrationStatus.CONFIRMED \
        else MessageKind.WAITLISTED
    return queue(registration, kind, now, payload={"token": token})


def withhold_pending(registration_ids):
    """Messages not yet sent to these registrations are not to be sent."""
    if registration_ids:
        db.session.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.registration_id.in_(registration_ids),
                   OutboxMessage.status == MessageStatus.PENDING)
            .values(status=MessageStatus.SUPPRESSED)
        )


def queue_promoted(registrations, now):
    return [queue(registration, MessageKind.PROMOTED, now) for registration in registrations]


def queue_event_notice(event, kind, now):
    """Tell every family still registered that the event moved or was cancelled."""
    registrations = db.session.execute(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]),
        )
    ).scalars().all()
    return [queue(registration, kind, now) for registration in registrations]


def reminder_key(registration_id, hours):
    return f"reminder:{registration_id}:{hours}"


def schedule_reminders(now):
    """Write the reminders that are due into the outbox, once each: the
    unique dedupe key makes a second worker's insert a no-op."""
    rows = db.session.execute(
        select(Registration, Event.starts_at, School.reminder_hours)
        .join(Event, Event.id == Registration.event_id)
        .join(School, School.id == Event.school_id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_LOOKAHEAD,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    values = []
    for registration, starts_at, reminder_hours in rows:
        route = channel_for(registration)
        if route is None:
            continue
        offsets = School(reminder_hours=reminder_hours).reminder_offsets
        due = [hours for hours in offsets if starts_at - timedelta(hours=hours) <= now]
        if not due:
            continue
        # Only the latest due reminder: a family who registers an hour before
        # gets one reminder, not the 24-hour one as well.
        hours = min(due)
        channel, recipient = route
        values.append(dict(
            registration_id=registration.id, event_id=registration.event_id, kind=MessageKind.REMINDER,
            channel=channel, recipient=recipient, language=registration.language, payload={"hours": hours},
            status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, last_error="", provider_id="", segments=0,
            dedupe_key=reminder_key(registration.id, hours), created_at=now,
        ))
        for earlier in offsets:
            if earlier > hours:
                # the earlier reminder's moment has passed: mark it as not to be sent
                values.append(dict(values[-1], payload={"hours": earlier}, status=MessageStatus.SUPPRESSED,
                                   dedupe_key=reminder_key(registration.id, earlier)))
    if not values:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = db.session.execute(statement)
    return result.rowcount or 0


def is_suppressed(channel, address):
    return db.session.execute(
        select(Suppression.id).where(Suppression.channel == channel, Suppression.address == address)
    ).first() is not None


def suppress(channel, address, now):
    if address and not is_suppressed(channel, address):
        db.session.add(Suppression(channel=channel, address=address, created_at=now))
        db.session.flush()


def unsuppress(channel, address):
    db.session.execute(
        Suppression.__table__.delete().where(Suppression.channel == channel, Suppression.address == address)
    )
