from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import MessageStatus
from .base import utcnow


class OutboxMessage(db.Model):
    """A message to a family, written in the same transaction as the change
    that causes it and delivered by `flask send-due`. It is rendered when
    sent, in the registration's language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))  # email or sms
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    # What only the moment of queueing knows (a fresh manage token); erased once sent.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str] = mapped_column(String(100), default="")
    segments: Mapped[int] = mapped_column(default=0)  # SMS parts
    sent_at: Mapped[datetime | None]
    # One reminder per registration and offset, however many workers run.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration = relationship("Registration")
    campaign = relationship("Campaign", back_populates="messages")
    invitation = relationship("Invitation")

    __table_args__ = (Index("ix_outbox_message_status_due", "status", "next_attempt_at"),)


class Campaign(db.Model):
    """An organizer's message to the families of one event, per language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    texts: Mapped[dict] = mapped_column(JSON)  # language -> {"subject": ..., "body": ...}
    audience: Mapped[dict] = mapped_column(JSON)  # {"status": ..., "need": ..., "language": ...}
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")
    messages = relationship("OutboxMessage", back_populates="campaign")


class Suppression(db.Model):
    """A phone number or email address that asked for no more messages."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("channel", "address"),)
