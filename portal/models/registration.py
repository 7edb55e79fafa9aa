from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import check_between, check_one_of, utcnow
from .grades import GradeSet

# The most adults and children one registration may bring.
MAX_ADULTS = 10
MAX_CHILDREN = 15


class RegistrationStatus:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ALL = (CONFIRMED, WAITLISTED, CANCELLED)

    # The only moves a registration may make; see Registration.move_to.
    TRANSITIONS = {
        WAITLISTED: {CONFIRMED, CANCELLED},
        CONFIRMED: {WAITLISTED, CANCELLED},
        CANCELLED: {CONFIRMED},  # restored by an organizer while its places are free
    }


class Attendance:
    UNKNOWN = "unknown"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    ALL = (UNKNOWN, ATTENDED, NO_SHOW)


class Source:
    ONLINE = "online"
    STAFF = "staff"
    WALK_IN = "walk_in"


class NeedKind:
    CHILDCARE = "childcare"
    TRANSPORTATION = "transportation"
    INTERPRETER = "interpreter"
    ACCESSIBILITY = "accessibility"
    DIETARY = "dietary"
    ALL = (CHILDCARE, TRANSPORTATION, INTERPRETER, ACCESSIBILITY, DIETARY)


class Registration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    status: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased
    phone: Mapped[str | None] = mapped_column(String(32))  # digits, with a leading + if given
    language: Mapped[str] = mapped_column(String(8))
    # "sms" or "email": how the family wants to hear from us when they gave both.
    contact_preference: Mapped[str] = mapped_column(String(10), default="sms")
    adults: Mapped[int]
    children: Mapped[int]
    grades = mapped_column(GradeSet, nullable=False, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="online")
    # Only a hash of the manage token is kept: a leaked database gives no manage links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    checkin_code: Mapped[str] = mapped_column(String(12), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Place in the waitlist: the time the party joined it (ties broken by id).
    waitlisted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    # What happened at the door: filled by check-in, cleared by undo.
    attendance: Mapped[str] = mapped_column(String(20), default="unknown")
    checked_in_at: Mapped[datetime | None]
    arrived_adults: Mapped[int | None]
    arrived_children: Mapped[int | None]
    # Lower-cased, accent-free name, so the front desk finds "Jose" as "José".
    search_name: Mapped[str] = mapped_column(String(200), default="")
    phone_last4: Mapped[str] = mapped_column(String(4), default="")
    # A keyed hash of the network an online registration came from (never the
    # address itself), so that a burst from one place can be found and undone.
    address_hash: Mapped[str | None] = mapped_column(String(16))
    # The roster household it came from, when it answered an invitation.
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"), index=True)

    event = relationship("Event")
    needs = relationship(
        "Need", back_populates="registration", cascade="all, delete-orphan", lazy="selectin",
        order_by="Need.id",
    )

    __table_args__ = (
        Index("ix_registration_event_status", "event_id", "status"),
        Index("ix_registration_event_email", "event_id", "email"),
        Index("ix_registration_event_phone", "event_id", "phone"),
        Index("ix_registration_event_last4", "event_id", "phone_last4"),
        Index("ix_registration_event_search_name", "event_id", "search_name"),
        check_between("adults", 1, MAX_ADULTS),
        check_between("children", 0, MAX_CHILDREN),
        check_between("arrived_adults", 0, MAX_ADULTS, nullable=True),
        check_between("arrived_children", 0, MAX_CHILDREN, nullable=True),
        check_one_of("status", RegistrationStatus.ALL),
        check_one_of("attendance", Attendance.ALL),
        Index("ix_registration_event_address", "event_id", "address_hash"),
    )

    @property
    def party_size(self):
        return self.adults + self.children

    def move_to(self, status, now):
        if status == self.status:
            return
        if self.status is not None and status not in RegistrationStatus.TRANSITIONS[self.status]:
            raise ValueError(f"registration cannot move from {self.status} to {status}")
        self.status = status
        if status == RegistrationStatus.WAITLISTED:
            self.waitlisted_at = now
        elif status == RegistrationStatus.CONFIRMED:
            self.waitlisted_at = None
            self.cancelled_at = None
        elif status == RegistrationStatus.CANCELLED:
            self.cancelled_at = now

    def need(self, kind):
        return next((need for need in self.needs if need.kind == kind), None)


class Need(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(default=0)  # children in childcare, seats in a ride
    detail: Mapped[str] = mapped_column(Text, default="")  # ages, a language code, or free text

    registration = relationship("Registration", back_populates="needs")


class DeclineReason:
    WORK = "work"
    TIME = "time"
    CHILDCARE = "childcare"
    TRANSPORTATION = "transportation"
    LANGUAGE = "language"
    HEALTH = "health"
    OTHER = "other"
    ALL = (WORK, TIME, CHILDCARE, TRANSPORTATION, LANGUAGE, HEALTH, OTHER)


class Decline(db.Model):
    """A family's "we can't come", with the reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event")


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


class ManageToken(db.Model):
    """A manage link sent again to a family who lost theirs (only its hash).
    It works alongside the link given at registration, which keeps working."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
