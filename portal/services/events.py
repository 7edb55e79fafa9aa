"""What families see of events: the upcoming list and each event's places."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Event, EventStatus, Registration, RegistrationStatus
from ..models.grades import GRADE_BIT


@dataclass
class Places:
    capacity: int
    confirmed_people: int
    waitlisted_parties: int

    @property
    def left(self):
        return max(self.capacity - self.confirmed_people, 0)

    @property
    def full(self):
        return self.left == 0

    @property
    def waitlist_open(self):
        """Families are waiting: a party larger than the places left joins them."""
        return self.waitlisted_parties > 0


def upcoming_events(school_id, now, grade=None):
    statement = (
        select(Event)
        .where(Event.school_id == school_id, Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    if grade is not None:
        statement = statement.where(Event.grades.op("&")(GRADE_BIT[grade]) != 0)
    return db.session.execute(statement).scalars().all()


def places_for(events):
    """Places for many events in one query: {event_id: Places}."""
    ids = [event.id for event in events]
    counts = {}
    if ids:
        rows = db.session.execute(
            select(
                Registration.event_id,
                func.coalesce(func.sum(case(
                    (Registration.status == RegistrationStatus.CONFIRMED,
                     Registration.adults + Registration.children), else_=0)), 0),
                func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
            )
            .where(Registration.event_id.in_(ids), Registration.status != RegistrationStatus.CANCELLED)
            .group_by(Registration.event_id)
        ).all()
        counts = {event_id: (people, waitlisted) for event_id, people, waitlisted in rows}
    return {
        event.id: Places(event.capacity, *counts.get(event.id, (0, 0))) for event in events
    }


def public_event(event_id, school_ids=None):
    """An event a family may open: published or cancelled (so a family with
    the link learns it was cancelled), never a draft."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event
