"""Personal invitations to the roster's households: who would get one, how,
sending them (never twice to one household for one event), the one
follow-up, and registering from the invitation's link."""
import base64
import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import select

from ..config import LANGUAGES
from ..database import lock_row
from ..extensions import db
from ..models import (
    GRADES,
    Channel,
    DeclineReason,
    Event,
    Household,
    Invitation,
    InvitationAnswer,
    MessageKind,
    OutboxMessage,
    ReachStatus,
    Source,
    Student,
    Suppression,
)
from . import declines, registration as registration_service, windows
from .errors import DomainError
from .registration import FamilyDetails
from .tokens import hash_token

MAX_TOKEN_LENGTH = 64


# -- the link -----------------------------------------------------------------------

def invitation_token(secret, event_id, household_id):
    """The invitation's 128-bit link token. It is derived from the app's
    secret, so that the follow-up can carry the same link again, and only
    its hash is stored: the database alone opens no invitation."""
    digest = hmac.new(secret.encode(), f"invitation:{event_id}:{household_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def find_by_token(token):
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).scalar_one_or_none()


# -- who gets one ---------------------------------------------------------------------

def message_language(household, school):
    """The household's language when the portal speaks it, else the school's."""
    return household.language if household.language in LANGUAGES else school.default_language


def children_in_grades(household, grades):
    """The household's active students in these grades, youngest grade first."""
    chosen = [student for student in household.students if student.active and student.grade in grades]
    return sorted(chosen, key=lambda student: (GRADES.index(student.grade), student.id))


def households_in_grades(school_id, grades):
    """Households with at least one active student in `grades`."""
    return db.session.execute(
        select(Household).where(
            Household.school_id == school_id,
            Household.id.in_(select(Student.household_id).where(
                Student.school_id == school_id, Student.active.is_(True), Student.grade.in_(list(grades)))),
        ).order_by(Household.id)
    ).scalars().all()


def _suppressed_addresses():
    return {(channel, address) for channel, address in db.session.execute(
        select(Suppression.channel, Suppression.address)).all()}


def route_for(household, suppressed):
    """(channel, address) an invitation goes by, ReachStatus.OPTED_OUT when
    the household asked for no messages at every address, or None without
    any contact."""
    routes = []
    if household.channel == Channel.EMAIL:
        routes = [(Channel.EMAIL, household.email), (Channel.SMS, household.phone)]
    else:
        routes = [(Channel.SMS, household.phone), (Channel.EMAIL, household.email)]
    routes = [(channel, address) for channel, address in routes if address]
    if not routes:
        return None
    for route in routes:
        if route not in suppressed:
            return route
    return ReachStatus.OPTED_OUT


@dataclass
class LanguageGroup:
    language: str
    sms: int = 0
    email: int = 0
    sample: Household | None = None

    @property
    def households(self):
        return self.sms + self.email


@dataclass
class InvitationPlan:
    """Who an invitation of these grades would reach, per language, and the
    households counted apart."""

    grades: list
    groups: dict = field(default_factory=dict)  # language -> LanguageGroup
    no_contact: int = 0
    opted_out: int = 0
    already_invited: int = 0
    recipients: list = field(default_factory=list)  # (household, channel, address, language)

    @property
    def households(self):
        return len(self.recipients)


def plan(event, grades):
    grades = [grade for grade in GRADES if grade in grades]
    if not grades:
        raise DomainError("grades_missing", field="grades")
    school = event.school
    invited = set(db.session.execute(
        select(Invitation.household_id).where(Invitation.event_id == event.id)).scalars())
    suppressed = _suppressed_addresses()
    result = InvitationPlan(grades=grades)
    for household in households_in_grades(event.school_id, grades):
        if household.id in invited:
            result.already_invited += 1
            continue
        route = route_for(household, suppressed)
        if route is None:
            result.no_contact += 1
            continue
        if route == ReachStatus.OPTED_OUT:
            result.opted_out += 1
            continue
        channel, address = route
        language = message_language(household, school)
        group = result.groups.setdefault(language, LanguageGroup(language))
        setattr(group, channel, getattr(group, channel) + 1)
        group.sample = group.sample or household
        result.recipients.append((household, channel, address, language))
    result.groups = dict(sorted(result.groups.items()))
    return result


# -- sending --------------------------------------------------------------------------

def send_invitations(event, user, grades, secret, now):
    """One invitation and one outbox message per household not yet invited,
    in the caller's transaction. Returns the plan that was sent."""
    lock_row(Event, event.id)  # two organizers pressing Send at once invite each household once
    if windows.closed_reason(event, now):
        raise DomainError("event_closed")
    chosen = plan(event, grades)
    if not chosen.recipients:
        raise DomainError("invitation_no_households", field="grades")
    for household, channel, address, language in chosen.recipients:
        token = invitation_token(secret, event.id, household.id)
        invitation = Invitation(
            event_id=event.id, household_id=household.id, token_hash=hash_token(token), channel=channel,
            language=language, sent_at=now, created_by_id=user.id if user else None,
        )
        db.session.add(invitation)
        db.session.flush()
        db.session.add(OutboxMessage(
            event_id=event.id, invitation_id=invitation.id, kind=MessageKind.INVITATION, channel=channel,
            recipient=address, language=language, payload={}, next_attempt_at=now, created_at=now,
            dedupe_key=f"invitation:{invitation.id}",
        ))
    db.session.flush()
    return chosen


