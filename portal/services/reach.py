"""Which of the school's households the portal reaches: where each household
stands for one event, the calls staff make to those not yet reached, the
households not reached at all since a date, and the share of each home
language and grade that is invited, registers and comes."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..clock import day_bounds
from ..extensions import db
from ..models import (
    GRADES,
    Attendance,
    CallOutcome,
    CallResult,
    DeclineReason,
    Event,
    EventStatus,
    Household,
    Invitation,
    InvitationAnswer,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    Source,
    Student,
)
from ..vocabulary import CALLS_THAT_REACHED, NOT_REACHED, ReachStatus
from . import declines, invitations, registration as registration_service, seats, windows
from .errors import DomainError

MAX_CALL_NOTE = 500
# The school year starts on August 1: the default "since" of the not-reached list.
SCHOOL_YEAR_START = (8, 1)


# A filter value meaning every status of NOT_REACHED.
NOT_REACHED_FILTER = "not_reached"


def active_students(household):
    return sorted((student for student in household.students if student.active),
                  key=lambda student: (GRADES.index(student.grade), student.name))


def _event_grades(event):
    return list(event.grades) or list(GRADES)


class _ContactIndex:
    """Registrations found by the household they point to, or by the
    household's phone or email (a family that registered on the web page
    without its invitation's link)."""

    def __init__(self, registrations):
        self.by_household, self.by_phone, self.by_email = {}, {}, {}
        for registration in registrations:
            for index, key in ((self.by_household, registration.household_id),
                               (self.by_phone, registration.phone), (self.by_email, registration.email)):
                if key:
                    index.setdefault(key, []).append(registration)

    def of(self, household):
        found = {}
        for index, key in ((self.by_household, household.id), (self.by_phone, household.phone),
                           (self.by_email, household.email)):
            for registration in index.get(key, []) if key else []:
                found[registration.id] = registration
        return sorted(found.values(), key=lambda registration: registration.id)


# -- one event --------------------------------------------------------------------------

@dataclass
class Standing:
    """Where one household stands for one event."""

    household: Household
    status: str
    children: list  # the household's active students in the event's grades (all of them if none)
    reason: str | None = None  # why it can't come, when it said
    invitation: Invitation | None = None
    messages: list = field(default_factory=list)  # the invitation and follow-up, oldest first
    registration: Registration | None = None
    calls: list = field(default_factory=list)  # newest first

    @property
    def last_call(self):
        return self.calls[0] if self.calls else None

    @property
    def phone(self):
        return self.household.phone or next(
            (guardian.phone for guardian in self.household.guardians if guardian.phone), None)


def _standing_status(household, invitation, message, registration, calls, suppressed):
    if registration is not None:
        return ReachStatus.REGISTERED, None
    if invitation is not None and invitation.answer == InvitationAnswer.CANT_COME:
        return ReachStatus.CANT_COME, invitation.decline_reason
    told_by_phone = next((call for call in calls if call.outcome == CallResult.REACHED_CANT_COME), None)
    if told_by_phone is not None:
        return ReachStatus.CANT_COME, told_by_phone.decline_reason
    if invitation is not None:
        if message is not None and message.status == MessageStatus.FAILED:
            return ReachStatus.MESSAGE_FAILED, None
        if message is not None and message.status == MessageStatus.SUPPRESSED:
            return ReachStatus.OPTED_OUT, None
        return ReachStatus.NO_ANSWER, None
    route = invitations.route_for(household, suppressed)
    if route is None:
        return ReachStatus.NO_CONTACT, None
    if route == ReachStatus.OPTED_OUT:
        return ReachStatus.OPTED_OUT, None
    return ReachStatus.NOT_INVITED, None


