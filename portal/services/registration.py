"""Registering a family for an event: capacity, waitlist, edits, cancelling.

Every function that changes seats locks the event row first, counts, then
writes, all in the caller's transaction. The caller commits once."""
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from ..database import lock_row
from ..extensions import db
from ..models import (
    GRADES,
    MAX_ADULTS,
    MAX_CHILDREN,
    Channel,
    Event,
    ManageToken,
    Need,
    NeedKind,
    Registration,
    RegistrationStatus,
    Source,
)
from . import outbox, windows
from .contact import phone_last_digits, search_key
from .errors import RegistrationError
from .seats import end_of_line, free_places, waitlist
from .tokens import hash_token, new_checkin_code, new_manage_token

MAX_CHILD_AGE = 17
# The largest party an organizer may allow online: as many as the form can hold.
MAX_PARTY_LIMIT = MAX_ADULTS + MAX_CHILDREN


@dataclass
class FamilyDetails:
    """What a family tells us on the registration form, already parsed."""

    name: str
    language: str
    adults: int
    children: int
    email: str | None = None
    phone: str | None = None
    grades: list = field(default_factory=list)
    childcare_children: int = 0
    childcare_ages: list = field(default_factory=list)
    transportation_seats: int = 0
    interpreter_language: str | None = None
    contact_preference: str = Channel.SMS  # or Channel.EMAIL, when both were given
    accessibility: str = ""
    dietary: str = ""
    note: str = ""

    @property
    def party_size(self):
        return self.adults + self.children


@dataclass
class Registered:
    registration: Registration
    token: str  # the manage token; only its hash is stored


# -- reading ------------------------------------------------------------------

def find_by_token(token):
    """The registration this manage link opens: the link given at
    registration, or one sent again since (see services.links)."""
    if not token or len(token) > 64:
        return None
    hashed = hash_token(token)
    registration = db.session.execute(
        select(Registration).where(Registration.token_hash == hashed)
    ).scalar_one_or_none()
    if registration is not None:
        return registration
    return db.session.execute(
        select(Registration).join(ManageToken, ManageToken.registration_id == Registration.id)
        .where(ManageToken.token_hash == hashed)
    ).scalar_one_or_none()


# -- rules ----------------------------------------------------------------------

def _form_window(enforce_deadline):
    return windows.FAMILY_FORM if enforce_deadline else windows.STAFF_FORM


def _check_details(event, details, at_the_door=False, by_staff=False):
    problem = next(detail_problems(event, details, at_the_door, by_staff), None)
    if problem is not None:
        raise problem


def detail_problems(event, details, at_the_door=False, by_staff=False):
    """Every way what a family told us breaks the event's rules, as
    RegistrationErrors, most basic first: a form shows them all at once."""
    if not details.name or not details.name.strip():
        yield RegistrationError("name_missing", field="name")
    if not details.email and not details.phone and not at_the_door:
        yield RegistrationError("contact_missing", field="phone")
    if not 1 <= details.adults <= MAX_ADULTS:
        yield RegistrationError("adults_out_of_range", field="adults", max=MAX_ADULTS)
    if not 0 <= details.children <= MAX_CHILDREN:
        yield RegistrationError("children_out_of_range", field="children", max=MAX_CHILDREN)
    if details.party_size > event.capacity and not at_the_door:
        yield RegistrationError("party_larger_than_event", field="adults", capacity=event.capacity)
    if details.party_size > event.max_party_size and not (by_staff or at_the_door):
        # One family online takes at most this many places; staff who know the family may go past it.
        yield RegistrationError("party_larger_than_limit", field="adults", max=event.max_party_size)
    unknown = [grade for grade in details.grades if grade not in GRADES]
    if unknown:
        yield RegistrationError("unknown_grade", field="grades")
    if details.childcare_children or details.childcare_ages:
        if not event.offers_childcare:
            yield RegistrationError("support_not_offered", field="childcare_children")
        if details.childcare_children > details.children:
            yield RegistrationError(
                "childcare_more_than_children", field="childcare_children", children=details.children
            )
        if details.childcare_children < 0:
            yield RegistrationError("childcare_more_than_children", field="childcare_children",
                                    children=details.children)
        if len(details.childcare_ages) > max(details.childcare_children, 0):
            yield RegistrationError("childcare_ages_too_many", field="childcare_ages")
        if any(not 0 <= age <= MAX_CHILD_AGE for age in details.childcare_ages):
            yield RegistrationError("childcare_age_invalid", field="childcare_ages", max=MAX_CHILD_AGE)
    if details.transportation_seats:
        if not event.offers_transportation:
            yield RegistrationError("support_not_offered", field="transportation_seats")
        if not 0 < details.transportation_seats <= details.party_size:
            yield RegistrationError("seats_more_than_party", field="transportation_seats",
                                    party=details.party_size)
    if details.interpreter_language and details.interpreter_language not in event.interpreter_language_list:
        yield RegistrationError("interpreter_language_not_offered", field="interpreter_language")
    if details.dietary and not event.offers_meal:
        yield RegistrationError("support_not_offered", field="dietary")


