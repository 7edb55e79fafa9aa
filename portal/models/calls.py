"""Phone calls staff make to the households an invitation did not reach,
and what each call gave."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import CALLS_THAT_REACHED, CallResult, DeclineReason
from .base import check_one_of, utcnow


class CallOutcome(db.Model):
    """One call to a household about one event. A household that was never
    sent an invitation (no textable contact, opted out) may still be called."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20))
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    # What the call led to: the registration it made, or the family's "can't come".
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    decline_id: Mapped[int | None] = mapped_column(ForeignKey("decline.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event")
    household = relationship("Household")
    invitation = relationship("Invitation")
    staff = relationship("User")

    __table_args__ = (
        Index("ix_call_outcome_event_household", "event_id", "household_id"),
        check_one_of("outcome", CallResult.values()),
        check_one_of("decline_reason", DeclineReason.values()),
    )

    @property
    def reached(self):
        return self.outcome in CALLS_THAT_REACHED
