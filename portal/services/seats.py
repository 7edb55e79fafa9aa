"""Seats: who holds a place in an event, who waits for one, who came.

The one definition of the numbers every page, report and the door show:
families and people confirmed, waitlisted, cancelled, arrived, no-shows and
walk-ins, for one event or many in one query; the order of the waitlist;
the places left. A confirmed party takes adults + children places; who came
is counted among the confirmed only (admitting a waiting family at the door
confirms it first).

The front desk's script recounts the list it holds while offline
(`counts()` in static/frontdesk.js) by the same rules; tests/e2e hold the
two to each other."""
from dataclasses import dataclass

from sqlalchemy import case, func, select, tuple_

from ..extensions import db
from ..models import Attendance, Registration, RegistrationStatus, Source

PARTY_PEOPLE = Registration.adults + Registration.children
ARRIVED_PEOPLE = func.coalesce(Registration.arrived_adults, 0) + func.coalesce(Registration.arrived_children, 0)

CONFIRMED = Registration.status == RegistrationStatus.CONFIRMED
WAITLISTED = Registration.status == RegistrationStatus.WAITLISTED
CANCELLED = Registration.status == RegistrationStatus.CANCELLED
ARRIVED = CONFIRMED & (Registration.attendance == Attendance.ATTENDED)
NO_SHOW = CONFIRMED & (Registration.attendance == Attendance.NO_SHOW)
WALK_IN = CONFIRMED & (Registration.source == Source.WALK_IN)

# First in line first: the moment a party joined the line, then its id for a tie.
WAITLIST_ORDER = (Registration.waitlisted_at, Registration.id)


def _people(value, when):
    return func.coalesce(func.sum(case((when, value), else_=0)), 0)


# In the order of Seats' fields after capacity.
_TALLY = (
    func.count().filter(CONFIRMED),
    _people(PARTY_PEOPLE, CONFIRMED),
    _people(Registration.adults, CONFIRMED),
    _people(Registration.children, CONFIRMED),
    func.count().filter(WAITLISTED),
    _people(PARTY_PEOPLE, WAITLISTED),
    func.count().filter(CANCELLED),
    func.count().filter(ARRIVED),
    _people(ARRIVED_PEOPLE, ARRIVED),
    func.count().filter(NO_SHOW),
    func.count().filter(WALK_IN),
)


@dataclass
class Seats:
    capacity: int
    confirmed_families: int = 0
    confirmed_people: int = 0
    confirmed_adults: int = 0
    confirmed_children: int = 0
    waitlisted_families: int = 0
    waitlisted_people: int = 0
    cancelled_families: int = 0
    arrived_families: int = 0
    arrived_people: int = 0
    no_show_families: int = 0
    walk_in_families: int = 0

    @property
    def left(self):
        return places_left(self.capacity, self.confirmed_people)

    @property
    def full(self):
        return self.left == 0

    @property
    def waitlist_open(self):
        """Families are waiting: a party larger than the places left joins them."""
        return self.waitlisted_families > 0

    @property
    def over_capacity(self):
        """More people confirmed than places: the door admits families all the same."""
        return self.confirmed_people > self.capacity

    @property
    def not_arrived_families(self):
        return max(self.confirmed_families - self.arrived_families - self.no_show_families, 0)


def places_left(capacity, confirmed):
    return max(capacity - confirmed, 0)


def seats_for(events):
    """{event_id: Seats} for many events, in one query."""
    ids = [event.id for event in events]
    rows = {}
    if ids:
        result = db.session.execute(
            select(Registration.event_id, *_TALLY)
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id)
        ).all()
        rows = {row[0]: [int(value) for value in row[1:]] for row in result}
    return {event.id: Seats(event.capacity, *rows.get(event.id, [])) for event in events}


def seats(event):
    return seats_for([event])[event.id]


def seats_of_events(event_ids):
    """The same numbers summed over a set of events (a select of event ids),
    for reports; capacity is not summed (0)."""
    row = db.session.execute(select(*_TALLY).where(Registration.event_id.in_(event_ids))).one()
    return Seats(0, *[int(value) for value in row])


def confirmed_people(event_id, exclude_registration_id=None):
    """People holding places: what every change of seats counts, under the event's lock."""
    statement = select(func.coalesce(func.sum(PARTY_PEOPLE), 0)).where(Registration.event_id == event_id, CONFIRMED)
    if exclude_registration_id is not None:
        statement = statement.where(Registration.id != exclude_registration_id)
    return db.session.execute(statement).scalar_one()


def free_places(event, exclude_registration_id=None):
    """Places not taken (negative when the door admitted families over capacity)."""
    return event.capacity - confirmed_people(event.id, exclude_registration_id)


def over_capacity(event):
    return free_places(event) < 0


def waitlist(event_id):
    """Waitlisted parties, first in line first."""
    return db.session.execute(
        select(Registration).where(Registration.event_id == event_id, WAITLISTED).order_by(*WAITLIST_ORDER)
    ).scalars().all()


def waitlist_position(registration):
    """1 for the first in line; None for a family not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == registration.event_id,
            WAITLISTED,
            tuple_(*WAITLIST_ORDER) < tuple_(registration.waitlisted_at, registration.id),
        )
    ).scalar_one()
    return ahead + 1


def waitlist_positions(event_id):
    """{registration_id: place in line} for the event's waitlist."""
    ids = db.session.execute(
        select(Registration.id).where(Registration.event_id == event_id, WAITLISTED).order_by(*WAITLIST_ORDER)
    ).scalars().all()
    return {registration_id: position for position, registration_id in enumerate(ids, start=1)}


def end_of_line(event_id, now):
    """The moment a party joins the waitlist: never before the last party
    that joined it, so that the order in line is the order the event's lock
    was taken, whatever clocks the web processes read earlier."""
    latest = db.session.execute(
        select(func.max(Registration.waitlisted_at)).where(Registration.event_id == event_id, WAITLISTED)
    ).scalar_one()
    return max(now, latest) if latest is not None else now
