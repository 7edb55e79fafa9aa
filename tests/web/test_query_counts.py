"""SQL statements per request stay bounded: no page runs a query per row.

Each page is requested twice: in a small school (3 upcoming events, 5
families per event) and again after it has grown (15 upcoming events, 60
families per event: confirmed, waitlisted, cancelled, with every kind of
need, checked in at the door, with failed messages and "can't come"
answers). The number of statements (counted by a before_cursor_execute
listener on the engine; BEGIN, SAVEPOINT and PRAGMA left out, so the count
is the same on SQLite and PostgreSQL) must be the same both times, and at
most the bound stated for the page in PAGES."""
import itertools
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event, update

from portal.models import Attendance, CheckIn, MessageStatus, OutboxMessage, Registration, RegistrationStatus, utcnow
from portal.services import checkin, declines, registration as registration_service
from tests.conftest import add_staff, sign_in
from tests.web.helpers import text_of

SMALL = (3, 5)  # upcoming events, families per event
LARGE = (15, 60)
NOT_COUNTED = re.compile(r"^\s*(BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|PRAGMA)\b", re.IGNORECASE)

# page -> (path, the most statements it may run). Each bound is what the
# page runs today (in brackets) plus one or two: a new query on a page is
# fine, a query per row is not (that is what the small/large comparison
# catches, whatever the bound).
PAGES = {
    "family: event list": (lambda w: "/", 5),  # [4]
    "family: event page": (lambda w: f"/events/{w.upcoming.id}", 5),  # [4]
    "family: registration form": (lambda w: f"/events/{w.upcoming.id}/register", 5),  # [4]
    "family: manage page": (lambda w: f"/r/{w.token}", 7),  # [6]
    "organizer: events": (lambda w: "/staff/events", 10),
    "organizer: dashboard": (lambda w: f"/staff/events/{w.tonight.id}", 20),  # [19]: the staff session and the bursts from one network
    "organizer: reports": (lambda w: "/staff/reports", 13),  # [11]
    "front desk: today": (lambda w: "/staff/frontdesk/", 6),  # [5]
    "front desk: check-in screen": (lambda w: f"/staff/frontdesk/events/{w.tonight.id}", 9),  # [8]
    "front desk: search": (lambda w: f"/staff/frontdesk/events/{w.tonight.id}?q=garc", 9),  # [8]
    "front desk: search.json": (lambda w: f"/staff/frontdesk/events/{w.tonight.id}/search.json?q=garc", 8),  # [7]
}
# Pages known to run a query per row, with what to change. Strict: once
# fixed, the test passes, pytest reports XPASS as a failure, and the entry
# goes.


@contextmanager
def counting(engine):
    statements = []

    def note(_connection, _cursor, statement, _parameters, _context, _executemany):
        if not NOT_COUNTED.match(statement):
            statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)


def statements_for(client, db, path):
    client.get(path)  # once before counting: caches filled, nothing first-time counted
    with counting(db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}\n{text_of(response)[:500]}"
    return statements


# -- a school that grows -----------------------------------------------------------------------

NAMES = ["Ana García", "José Núñez", "Nguyễn Thị Lan", "Hodan Abdi", "Omar Haddad", "Li Wei", "Olga Ivanova"]
LANGUAGES = ["es", "es", "vi", "so", "ar", "zh", "ru"]
_phones = itertools.count(2000)


@dataclass
class World:
    school: object
    organizer: object
    tonight: object  # began ten minutes ago: the front desk's event
    upcoming: object  # in a week: the family pages' event
    past: object  # ten days ago: in the reports
    token: str = ""
    events: list = field(default_factory=list)
    families: int = 0


def family_details(index):
    name = f"{NAMES[index % len(NAMES)]} {index:03d}"
    kind = index % 5
    return registration_service.FamilyDetails(
        name=name, language=LANGUAGES[index % len(LANGUAGES)], adults=1 + index % 2, children=index % 3,
        phone=f"+1612555{next(_phones):04d}", email=f"family{index}@example.org" if index % 4 == 0 else None,
        grades=["K", "3"][: 1 + index % 2],
        childcare_children=1 if kind == 0 and index % 3 else 0, childcare_ages=[3] if kind == 0 and index % 3 else [],
        interpreter_language="es" if kind == 1 else None, transportation_seats=1 if kind == 2 else 0,
        accessibility="Wheelchair space" if kind == 3 else "", dietary="Halal" if kind == 4 else "",
        note="We may be late" if index % 6 == 0 else "",
    )


