from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import EventStatus
from .base import check_between, check_one_of, utcnow
from .grades import GradeSet

MAX_CAPACITY = 5000  # people at one event; childcare places too


# The only moves an event may make; see Event.move_to. A cancelled event
# stays cancelled: families were told.
STATUS_MOVES = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.DRAFT, EventStatus.CANCELLED},
    EventStatus.CANCELLED: set(),
}


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT)
    starts_at: Mapped[datetime]  # UTC
    ends_at: Mapped[datetime]  # UTC
    registration_deadline: Mapped[datetime | None]  # UTC; None means "until it starts"
    location: Mapped[str] = mapped_column(String(300))
    grades = mapped_column(GradeSet, nullable=False, default=0)
    capacity: Mapped[int]  # people: adults and children together
    # The most people one family may register online (staff may go past it).
    max_party_size: Mapped[int] = mapped_column(default=8)
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    offers_childcare: Mapped[bool] = mapped_column(default=False)
    childcare_capacity: Mapped[int] = mapped_column(default=0)  # children
    interpreter_languages: Mapped[str] = mapped_column(String(200), default="")  # space-separated codes
    offers_transportation: Mapped[bool] = mapped_column(default=False)
    offers_meal: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school = relationship("School")
    texts = relationship(
        "EventText", back_populates="event", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_event_school_status_starts", "school_id", "status", "starts_at"),
        check_between("capacity", 1, MAX_CAPACITY),
        check_between("childcare_capacity", 0, MAX_CAPACITY),
        check_one_of("status", EventStatus.values()),
    )

    @property
    def interpreter_language_list(self):
        return self.interpreter_languages.split() if self.interpreter_languages else []

    @property
    def offers_interpreters(self):
        return bool(self.interpreter_languages)

    def move_to(self, status, now=None):
        if status == self.status:
            return
        if status not in STATUS_MOVES[self.status or EventStatus.DRAFT]:
            raise ValueError(f"event cannot move from {self.status} to {status}")
        self.status = status
        if status == EventStatus.CANCELLED:
            self.cancelled_at = now

    def text_for(self, language):
        """The organizer's text in `language`, else in the event's default
        language. Returns (EventText, is_fallback)."""
        by_language = {text.language: text for text in self.texts}
        if language in by_language:
            return by_language[language], False
        fallback = by_language.get(self.default_language) or next(iter(by_language.values()), None)
        return fallback, True

    def place_for(self, language):
        """(place, its language): the place as written in `language`, else
        the main place, written in the event's default language."""
        for text in self.texts:
            if text.language == language and text.location:
                return text.location, language
        return self.location, self.default_language

    def set_text(self, language, title, description="", location=""):
        for text in self.texts:
            if text.language == language:
                text.title, text.description, text.location = title, description, location
                return text
        text = EventText(language=language, title=title, description=description, location=location)
        self.texts.append(text)
        return text


class EventText(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The place in this language ("Gimnasio, ..."); empty: the event's main place.
    location: Mapped[str] = mapped_column(String(300), default="", server_default="")

    event = relationship("Event", back_populates="texts")

    __table_args__ = (UniqueConstraint("event_id", "language"),)
