"""What families see of events: the upcoming list and the events they may open.
Each event's places are services.seats."""
from sqlalchemy import select

from ..extensions import db
from ..models import Event, EventStatus
from ..models.grades import GRADE_BIT


def upcoming_events(school_id, now, grade=None):
    statement = (
        select(Event)
        .where(Event.school_id == school_id, Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )
    if grade is not None:
        statement = statement.where(Event.grades.op("&")(GRADE_BIT[grade]) != 0)
    return db.session.execute(statement).scalars().all()


def public_event(event_id, school_ids=None):
    """An event a family may open: published or cancelled (so a family with
    the link learns it was cancelled), never a draft."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event