def event_standings(event, grade=None, language=None, status=None):
    """Every household invited to the event or with a child in its grades,
    with where it stands; filtered by a grade, a home language and a status
    (or NOT_REACHED_FILTER). Sorted by household name."""
    grades = _event_grades(event)
    invited = {invitation.household_id: invitation for invitation in db.session.execute(
        select(Invitation).where(Invitation.event_id == event.id)).scalars()}
    households = db.session.execute(
        select(Household).where(Household.school_id == event.school_id, or_(
            Household.id.in_(select(Student.household_id).where(
                Student.school_id == event.school_id, Student.active.is_(True), Student.grade.in_(grades))),
            Household.id.in_(select(Invitation.household_id).where(Invitation.event_id == event.id)),
        )).options(selectinload(Household.students), selectinload(Household.guardians))
    ).scalars().all()
    messages = {}
    for message in db.session.execute(
            select(OutboxMessage).where(OutboxMessage.event_id == event.id,
                                        OutboxMessage.invitation_id.is_not(None),
                                        OutboxMessage.kind.in_((MessageKind.INVITATION, MessageKind.FOLLOW_UP)))
            .order_by(OutboxMessage.id)).scalars():
        messages.setdefault(message.invitation_id, []).append(message)
    calls = {}
    for call in db.session.execute(
            select(CallOutcome).where(CallOutcome.event_id == event.id)
            .order_by(CallOutcome.created_at.desc(), CallOutcome.id.desc())).scalars():
        calls.setdefault(call.household_id, []).append(call)
    registrations = _ContactIndex(db.session.execute(
        select(Registration).where(Registration.event_id == event.id,
                                   ~seats.CANCELLED)).scalars())
    suppressed = invitations._suppressed_addresses()

    standings = []
    for household in households:
        invitation = invited.get(household.id)
        sent = messages.get(invitation.id, []) if invitation else []
        first = next((message for message in sent if message.kind == MessageKind.INVITATION), None)
        registration = next(iter(registrations.of(household)), None)
        household_calls = calls.get(household.id, [])
        status_now, reason = _standing_status(household, invitation, first, registration, household_calls,
                                              suppressed)
        students = active_students(household)
        children = [student for student in students if student.grade in grades] or students
        standings.append(Standing(household=household, status=status_now, reason=reason, invitation=invitation,
                                  messages=sent, registration=registration, calls=household_calls,
                                  children=children))
    standings.sort(key=lambda standing: (standing.household.name.casefold(), standing.household.id))
    return filter_standings(standings, grade, language, status)


def filter_standings(standings, grade=None, language=None, status=None):
    return [standing for standing in standings if _matches(standing, grade, language, status)]


def _matches(standing, grade, language, status):
    if grade and not any(student.grade == grade for student in active_students(standing.household)):
        return False
    if language and standing.household.language != language:
        return False
    if status == NOT_REACHED_FILTER:
        return standing.status in NOT_REACHED
    return not status or standing.status == status


def status_counts(standings):
    counts = Counter(standing.status for standing in standings)
    return [(status, counts[status]) for status in ReachStatus.values() if counts[status]]


def standing_languages(standings):
    """The home languages among the event's households, for the filter."""
    return sorted({standing.household.language for standing in standings})


# -- calls ------------------------------------------------------------------------------

def household_for_call(event, household_id):
    """A household on the event's list (invited, or with an active student
    in its grades), or None."""
    household = db.session.get(Household, household_id)
    if household is None or household.school_id != event.school_id:
        return None
    grades = _event_grades(event)
    invited = db.session.execute(select(Invitation.id).where(
        Invitation.event_id == event.id, Invitation.household_id == household.id)).first() is not None
    in_grades = any(student.grade in grades for student in active_students(household))
    return household if invited or in_grades else None


def record_call(event, household, staff, outcome, now, reason=None, note=""):
    """Record a call and do what it gave: "coming" registers the household
    (one adult and its children in the event's grades) under the same rules
    as the web form; "can't come" records the family's reason like the
    decline page does. Changes nothing when a rule says no."""
    if outcome not in CallResult.values():
        raise DomainError("choice_invalid", field="outcome")
    if outcome == CallResult.REACHED_CANT_COME and reason not in DeclineReason.values():
        raise DomainError("unknown_reason", field="reason")
    if not windows.is_open(event, now, windows.CALL):
        raise DomainError("event_closed")
    note = (note or "").strip()[:MAX_CALL_NOTE]
    invitation = db.session.execute(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.household_id == household.id)
    ).scalar_one_or_none()
    call = CallOutcome(event_id=event.id, household_id=household.id,
                       invitation_id=invitation.id if invitation else None, staff_id=staff.id if staff else None,
                       outcome=outcome, note=note, created_at=now)
    if outcome == CallResult.REACHED_COMING:
        language = invitation.language if invitation else invitations.message_language(household, event.school)
        details = invitations.household_details(household, event, language)
        if invitation is not None:
            registered = invitations.register(invitation, details, now, source=Source.STAFF, enforce_deadline=False)
        else:
            registered = registration_service.register(event.id, details, now, source=Source.STAFF,
                                                       enforce_deadline=False)
            registered.registration.household_id = household.id
        call.registration_id = registered.registration.id
    elif outcome == CallResult.REACHED_CANT_COME:
        call.decline_reason = reason
        if invitation is not None:
            decline = invitations.decline(invitation, now, reason=reason, note=note)
        else:
            decline = declines.record_decline(event, reason, invitations.message_language(household, event.school),
                                              now, note=note, name=household.name)
        call.decline_id = decline.id
    db.session.add(call)
    db.session.flush()
    return call


