"""A household's personal invitation to one event, and the text messages
families send back to answer it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import Channel, DeclineReason, InvitationAnswer
from .base import check_one_of, utcnow


class Invitation(db.Model):
    """One per household and event, never two: sending again skips the
    households already invited. Only a hash of the link's token is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms or email: how it was sent
    language: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(String(20), default=InvitationAnswer.NONE)
    # Filled when the family says why it can't come; None while the question is open.
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    decline_id: Mapped[int | None] = mapped_column(ForeignKey("decline.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    # When the one follow-up is due; it goes only to a household still without an answer then.
    follow_up_at: Mapped[datetime | None]
    follow_up_sent_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    event = relationship("Event")
    household = relationship("Household")
    registration = relationship("Registration")
    decline = relationship("Decline")

    __table_args__ = (
        UniqueConstraint("event_id", "household_id", name="uq_invitation_event_household"),
        check_one_of("answer", InvitationAnswer.values()),
        check_one_of("channel", Channel.values()),
        Index("ix_invitation_event_answer", "event_id", "answer"),
    )

    @property
    def is_open(self):
        return self.answer == InvitationAnswer.NONE

    @property
    def awaits_reason(self):
        return self.answer == InvitationAnswer.CANT_COME and self.decline_reason is None


class InboundSms(db.Model):
    """A text message a family sent us, kept by the provider's message id so
    that a retried webhook is answered once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )
    # What the message was understood as (a TextAnswer).
    understood_as: Mapped[str] = mapped_column(String(20), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    invitation = relationship("Invitation")


DECLINE_REASONS_BY_NUMBER = dict(enumerate(DeclineReason.values(), start=1))
