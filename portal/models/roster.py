"""The school's roster, imported from its student information system:
students, their guardians, and the households they form."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import HouseholdChannel, RosterFormat
from .base import check_one_of, utcnow
from .grades import GRADES

student_guardian = Table(
    "student_guardian",
    db.metadata,
    Column("student_id", ForeignKey("student.id", ondelete="CASCADE"), primary_key=True),
    Column("guardian_id", ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Household(db.Model):
    """The students who share a guardian's phone or email, and the way to
    reach them: one message per household, in its home language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(10), default=HouseholdChannel.NONE)
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")  # the first guardian's name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school = relationship("School")
    guardians = relationship("Guardian", back_populates="household", order_by="Guardian.id")
    students = relationship("Student", back_populates="household", order_by="Student.id")

    __table_args__ = (
        Index("ix_household_phone", "phone"),
        Index("ix_household_email", "email"),
        check_one_of("channel", HouseholdChannel.values()),
    )

    @property
    def has_contact(self):
        return self.channel != HouseholdChannel.NONE


class Guardian(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased
    # A portal language code, or another ISO 639 code when the portal does
    # not ship that language (messages then use the school's default).
    language: Mapped[str] = mapped_column(String(8), default="")
    source_id: Mapped[str | None] = mapped_column(String(100))  # OneRoster sourcedId

    household = relationship("Household", back_populates="guardians")
    students = relationship("Student", secondary=student_guardian, back_populates="guardians")

    __table_args__ = (
        Index("ix_guardian_phone", "phone"),
        Index("ix_guardian_email", "email"),
    )


class Student(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"), index=True)
    sis_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(2))
    homeroom: Mapped[str] = mapped_column(String(60), default="")
    # A student missing from the latest import: kept (history, reports), never invited.
    active: Mapped[bool] = mapped_column(default=True)
    # When the import last changed the student (set by the import, so that a
    # new household alone does not count as a change).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    household = relationship("Household", back_populates="students")
    guardians = relationship("Guardian", secondary=student_guardian, back_populates="students",
                             order_by="Guardian.id")

    __table_args__ = (
        UniqueConstraint("school_id", "sis_id", name="uq_student_school_sis"),
        check_one_of("grade", GRADES),
    )


class RosterImport(db.Model):
    """One confirmed import: what it changed, shown on the roster page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    file_format: Mapped[str] = mapped_column(String(20), default=RosterFormat.CSV)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    deactivated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")