def forget_call_notes(cutoff):
    """A caller's notes name a family's circumstances: they go with the
    families of events that ended before `cutoff`; the outcomes stay."""
    db.session.execute(
        CallOutcome.__table__.update()
        .where(CallOutcome.event_id.in_(select(Event.id).where(Event.ends_at < cutoff)), CallOutcome.note != "")
        .values(note=""))


def call_records(household_ids):
    """Every call to these households, as the admin's per-contact export gives them."""
    calls = db.session.execute(
        select(CallOutcome).where(CallOutcome.household_id.in_(household_ids)).order_by(CallOutcome.created_at)
    ).scalars()
    return [{"event_id": call.event_id, "household_id": call.household_id, "outcome": call.outcome,
             "reason": call.decline_reason, "note": call.note, "at": call.created_at.isoformat()} for call in calls]


def call_counts(event_ids):
    """[(outcome, calls)] over these events, most common first."""
    counts = Counter(db.session.execute(
        select(CallOutcome.outcome).where(CallOutcome.event_id.in_(event_ids))).scalars())
    return sorted(counts.items(), key=lambda item: (-item[1], CallResult.values().index(item[0])))


# -- the school year ----------------------------------------------------------------------

def school_year_start(today):
    month, day = SCHOOL_YEAR_START
    start = date(today.year, month, day)
    return start if start <= today else date(today.year - 1, month, day)


def school_year(today):
    """(first day, last day) of the school year `today` is in."""
    start = school_year_start(today)
    return start, date(start.year + 1, *SCHOOL_YEAR_START) - timedelta(days=1)


@dataclass
class NotReachedHousehold:
    household: Household
    children: list
    invitations: int = 0
    last_invited_at: object = None
    calls: int = 0
    last_call: CallOutcome | None = None


@dataclass
class NotReached:
    since: date
    households: list  # NotReachedHousehold, filtered
    total: int  # not reached, before the filters
    roster_households: int
    by_grade: list  # [(grade, households)] before the filters
    by_language: list  # [(language, households)] before the filters


def _roster_households(school_id):
    return db.session.execute(
        select(Household).where(Household.school_id == school_id, Household.id.in_(
            select(Student.household_id).where(Student.school_id == school_id, Student.active.is_(True))))
        .options(selectinload(Household.students), selectinload(Household.guardians))
    ).scalars().all()


