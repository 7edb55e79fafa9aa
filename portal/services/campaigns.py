"""An organizer's message to some of an event's families, in each family's language."""
from sqlalchemy import func, select

from ..config import LANGUAGES
from ..extensions import db
from ..models import (
    Campaign,
    MessageKind,
    MessageStatus,
    Need,
    NeedKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from . import outbox
from .errors import DomainError

AUDIENCE_STATUSES = {
    RegistrationStatus.CONFIRMED: [RegistrationStatus.CONFIRMED],
    RegistrationStatus.WAITLISTED: [RegistrationStatus.WAITLISTED],
    "everyone": [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
}
MAX_SUBJECT, MAX_BODY = 150, 1000


def audience(event_id, status="everyone", need=None, language=None):
    """The registrations a message would reach (never cancelled ones)."""
    statement = select(Registration).where(
        Registration.event_id == event_id,
        Registration.status.in_(AUDIENCE_STATUSES.get(status, AUDIENCE_STATUSES["everyone"])),
    )
    if need in NeedKind.values():
        statement = statement.where(Registration.id.in_(select(Need.registration_id).where(Need.kind == need)))
    if language in LANGUAGES:
        statement = statement.where(Registration.language == language)
    return db.session.execute(statement.order_by(Registration.id)).scalars().all()


def check_texts(texts, default_language):
    """texts: {language: (subject, body)} -> the languages written, checked."""
    subject, body = texts.get(default_language, ("", ""))
    if not (subject or "").strip():
        raise DomainError("campaign_subject_missing", field=f"subject_{default_language}")
    if not (body or "").strip():
        raise DomainError("campaign_body_missing", field=f"body_{default_language}")
    written = {}
    for language, (subject, body) in texts.items():
        subject, body = (subject or "").strip(), (body or "").strip()
        if not subject and not body:
            continue
        if not subject or not body:
            raise DomainError("campaign_text_incomplete", field=f"subject_{language}")
        if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
            raise DomainError("too_long", field=f"body_{language}", max=MAX_BODY)
        written[language] = {"subject": subject, "body": body}
    return written


def refuse_empty_audience(recipients):
    """A message must reach someone, to be sent or even previewed."""
    if not recipients:
        raise DomainError("campaign_no_recipients")


def send_campaign(event, user, texts, audience_filter, now):
    """Queue one message per family in the audience; each is rendered in the
    family's language, or the event's default language when not written."""
    written = check_texts(texts, event.default_language)
    recipients = audience(event.id, **audience_filter)
    refuse_empty_audience(recipients)
    campaign = Campaign(event_id=event.id, created_by_id=user.id, texts=written, audience=audience_filter,
                        created_at=now)
    db.session.add(campaign)
    db.session.flush()
    queued = [outbox.queue(registration, MessageKind.ORGANIZER, now, campaign_id=campaign.id)
              for registration in recipients]
    campaign.recipients = sum(1 for message in queued if message is not None)
    db.session.flush()
    return campaign


def event_campaigns(event_id):
    """[(campaign, {status: count})], newest first."""
    campaigns = db.session.execute(
        select(Campaign).where(Campaign.event_id == event_id).order_by(Campaign.created_at.desc())
    ).scalars().all()
    counts = {}
    for campaign_id, status, number in db.session.execute(
        select(OutboxMessage.campaign_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.campaign_id.in_([c.id for c in campaigns]))
        .group_by(OutboxMessage.campaign_id, OutboxMessage.status)
    ).all():
        counts.setdefault(campaign_id, {})[status] = number
    return [(campaign, counts.get(campaign.id, {})) for campaign in campaigns]


def failed_messages(event_id):
    """Messages to reach another way: those of families not forgotten since."""
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.event_id == event_id, OutboxMessage.status == MessageStatus.FAILED,
                                    OutboxMessage.recipient != "")
        .order_by(OutboxMessage.created_at.desc())
    ).scalars().all()


def delivery_counts(event_id):
    """{status: count} of every message about this event."""
    return dict(db.session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.event_id == event_id)
        .group_by(OutboxMessage.status)
    ).all())