def _check_not_already_registered(event, details, exclude_registration_id=None):
    if not details.email and not details.phone:
        return
    contact_matches = []
    if details.email:
        contact_matches.append(Registration.email == details.email)
    if details.phone:
        contact_matches.append(Registration.phone == details.phone)
    statement = select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.status != RegistrationStatus.CANCELLED,
        or_(*contact_matches),
    )
    if exclude_registration_id is not None:
        statement = statement.where(Registration.id != exclude_registration_id)
    existing = db.session.execute(statement.limit(1)).scalar_one_or_none()
    if existing is not None:
        raise RegistrationError("already_registered", field="phone" if details.phone else "email",
                                registration_id=existing)


def _apply(registration, details):
    registration.name = details.name.strip()
    # Folding can lengthen a name ("ß" -> "ss"); the search column keeps its start.
    registration.search_name = search_key(registration.name)[:200]
    registration.email = details.email
    registration.phone = details.phone
    registration.phone_last4 = phone_last_digits(details.phone)
    registration.language = details.language
    registration.contact_preference = (
        Channel.EMAIL if details.email and (details.contact_preference == Channel.EMAIL or not details.phone)
        else Channel.SMS
    )
    registration.adults = details.adults
    registration.children = details.children
    registration.grades = details.grades
    registration.note = (details.note or "").strip()
    registration.needs = _needs_from(details)


def _needs_from(details):
    needs = []
    if details.childcare_children:
        needs.append(Need(kind=NeedKind.CHILDCARE, quantity=details.childcare_children,
                          detail=", ".join(str(age) for age in details.childcare_ages)))
    if details.transportation_seats:
        needs.append(Need(kind=NeedKind.TRANSPORTATION, quantity=details.transportation_seats))
    if details.interpreter_language:
        needs.append(Need(kind=NeedKind.INTERPRETER, quantity=1, detail=details.interpreter_language))
    if details.accessibility and details.accessibility.strip():
        needs.append(Need(kind=NeedKind.ACCESSIBILITY, detail=details.accessibility.strip()))
    if details.dietary and details.dietary.strip():
        needs.append(Need(kind=NeedKind.DIETARY, detail=details.dietary.strip()))
    return needs


def _lock_event(event_id):
    event = lock_row(Event, event_id)
    if event is None:
        raise RegistrationError("event_not_found")
    return event


def lock_for_change(registration_id):
    """The registration and its event, ready to change seats: the event row
    locked first (as every change of seats takes it, so two changes never
    count the same places), then the registration read again under that lock."""
    registration = db.session.get(Registration, registration_id)
    event = _lock_event(registration.event_id)
    db.session.refresh(registration)
    return registration, event


def _unique_checkin_code():
    while True:
        code = new_checkin_code()
        taken = db.session.execute(
            select(Registration.id).where(Registration.checkin_code == code)
        ).first()
        if taken is None:
            return code


# -- changes ----------------------------------------------------------------------

def find_by_submission(submission_key):
    if not submission_key:
        return None
    return db.session.execute(
        select(Registration).where(Registration.submission_key == submission_key)
    ).scalar_one_or_none()


def register(event_id, details, now, submission_key=None, source=Source.ONLINE,
             enforce_deadline=True, admit_over_capacity=False, address_hash=None):
    """Register a party: confirmed when all of it fits, otherwise waitlisted.
    Staff may register after the deadline (enforce_deadline=False) and a
    party larger than the event's largest (any source but online); a
    walk-in at the door is admitted even over capacity (admit_over_capacity).
    address_hash names the network an online registration came from.
    Raises RegistrationError with a code; changes nothing when it does."""
    event = _lock_event(event_id)
    if submission_key:
        earlier = find_by_submission(submission_key)
        if earlier is not None:
            raise RegistrationError("duplicate_submission", registration_id=earlier.id)
    windows.check_open(event, now, windows.WALK_IN if admit_over_capacity else _form_window(enforce_deadline))
    _check_details(event, details, admit_over_capacity, by_staff=source != Source.ONLINE)
    _check_not_already_registered(event, details)

    fits = admit_over_capacity or details.party_size <= free_places(event)
    token = new_manage_token()
    registration = Registration(
        event_id=event.id,
        token_hash=hash_token(token),
        checkin_code=_unique_checkin_code(),
        submission_key=submission_key,
        source=source,
        address_hash=address_hash,
        created_at=now,
        status=None,
    )
    _apply(registration, details)
    if fits:
        registration.move_to(RegistrationStatus.CONFIRMED, now)
    else:
        registration.move_to(RegistrationStatus.WAITLISTED, end_of_line(event.id, now))
    db.session.add(registration)
    db.session.flush()
    outbox.queue_registered(registration, token, now)
    return Registered(registration, token)


