"""What organizers do to events: create, edit, publish, cancel, duplicate."""
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from ..clock import to_utc
from ..config import INTERPRETER_LANGUAGES, LANGUAGES
from ..database import lock_row
from ..extensions import db
from ..models import GRADES, MAX_CAPACITY, Event, EventStatus, MessageKind
from . import outbox
from .errors import DomainError
from .registration import MAX_PARTY_LIMIT, promote_waitlisted
from .seats import confirmed_people


class EventError(DomainError):
    pass


@dataclass
class EventDetails:
    """An event as the organizer describes it, times in the school's timezone."""

    texts: dict  # language -> (title, description)
    day: date
    starts: time
    ends: time
    location: str
    capacity: int
    grades: list = field(default_factory=list)
    deadline_day: date | None = None
    deadline_time: time | None = None
    offers_childcare: bool = False
    childcare_capacity: int = 0
    interpreter_languages: list = field(default_factory=list)
    offers_transportation: bool = False
    offers_meal: bool = False
    max_party_size: int = 8
    places: dict = field(default_factory=dict)  # language -> the place written in it (optional)


def _check(details, school, event=None):
    default = school.default_language
    title, _description = details.texts.get(default, ("", ""))
    if not (title or "").strip():
        raise EventError("default_title_missing", field=f"title_{default}")
    for language in details.texts:
        if language not in LANGUAGES:
            raise EventError("language_unknown", field="texts")
    if details.ends <= details.starts:
        raise EventError("ends_before_start", field="ends")
    if not details.location or not details.location.strip():
        raise EventError("location_missing", field="location")
    if not details.grades or any(grade not in GRADES for grade in details.grades):
        raise EventError("grades_missing", field="grades")
    if not 1 <= details.capacity <= MAX_CAPACITY:
        raise EventError("capacity_out_of_range", field="capacity", max=MAX_CAPACITY)
    if not 1 <= details.max_party_size <= MAX_PARTY_LIMIT:
        raise EventError("max_party_size_out_of_range", field="max_party_size", max=MAX_PARTY_LIMIT)
    if details.offers_childcare and not 0 < details.childcare_capacity <= MAX_CAPACITY:
        raise EventError("childcare_capacity_out_of_range", field="childcare_capacity")
    unknown = [code for code in details.interpreter_languages if code not in INTERPRETER_LANGUAGES]
    if unknown:
        raise EventError("interpreter_language_unknown", field="interpreter_languages")
    if (details.deadline_day is None) != (details.deadline_time is None):
        raise EventError("deadline_incomplete", field="deadline_day")
    tz = school.tz
    starts_at = to_utc(details.day, details.starts, tz)
    deadline = None
    if details.deadline_day is not None:
        deadline = to_utc(details.deadline_day, details.deadline_time, tz)
        if deadline > starts_at:
            raise EventError("deadline_after_start", field="deadline_day")
    if event is not None:
        confirmed = confirmed_people(event.id)
        if details.capacity < confirmed:
            raise EventError("capacity_below_confirmed", field="capacity", confirmed=confirmed)
    return starts_at, to_utc(details.day, details.ends, tz), deadline


def _apply(event, details, starts_at, ends_at, deadline):
    event.starts_at, event.ends_at, event.registration_deadline = starts_at, ends_at, deadline
    event.location = details.location.strip()
    event.grades = details.grades
    event.capacity = details.capacity
    event.max_party_size = details.max_party_size
    event.offers_childcare = details.offers_childcare
    event.childcare_capacity = details.childcare_capacity if details.offers_childcare else 0
    event.interpreter_languages = " ".join(
        code for code in INTERPRETER_LANGUAGES if code in details.interpreter_languages
    )
    event.offers_transportation = details.offers_transportation
    event.offers_meal = details.offers_meal
    written = {language for language, (title, _d) in details.texts.items() if (title or "").strip()}
    for text in list(event.texts):
        if text.language not in written:
            event.texts.remove(text)
    for language in written:
        title, description = details.texts[language]
        place = (details.places.get(language) or "").strip() if language != event.default_language else ""
        event.set_text(language, title.strip(), (description or "").strip(), place)


def create_event(school, user, details):
    starts_at, ends_at, deadline = _check(details, school)
    event = Event(school_id=school.id, status=EventStatus.DRAFT, default_language=school.default_language,
                  created_by_id=user.id if user else None)
    _apply(event, details, starts_at, ends_at, deadline)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass
class EventChange:
    moved: bool  # a new day, time or place: families should hear about it
    promoted: list


def update_event(event_id, details, now):
    """Save an organizer's edit. Capacity may not drop below the people
    already confirmed; raising it promotes waiting families."""
    event = lock_row(Event, event_id)
    starts_at, ends_at, deadline = _check(details, event.school, event)
    moved = (starts_at, ends_at, details.location.strip()) != (event.starts_at, event.ends_at, event.location)
    _apply(event, details, starts_at, ends_at, deadline)
    db.session.flush()
    if moved and event.status == EventStatus.PUBLISHED and event.ends_at > now:
        outbox.queue_event_notice(event, MessageKind.CHANGED, now)
    promoted = promote_waitlisted(event, now) if event.status == EventStatus.PUBLISHED else []
    return EventChange(moved=moved, promoted=promoted)


def publish(event, now):
    """Publishing may promote waiting families: the event row is locked
    first, as for every change of seats."""
    event = lock_row(Event, event.id)
    if event.status == EventStatus.CANCELLED:
        raise EventError("event_cancelled")
    if event.ends_at <= now:
        raise EventError("event_past")
    event.move_to(EventStatus.PUBLISHED, now)
    db.session.flush()
    return promote_waitlisted(event, now)


def unpublish(event):
    if event.status != EventStatus.PUBLISHED:
        raise EventError("event_not_published")
    event.move_to(EventStatus.DRAFT)
    db.session.flush()


def cancel(event, now):
    """Cancel an event. Its registrations stay, so families who open their
    link learn it was cancelled and organizers keep the numbers."""
    if event.status == EventStatus.CANCELLED:
        return
    was_public = event.status == EventStatus.PUBLISHED
    event.move_to(EventStatus.CANCELLED, now)
    db.session.flush()
    if was_public and event.ends_at > now:
        outbox.queue_event_notice(event, MessageKind.CANCELLED, now)


def duplicate(event, user, days_later=7):
    """A draft copy a week later (a repeating breakfast, the next session of a series)."""
    shift = timedelta(days=days_later)
    copy = Event(
        school_id=event.school_id, status=EventStatus.DRAFT, default_language=event.default_language,
        starts_at=event.starts_at + shift, ends_at=event.ends_at + shift,
        registration_deadline=event.registration_deadline + shift if event.registration_deadline else None,
        location=event.location, grades=event.grades, capacity=event.capacity,
        max_party_size=event.max_party_size,
        offers_childcare=event.offers_childcare, childcare_capacity=event.childcare_capacity,
        interpreter_languages=event.interpreter_languages, offers_transportation=event.offers_transportation,
        offers_meal=event.offers_meal, created_by_id=user.id if user else None,
    )
    for text in event.texts:
        copy.set_text(text.language, text.title, text.description, text.location)
    db.session.add(copy)
    db.session.flush()
    return copy
