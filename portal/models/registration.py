from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import Attendance, Channel, RegistrationStatus, Source
from .base import check_between, check_one_of, utcnow
from .grades import GradeSet

# The most adults and children one registration may bring.
MAX_ADULTS = 10
MAX_CHILDREN = 15

# The only moves a registration may make; see Registration.move_to.
STATUS_MOVES = {
    RegistrationStatus.WAITLISTED: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CONFIRMED: {RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED},
    # restored by an organizer while its places are free
    RegistrationStatus.CANCELLED: {RegistrationStatus.CONFIRMED},
}

# What may be recorded at the door; see Registration.mark_attendance. A
# family marked as a no-show who turns up late is checked in all the same;
# an undo makes a checked-in family expected again.
ATTENDANCE_MOVES = {
    Attendance.UNKNOWN: {Attendance.ATTENDED, Attendance.NO_SHOW},
    Attendance.NO_SHOW: {Attendance.ATTENDED},
    Attendance.ATTENDED: {Attendance.UNKNOWN},
}


class Registration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    status: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased
    phone: Mapped[str | None] = mapped_column(String(32))  # digits, with a leading + if given
    language: Mapped[str] = mapped_column(String(8))
    # A Channel: how the family wants to hear from us when they gave both.
    contact_preference: Mapped[str] = mapped_column(String(10), default=Channel.SMS)
    adults: Mapped[int]
    children: Mapped[int]
    grades = mapped_column(GradeSet, nullable=False, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default=Source.ONLINE)
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
    attendance: Mapped[str] = mapped_column(String(20), default=Attendance.UNKNOWN)
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
        check_one_of("status", RegistrationStatus.values()),
        check_one_of("attendance", Attendance.values()),
        Index("ix_registration_event_address", "event_id", "address_hash"),
    )

    @property
    def party_size(self):
        return self.adults + self.children

    def move_to(self, status, now):
        if status == self.status:
            return
        if self.status is not None and status not in STATUS_MOVES[self.status]:
            raise ValueError(f"registration cannot move from {self.status} to {status}")
        self.status = status
        if status == RegistrationStatus.WAITLISTED:
            self.waitlisted_at = now
        elif status == RegistrationStatus.CONFIRMED:
            self.waitlisted_at = None
            self.cancelled_at = None
        elif status == RegistrationStatus.CANCELLED:
            self.cancelled_at = now

    def mark_attendance(self, attendance, now, adults=None, children=None):
        """Record what happened at the door: who came (and how many, when
        they came), who did not, or an undo that makes the family expected
        again."""
        current = self.attendance or Attendance.UNKNOWN
        if attendance not in ATTENDANCE_MOVES[current]:
            raise ValueError(f"attendance cannot move from {current} to {attendance}")
        self.attendance = attendance
        if attendance == Attendance.ATTENDED:
            self.checked_in_at = now
            self.arrived_adults, self.arrived_children = adults, children
        elif attendance == Attendance.UNKNOWN:
            self.checked_in_at = None
            self.arrived_adults = self.arrived_children = None

    def need(self, kind):
        return next((need for need in self.needs if need.kind == kind), None)