def open_invitations(event_id):
    return db.session.execute(
        select(Invitation).where(Invitation.event_id == event_id, Invitation.answer == InvitationAnswer.NONE)
        .order_by(Invitation.id)
    ).scalars().all()


def schedule_follow_up(event, when, now):
    """One follow-up to each household that has not answered, due at `when`
    (the worker sends it then, and skips a household that answered in the
    meantime). A household gets one follow-up, however often this is asked."""
    if when <= now:
        raise DomainError("follow_up_in_past", field="follow_up_day")
    if when >= event.starts_at:
        raise DomainError("follow_up_after_event", field="follow_up_day")
    scheduled = 0
    for invitation in open_invitations(event.id):
        if invitation.follow_up_at is not None:
            continue
        invitation.follow_up_at = when
        first = _first_message(invitation)
        if first is None:
            continue
        db.session.add(OutboxMessage(
            event_id=event.id, invitation_id=invitation.id, kind=MessageKind.FOLLOW_UP, channel=first.channel,
            recipient=first.recipient, language=invitation.language, payload={}, next_attempt_at=when,
            created_at=now, dedupe_key=f"follow-up:{invitation.id}",
        ))
        scheduled += 1
    db.session.flush()
    return scheduled


def _first_message(invitation):
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id,
                                    OutboxMessage.kind == MessageKind.INVITATION)
    ).scalar_one_or_none()


def follow_up_still_wanted(message):
    """Decided when the follow-up is sent: only to a household still without an answer."""
    invitation = message.invitation
    return invitation is not None and invitation.is_open


def mark_follow_up_sent(message, now):
    if message.kind == MessageKind.FOLLOW_UP and message.invitation is not None:
        message.invitation.follow_up_sent_at = now


def summary(event_id):
    """{answer: count} of an event's invitations, and how many follow-ups are planned."""
    invitations = db.session.execute(
        select(Invitation).where(Invitation.event_id == event_id)).scalars().all()
    counts = {answer: 0 for answer in InvitationAnswer.values()}
    for invitation in invitations:
        counts[invitation.answer] += 1
    return {
        "invited": len(invitations), **counts,
        "follow_up_planned": sum(1 for i in invitations if i.follow_up_at and not i.follow_up_sent_at),
        "follow_up_sent": sum(1 for i in invitations if i.follow_up_sent_at),
    }


# -- answering ------------------------------------------------------------------------

def prefilled_details(invitation):
    """What the registration form shows from the roster: the guardian, the
    household's contact and language, one adult and its children in the
    event's grades."""
    return household_details(invitation.household, invitation.event, invitation.language,
                             Channel.EMAIL if invitation.channel == Channel.EMAIL else Channel.SMS)


def household_details(household, event, language, contact_preference=Channel.SMS):
    """A household registered from the roster: one adult and its children
    in the event's grades, reached at the household's contact."""
    children = children_in_grades(household, event.grades)
    return FamilyDetails(
        name=household.name or (household.guardians[0].name if household.guardians else ""),
        language=language, adults=1, children=len(children),
        email=household.email, phone=household.phone,
        grades=sorted({student.grade for student in children}, key=GRADES.index),
        contact_preference=contact_preference,
    )


def _mark_answered(invitation, answer, now):
    invitation.answer = answer
    invitation.answered_at = now


def register(invitation, details, now, submission_key=None, address_hash=None, source=Source.ONLINE,
             enforce_deadline=True):
    """Register the household with the same rules as any family (capacity,
    waitlist, the event's lock); the registration points to the household
    and the invitation is answered."""
    registered = registration_service.register(
        invitation.event_id, details, now, submission_key=submission_key, address_hash=address_hash,
        source=source, enforce_deadline=enforce_deadline)
    registered.registration.household_id = invitation.household_id
    invitation.registration_id = registered.registration.id
    _mark_answered(invitation, InvitationAnswer.REGISTERED, now)
    db.session.flush()
    return registered


def decline(invitation, now, reason=None, note=""):
    """The household can't come. Without a reason yet (a text message
    answer "2"), it is recorded as "something else" until one arrives."""
    record = declines.record_decline(
        invitation.event, reason or DeclineReason.OTHER, invitation.language, now, note=note,
        name=invitation.household.name)
    invitation.decline_id = record.id
    invitation.decline_reason = reason
    _mark_answered(invitation, InvitationAnswer.CANT_COME, now)
    db.session.flush()
    return record


def give_reason(invitation, reason):
    if reason not in DeclineReason.values():
        raise DomainError("unknown_reason", field="reason")
    invitation.decline_reason = reason
    if invitation.decline is not None:
        invitation.decline.reason = reason
    db.session.flush()
