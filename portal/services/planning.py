"""What an organizer needs to plan one event, from its registrations."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Decline,
    Need,
    NeedKind,
    Registration,
    RegistrationStatus,
)
from .search import matching
from .seats import PARTY_PEOPLE, seats_for

# Age bands the childcare room plans by.
AGE_BANDS = [("0-2", 0, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11-17", 11, 17)]


def decline_reasons(event_id):
    """[(reason, count)], most common first."""
    return db.session.execute(
        select(Decline.reason, func.count()).where(Decline.event_id == event_id)
        .group_by(Decline.reason).order_by(func.count().desc(), Decline.reason)
    ).all()


def decline_notes(event_id, limit=50):
    return db.session.execute(
        select(Decline).where(Decline.event_id == event_id, Decline.note != "")
        .order_by(Decline.created_at.desc()).limit(limit)
    ).scalars().all()


@dataclass
class NeedsSummary:
    childcare_children: int = 0
    childcare_by_band: dict = field(default_factory=dict)  # band -> children
    childcare_ages_unknown: int = 0
    childcare_over_capacity: bool = False
    interpreters: list = field(default_factory=list)  # [(language, families, offered)]
    transportation_seats: int = 0
    transportation_families: int = 0
    accessibility: list = field(default_factory=list)  # [(name, detail)]
    dietary: list = field(default_factory=list)


def _parse_ages(detail):
    ages = []
    for part in (detail or "").replace(",", " ").split():
        if part.isdecimal():
            ages.append(int(part))
    return ages


def needs_summary(event, status=RegistrationStatus.CONFIRMED):
    """What to arrange for the families with `status` (confirmed by default)."""
    rows = db.session.execute(
        select(Need.kind, Need.quantity, Need.detail, Registration.name)
        .join(Registration, Registration.id == Need.registration_id)
        .where(Registration.event_id == event.id, Registration.status == status)
        .order_by(Registration.name)
    ).all()
    summary = NeedsSummary(childcare_by_band={band: 0 for band, _low, _high in AGE_BANDS})
    interpreters = Counter()
    for kind, quantity, detail, name in rows:
        if kind == NeedKind.CHILDCARE:
            summary.childcare_children += quantity
            ages = _parse_ages(detail)[:quantity]
            for age in ages:
                for band, low, high in AGE_BANDS:
                    if low <= age <= high:
                        summary.childcare_by_band[band] += 1
            summary.childcare_ages_unknown += quantity - len(ages)
        elif kind == NeedKind.INTERPRETER:
            interpreters[detail] += 1
        elif kind == NeedKind.TRANSPORTATION:
            summary.transportation_seats += quantity
            summary.transportation_families += 1
        elif kind == NeedKind.ACCESSIBILITY:
            summary.accessibility.append((name, detail))
        elif kind == NeedKind.DIETARY:
            summary.dietary.append((name, detail))
    offered = set(event.interpreter_language_list)
    summary.interpreters = [(language, families, language in offered)
                            for language, families in interpreters.most_common()]
    summary.childcare_over_capacity = summary.childcare_children > event.childcare_capacity
    return summary


SORTS = {
    "name": (Registration.search_name, Registration.id),
    "newest": (Registration.created_at.desc(), Registration.id.desc()),
    "oldest": (Registration.created_at, Registration.id),
    "party": (PARTY_PEOPLE.desc(), Registration.search_name),
}
STATUS_ORDER = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}


def registrations(event_id, query="", status=None, need=None, sort="name"):
    """The registrations table: search by name, phone, email or code (as the front desk does);
    filter by status and by a kind of need; sort."""
    return db.session.execute(_registrations_query(event_id, query, status, need, sort)).scalars().all()


@dataclass
class Page:
    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self):
        return max((self.total + self.size - 1) // self.size, 1)


def registrations_page(event_id, page=1, size=100, query="", status=None, need=None, sort="name"):
    """One page of the registrations table, and how many match in all."""
    statement = _registrations_query(event_id, query, status, need, sort)
    found = db.paginate(statement, page=page, per_page=size, error_out=False)
    last = max(found.pages, 1)
    if found.page > last:  # past the end, as an old link can be: the last page
        found = db.paginate(statement, page=last, per_page=size, error_out=False)
    return Page(rows=found.items, total=found.total, number=found.page, size=size)


def _registrations_query(event_id, query, status, need, sort):
    statement = matching(select(Registration).where(Registration.event_id == event_id), query)
    if status in STATUS_ORDER:
        statement = statement.where(Registration.status == status)
    if need in NeedKind.values():
        statement = statement.where(
            Registration.id.in_(select(Need.registration_id).where(Need.kind == need))
        )
    return statement.order_by(*SORTS.get(sort, SORTS["name"]))


def overview(events):
    """Counts at a glance for an organizer's list: {event_id: (people, waitlisted parties, needs)}."""
    ids = [event.id for event in events]
    if not ids:
        return {}
    seats = seats_for(events)
    needs = dict(db.session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.event_id.in_(ids), Registration.status == RegistrationStatus.CONFIRMED,
               select(Need.id).where(Need.registration_id == Registration.id).exists())
        .group_by(Registration.event_id)
    ).all())
    return {event_id: (seats[event_id].confirmed_people, seats[event_id].waitlisted_families, needs.get(event_id, 0))
            for event_id in ids}


@dataclass
class Burst:
    """Many registrations for one event from one network in a short time:
    perhaps families together on the school's Wi-Fi, perhaps one visitor
    taking places. The organizer looks at the names and decides."""

    address_hash: str
    registrations: list

    @property
    def people(self):
        return sum(registration.party_size for registration in self.registrations)

    @property
    def first_at(self):
        return self.registrations[0].created_at

    @property
    def last_at(self):
        return self.registrations[-1].created_at


def bursts(event_id, minutes, size):
    """Each network from which at least `size` registrations still standing
    arrived with no more than `minutes` between one and the next."""
    active = db.session.execute(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.address_hash.is_not(None),
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]),
        ).order_by(Registration.address_hash, Registration.created_at, Registration.id)
    ).scalars().all()
    gap = timedelta(minutes=minutes)
    found = []
    for address_hash, group in groupby(active, key=lambda registration: registration.address_hash):
        in_bursts, run = [], []
        for registration in group:
            if run and registration.created_at - run[-1].created_at > gap:
                in_bursts += run if len(run) >= size else []
                run = []
            run.append(registration)
        in_bursts += run if len(run) >= size else []
        if in_bursts:
            found.append(Burst(address_hash, in_bursts))
    return sorted(found, key=lambda burst: burst.first_at)


def burst_from(event_id, address_hash, minutes, size):
    return next((burst for burst in bursts(event_id, minutes, size) if burst.address_hash == address_hash), None)