def grow(world, db, make_event, upcoming_events, families):
    """Bring the school to `upcoming_events` upcoming events and `families`
    registrations in each of the three main events."""
    now = utcnow().replace(microsecond=0)
    while len(world.events) < upcoming_events:
        world.events.append(make_event(days=3 + len(world.events), texts={
            "en": (f"Family breakfast {len(world.events)}", "Coffee and books."),
            "es": (f"Desayuno familiar {len(world.events)}", "Café y libros."),
            "vi": (f"Bữa sáng gia đình {len(world.events)}", "Cà phê và sách."),
        }))
    for index in range(world.families, families):
        for event in (world.tonight, world.upcoming, world.past):
            registered_at = event.starts_at - timedelta(days=7)
            registered = registration_service.register(event.id, family_details(index), registered_at)
            registration = registered.registration
            if event is world.upcoming and not world.token:
                world.token = registered.token
            if index % 7 == 6:
                registration_service.cancel_registration(registration.id, registered_at)
            elif event is world.tonight and index % 3 == 0 and registration.status == RegistrationStatus.CONFIRMED:
                checkin.check_in(event, registration.id, world.organizer, now)
            elif event is world.past and registration.status == RegistrationStatus.CONFIRMED:
                came = index % 4 != 0
                registration.attendance = Attendance.ATTENDED if came else Attendance.NO_SHOW
                if came:
                    registration.checked_in_at = event.starts_at
                    registration.arrived_adults, registration.arrived_children = registration.adults, registration.children
                    db.session.add(CheckIn(registration_id=registration.id, event_id=event.id, action="check_in",
                                           adults=registration.adults, children=registration.children,
                                           staff_id=world.organizer.id, created_at=event.starts_at))
        if index % 2 == 0:
            declines.record_decline(world.past, ["work", "childcare", "time"][index % 3], "es",
                                    world.past.starts_at - timedelta(days=2), note="Trabajo de noche", name="")
            declines.record_decline(world.tonight, "transportation", "so", world.tonight.starts_at - timedelta(days=2))
        db.session.flush()
    # Some messages could not be delivered: the dashboard lists them with the family's name.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.event_id == world.tonight.id, OutboxMessage.id % 4 == 0)
        .values(status=MessageStatus.FAILED, last_error="refused")
    )
    world.families = families
    db.session.commit()


@pytest.fixture
def world(app, db, school, make_event):
    organizer = add_staff(school, "olivia@lincoln.example", "Olivia", "organizer")
    now = utcnow().replace(microsecond=0)
    tonight = make_event(capacity=6, days=0, texts={"en": ("Math games night", "Games.")})
    past = make_event(capacity=6, days=-10, texts={"en": ("Back-to-school picnic", "Dinner.")})
    upcoming = make_event(capacity=6, days=7)
    built = World(school=school, organizer=organizer, tonight=tonight, upcoming=upcoming, past=past)
    built.events.append(upcoming)
    # Registered a week before: the tonight and past events had not begun then.
    tonight.starts_at, tonight.ends_at = now - timedelta(minutes=10), now + timedelta(hours=2)
    db.session.commit()
    grow(built, db, make_event, *SMALL)
    return built


@pytest.fixture
def organizer_client(app, world):
    return sign_in(app.test_client(), world.organizer)


@pytest.mark.parametrize("page", list(PAGES))
def test_statements_per_page_do_not_grow_with_rows(page, app, db, world, organizer_client, make_event):
    path_for, bound = PAGES[page]
    client = organizer_client if page.split(":")[0] != "family" else app.test_client()

    few = statements_for(client, db, path_for(world))
    grow(world, db, make_event, *LARGE)
    assert db.session.query(Registration).filter_by(event_id=world.tonight.id).count() == LARGE[1]
    many = statements_for(client, db, path_for(world))

    assert len(many) == len(few), (
        f"{page}: {len(few)} statements with {SMALL[1]} families and {SMALL[0]} events, {len(many)} with "
        f"{LARGE[1]} and {LARGE[0]}: a query per row?\n" + "\n".join(_summary(many)))
    assert len(many) <= bound, f"{page}: {len(many)} statements, more than {bound}\n" + "\n".join(_summary(many))


def _summary(statements):
    return [" ".join(statement.split())[:160] for statement in statements]
