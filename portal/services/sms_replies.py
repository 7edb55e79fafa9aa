"""Answers to invitations by text message: "1" (or "yes" in the family's
language) registers the household, "2" (or "no") records that it can't
come and asks why, the next number is the reason. Each answer is written
to the outbox; a provider's retry of the same message is answered once."""
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..extensions import db
from ..models import (
    DECLINE_REASONS_BY_NUMBER,
    Channel,
    Event,
    Household,
    InboundSms,
    Invitation,
    InvitationAnswer,
    MessageKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from ..notifications.inbound import START_WORDS, STOP_WORDS
from ..vocabulary import TextAnswer, TextReply
from . import invitations, links, outbox, seats
from .errors import DomainError, RegistrationError
from .schools import all_schools

COME, CANT_COME = 1, 2

# "Yes" and "no" as families write them in the portal's languages, compared
# after folding case and accents ("Sí" and "si", "không" and "khong").
YES_WORDS = {
    "yes", "y", "yeah", "yep", "ok", "okay",  # en
    "si", "claro",  # es
    "是", "是的", "好", "好的", "会", "去",  # zh
    "co", "vang", "da", "duoc",  # vi: có, vâng, dạ, được
    "نعم", "ايوه", "أيوه", "اه", "أجل",  # ar
    "haa", "haah", "haye",  # so
    "wi", "wii",  # ht
    "sim",  # pt
    "да",  # ru
    "네", "예", "응",  # ko
    "oui", "ouais",  # fr
    "так",  # uk
    "بله", "آره", "بلی",  # fa-AF
    "oo", "opo", "oho",  # fil
    "ndiyo", "ndio", "naam",  # sw
}
NO_WORDS = {
    "no", "n", "nope",  # en, es
    "不", "不是", "不去", "不能", "不会", "否",  # zh
    "khong",  # vi: không
    "لا", "كلا",  # ar
    "maya", "mayo",  # so
    "non",  # ht, fr
    "nao",  # pt: não
    "нет",  # ru
    "아니요", "아니오", "아니",  # ko
    "ні",  # uk
    "نه", "نخیر", "خیر",  # fa-AF
    "hindi",  # fil
    "hapana", "la",  # sw
}


def fold(text):
    """Case-free, accent-free: the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


FOLDED_YES = {fold(word) for word in YES_WORDS}
FOLDED_NO = {fold(word) for word in NO_WORDS}
TRIM = " \t\r\n.!?,;:¡¿。！？،؟…'\"()"


def number_in(word):
    """'1' -> 1, '١' -> 1, '۲' -> 2: digits in any script; None otherwise."""
    if not word or len(word) > 3:
        return None
    try:
        return int("".join(str(unicodedata.digit(ch)) for ch in word))
    except (TypeError, ValueError):
        return None


def parse_reply(body):
    """The number a text message answers with: a number as written, yes as 1,
    no as 2; None when it is none of these. Only the first word counts
    ("1 we will be there" is 1)."""
    words = (body or "").strip(TRIM).split()
    if not words:
        return None
    first = words[0].strip(TRIM)
    number = number_in(first)
    if number is not None:
        return number
    whole = fold(" ".join(words).strip(TRIM))
    for candidate in (whole, fold(first)):
        if candidate in FOLDED_YES:
            return COME
        if candidate in FOLDED_NO:
            return CANT_COME
    return None


@dataclass
class Answered:
    """What the family's message was understood as, and the reply queued."""

    understood_as: str
    reply: OutboxMessage | None = None
    invitation: Invitation | None = None


def _households(phone):
    return db.session.execute(select(Household).where(Household.phone == phone)).scalars().all()


def _invitation_to_answer(households, now):
    """The household's latest invitation still waiting for an answer (or for
    the reason it can't come), to an event still to come."""
    return db.session.execute(
        select(Invitation).join(Event, Event.id == Invitation.event_id).where(
            Invitation.household_id.in_([household.id for household in households]),
            Event.starts_at > now,
            (Invitation.answer == InvitationAnswer.NONE)
            | ((Invitation.answer == InvitationAnswer.CANT_COME) & Invitation.decline_reason.is_(None)),
        ).order_by(func.coalesce(Invitation.answered_at, Invitation.sent_at).desc(), Invitation.id.desc()).limit(1)
    ).scalar_one_or_none()


def _reply(phone, language, now, reply, school_id=None, invitation=None, provider_id=None, **payload):
    message = OutboxMessage(
        event_id=invitation.event_id if invitation else None, invitation_id=invitation.id if invitation else None,
        kind=MessageKind.SMS_REPLY, channel=Channel.SMS, recipient=phone, language=language,
        payload={"reply": reply, "school_id": school_id, **payload}, next_attempt_at=now, created_at=now,
        dedupe_key=f"reply:{provider_id}" if provider_id else None,
    )
    db.session.add(message)
    return message


def receive(provider_id, phone, body, now):
    """A text message from `phone`: STOP stops messages to it at once, START
    (or YES from a stopped number) resumes them; anything else may answer
    an invitation."""
    word = (body or "").strip().upper()
    if word in STOP_WORDS:
        outbox.suppress(Channel.SMS, phone, now)
        return Answered(TextAnswer.STOP)
    if word in START_WORDS and (parse_reply(word) is None or outbox.is_suppressed(Channel.SMS, phone)):
        outbox.unsuppress(Channel.SMS, phone)
        return Answered(TextAnswer.START)
    begin_write()
    return answer(provider_id, phone, body, now)


def answer(provider_id, phone, body, now):
    """Act on a family's text message and queue the reply. Returns Answered,
    or None for a provider's retry of a message already answered."""
    provider_id = (provider_id or "")[:64]
    record = None
    if provider_id:
        if db.session.execute(select(InboundSms.id).where(InboundSms.provider_id == provider_id)).first():
            return None
        record = InboundSms(provider_id=provider_id, phone=phone, body=(body or "")[:1000], received_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(record)
        except IntegrityError:
            return None  # the same message, answered by a concurrent request
    answered = _answer(phone, parse_reply(body), now, provider_id or None)
    if record is not None:
        record.understood_as = answered.understood_as
        record.invitation_id = answered.invitation.id if answered.invitation else None
    db.session.flush()
    return answered


def _answer(phone, number, now, provider_id):
    households = _households(phone)
    if not households:
        known = db.session.execute(select(Registration.id).where(Registration.phone == phone).limit(1)).first()
        if known:
            return Answered(TextAnswer.REGISTERED_FAMILY)  # not an invitation's answer: as before, nothing to say
        schools = all_schools()
        school = schools[0] if len(schools) == 1 else None
        return Answered(TextAnswer.UNKNOWN_NUMBER, _reply(
            phone, school.default_language if school else "en", now, TextReply.UNKNOWN_NUMBER,
            school.id if school else None, provider_id=provider_id))
    invitation = _invitation_to_answer(households, now)
    if invitation is None:
        household = households[0]
        school = household.school
        language = invitations.message_language(household, school)
        return Answered(TextAnswer.NO_INVITATION,
                        _reply(phone, language, now, TextReply.EVENTS, school.id, provider_id=provider_id))
    answered = _answer_invitation(invitation, phone, number, now, provider_id)
    answered.invitation = invitation
    return answered


def _answer_invitation(invitation, phone, number, now, provider_id):
    reply = dict(school_id=invitation.event.school_id, invitation=invitation, provider_id=provider_id)
    if invitation.awaits_reason:
        reason = DECLINE_REASONS_BY_NUMBER.get(number)
        if reason is None:
            return Answered(TextAnswer.HELP, _reply(phone, invitation.language, now, TextReply.REASONS, **reply))
        invitations.give_reason(invitation, reason)
        return Answered(TextAnswer.REASON, _reply(phone, invitation.language, now, TextReply.THANKS, **reply))
    if number == COME:
        return _come(invitation, phone, now, reply)
    if number == CANT_COME:
        try:
            with db.session.begin_nested():
                invitations.decline(invitation, now)
        except DomainError as error:  # the event was cancelled since
            return Answered(TextAnswer.REFUSED,
                            _reply(phone, invitation.language, now, TextReply.ERROR, error=error.code, **reply))
        return Answered(TextAnswer.CANT_COME, _reply(phone, invitation.language, now, TextReply.REASONS, **reply))
    return Answered(TextAnswer.HELP, _reply(phone, invitation.language, now, TextReply.HELP, **reply))


def _come(invitation, phone, now, reply):
    details = invitations.prefilled_details(invitation)
    details.phone, details.contact_preference = phone, Channel.SMS
    try:
        with db.session.begin_nested():
            registered = invitations.register(invitation, details, now)
    except RegistrationError as error:
        if error.code == "already_registered":
            # Registered another way already: the invitation is answered, and the link goes again.
            existing = db.session.get(Registration, error.params["registration_id"])
            invitation.registration_id = existing.id
            invitation.answer, invitation.answered_at = InvitationAnswer.REGISTERED, now
            links.send_link_again(existing.id, now)
            return Answered(TextAnswer.ALREADY_REGISTERED)
        params = {key: value for key, value in error.params.items() if key != "registration_id"}
        return Answered(TextAnswer.REFUSED, _reply(phone, invitation.language, now, TextReply.ERROR, error=error.code,
                                          params=params, **reply))
    registration = registered.registration
    confirmation = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)).scalars().first()
    if confirmation is not None and registration.status == RegistrationStatus.WAITLISTED:
        confirmation.payload = {**confirmation.payload,
                                "position": seats.waitlist_position(registration)}
    return Answered(TextAnswer.COME, confirmation)


# -- privacy ------------------------------------------------------------------------------

def forget_texts_from(phone):
    """A family erasing its details: what it texted us goes too, and so do the
    addresses of the replies to it."""
    if not phone:
        return
    db.session.execute(InboundSms.__table__.delete().where(InboundSms.phone == phone))
    _forget_replies((OutboxMessage.kind == MessageKind.SMS_REPLY) & (OutboxMessage.recipient == phone))


def forget_texts_before(cutoff):
    db.session.execute(InboundSms.__table__.delete().where(InboundSms.received_at < cutoff))
    _forget_replies((OutboxMessage.kind == MessageKind.SMS_REPLY) & (OutboxMessage.created_at < cutoff)
                    & (OutboxMessage.recipient != ""))


def _forget_replies(which):
    db.session.execute(
        OutboxMessage.__table__.update().where(which).values(recipient="", payload={}, last_error="", provider_id=""))


def texts_from(phone):
    """What this phone texted us, for the admin's per-contact export."""
    return [
        {"body": text.body, "understood_as": text.understood_as, "received_at": text.received_at.isoformat()}
        for text in db.session.execute(
            select(InboundSms).where(InboundSms.phone == phone).order_by(InboundSms.received_at)).scalars()
    ] if phone else []
