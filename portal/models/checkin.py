from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import check_between, utcnow
from .registration import MAX_ADULTS, MAX_CHILDREN


class CheckIn(db.Model):
    """One row per check-in or undo at the door: who, when, how many came.
    `client_key` makes a replayed offline check-in count once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # check_in, undo, no_show
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration = relationship("Registration")
    staff = relationship("User")

    __table_args__ = (
        check_between("adults", 0, MAX_ADULTS),
        check_between("children", 0, MAX_CHILDREN),
    )