def promote_waitlisted(event, now):
    """Fill free places from the waitlist in order. A party larger than the
    places left keeps its place in line while a later party that fits goes in.
    Only for a published event still to come: nobody is promoted into a
    cancelled or past event."""
    if not windows.is_open(event, now, windows.PROMOTION):
        return []
    free = free_places(event)
    promoted = []
    for registration in waitlist(event.id):
        if free <= 0:
            break
        if registration.party_size <= free:
            registration.move_to(RegistrationStatus.CONFIRMED, now)
            free -= registration.party_size
            promoted.append(registration)
    db.session.flush()
    outbox.queue_promoted(promoted, now)
    return promoted


def update_registration(registration_id, details, now, accept_waitlist=False, enforce_deadline=True,
                        by_staff=False):
    """Change a registration. A confirmed party that grows past the places
    left is moved to the waitlist only when the family agreed to it
    (accept_waitlist); otherwise RegistrationError('edit_needs_waitlist').
    Staff (by_staff) may make a party larger than the event's largest."""
    registration, event = lock_for_change(registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError("registration_cancelled")
    windows.check_open(event, now, _form_window(enforce_deadline))
    _check_details(event, details, by_staff=by_staff)
    _check_not_already_registered(event, details, exclude_registration_id=registration.id)

    moved_to_waitlist = False
    if registration.status == RegistrationStatus.CONFIRMED:
        places = free_places(event, exclude_registration_id=registration.id)
        if details.party_size > places:
            if not accept_waitlist:
                raise RegistrationError("edit_needs_waitlist", field="adults", places=places)
            registration.move_to(RegistrationStatus.WAITLISTED, end_of_line(event.id, now))
            moved_to_waitlist = True
    _apply(registration, details)
    db.session.flush()
    promote_waitlisted(event, now)
    return moved_to_waitlist


def cancel_registration(registration_id, now):
    registration, event = lock_for_change(registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    registration.move_to(RegistrationStatus.CANCELLED, now)
    db.session.flush()
    return promote_waitlisted(event, now)


def restore_registration(registration_id, now):
    """Undo a cancellation made by mistake, while the family's places are
    still free (a cancellation gives them to the waitlist at once); the
    family is confirmed again, as before."""
    return _confirm_by_hand(registration_id, now, RegistrationStatus.CANCELLED, "not_cancelled", "restore_no_room")


def cancel_burst(event_id, registration_ids, now):
    """Cancel registrations an organizer judged not to be real families (a
    burst from one network), then give their places to the waitlist in
    order. Nothing more goes to their contacts: no notice, and what was
    still waiting to be sent to them is not sent."""
    event = _lock_event(event_id)
    registrations = db.session.execute(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.id.in_(registration_ids),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalars().all()
    for registration in registrations:
        registration.move_to(RegistrationStatus.CANCELLED, now)
    outbox.withhold_pending([registration.id for registration in registrations])
    db.session.flush()
    return registrations, promote_waitlisted(event, now)


def promote_by_hand(registration_id, now):
    """An organizer gives a waiting family a place out of turn; it must fit."""
    return _confirm_by_hand(registration_id, now, RegistrationStatus.WAITLISTED, "not_waitlisted",
                            "not_enough_places")


def _confirm_by_hand(registration_id, now, from_status, wrong_status, no_room):
    """Confirm a family that is `from_status`, in an event still to come, if
    the party fits in the places left."""
    registration, event = lock_for_change(registration_id)
    if registration.status != from_status:
        raise RegistrationError(wrong_status)
    windows.check_open(event, now, windows.BY_HAND)
    places = free_places(event)
    if registration.party_size > places:
        raise RegistrationError(no_room, places=max(places, 0))
    registration.move_to(RegistrationStatus.CONFIRMED, now)
    db.session.flush()
    return registration