def not_reached(school, since, grade=None, language=None):
    """Households with an active student and, since `since` (a local date),
    no registration, no attendance and no answer (to an invitation or to a
    call): the list a family liaison works from."""
    since_utc = day_bounds(since, school.tz)[0]
    school_events = select(Event.id).where(Event.school_id == school.id)
    registrations = _ContactIndex(db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id).where(
            Registration.event_id.in_(school_events),
            or_(Registration.created_at >= since_utc,
                (Registration.attendance == Attendance.ATTENDED) & (Event.starts_at >= since_utc)))
    ).scalars())
    answered = set(db.session.execute(
        select(Invitation.household_id).where(Invitation.event_id.in_(school_events),
                                              Invitation.answer != InvitationAnswer.NONE,
                                              Invitation.answered_at >= since_utc)).scalars())
    answered |= set(db.session.execute(
        select(CallOutcome.household_id).where(CallOutcome.event_id.in_(school_events),
                                               CallOutcome.outcome.in_(CALLS_THAT_REACHED),
                                               CallOutcome.created_at >= since_utc)).scalars())
    sent = {}
    for household_id, sent_at in db.session.execute(
            select(Invitation.household_id, Invitation.sent_at).where(
                Invitation.event_id.in_(school_events), Invitation.sent_at >= since_utc)).all():
        sent.setdefault(household_id, []).append(sent_at)
    calls = {}
    for call in db.session.execute(
            select(CallOutcome).where(CallOutcome.event_id.in_(school_events), CallOutcome.created_at >= since_utc)
            .order_by(CallOutcome.created_at.desc(), CallOutcome.id.desc())).scalars():
        calls.setdefault(call.household_id, []).append(call)

    roster = _roster_households(school.id)
    missing = [household for household in roster
               if household.id not in answered and not registrations.of(household)]
    grade_counts, language_counts = Counter(), Counter()
    for household in missing:
        language_counts[household.language] += 1
        for code in {student.grade for student in active_students(household)}:
            grade_counts[code] += 1
    listed = []
    for household in missing:
        students = active_students(household)
        if grade and not any(student.grade == grade for student in students):
            continue
        if language and household.language != language:
            continue
        household_calls = calls.get(household.id, [])
        invited_at = sent.get(household.id, [])
        listed.append(NotReachedHousehold(
            household=household, children=students, invitations=len(invited_at),
            last_invited_at=max(invited_at) if invited_at else None,
            calls=len(household_calls), last_call=household_calls[0] if household_calls else None))
    listed.sort(key=lambda row: (row.household.language, row.household.name.casefold(), row.household.id))
    return NotReached(
        since=since, households=listed, total=len(missing), roster_households=len(roster),
        by_grade=[(code, grade_counts[code]) for code in GRADES if grade_counts[code]],
        by_language=sorted(language_counts.items(), key=lambda item: (-item[1], item[0])),
    )


# -- who the school reaches ------------------------------------------------------------------

@dataclass
class ReachRow:
    """One home language or one grade: its roster households, and how many
    of them were invited, registered and came."""

    key: str
    households: int = 0
    invited: int = 0
    registered: int = 0
    came: int = 0
    invited_registered: int = 0  # of the invited households, those that registered
    invited_came: int = 0

    @staticmethod
    def _share(part, whole):
        return part / whole if whole else None

    @property
    def registered_share(self):
        return self._share(self.registered, self.households)

    @property
    def came_share(self):
        return self._share(self.came, self.households)

    @property
    def invited_share(self):
        return self._share(self.invited, self.households)

    @property
    def invited_registered_share(self):
        return self._share(self.invited_registered, self.invited)

    @property
    def invited_came_share(self):
        return self._share(self.invited_came, self.invited)

    def add(self, invited, registered, came):
        self.households += 1
        self.invited += invited
        self.registered += registered
        self.came += came
        self.invited_registered += invited and registered
        self.invited_came += invited and came


@dataclass
class SchoolReach:
    start: date
    end: date
    total: ReachRow
    by_language: list  # [ReachRow], the largest language first
    by_grade: list  # [ReachRow], in grade order


def school_reach(school, start, end):
    """For the school's published events from `start` to `end` (local days):
    per home language and per grade, the roster households (with an active
    student) that were invited, registered (and did not cancel) and came."""
    window = day_bounds(start, school.tz, days=(end - start).days + 1)
    events = select(Event.id).where(Event.school_id == school.id, Event.status == EventStatus.PUBLISHED,
                                    Event.starts_at >= window[0], Event.starts_at < window[1])
    invited = set(db.session.execute(
        select(Invitation.household_id).where(Invitation.event_id.in_(events))).scalars())
    registrations = _ContactIndex(db.session.execute(
        select(Registration).where(Registration.event_id.in_(events),
                                   ~seats.CANCELLED)).scalars())
    total = ReachRow("")
    languages, grades = {}, {}
    for household in _roster_households(school.id):
        found = registrations.of(household)
        was_invited = household.id in invited
        registered = bool(found)
        came = any(registration.attendance == Attendance.ATTENDED for registration in found)
        total.add(was_invited, registered, came)
        languages.setdefault(household.language, ReachRow(household.language)).add(was_invited, registered, came)
        for code in {student.grade for student in active_students(household)}:
            grades.setdefault(code, ReachRow(code)).add(was_invited, registered, came)
    return SchoolReach(
        start=start, end=end, total=total,
        by_language=sorted(languages.values(), key=lambda row: (-row.households, row.key)),
        by_grade=[grades[code] for code in GRADES if code in grades],
    )
