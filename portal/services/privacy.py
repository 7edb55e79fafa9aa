"""What a family can erase, what the portal forgets on its own, and what an
admin can export about one person."""
from datetime import timedelta

from sqlalchemy import or_, select

from ..extensions import db
from ..models import (
    CheckIn,
    Event,
    Need,
    OutboxMessage,
    Registration,
    Suppression,
)
from . import reach, roster
from .contact import normalize_email, normalize_phone
from .links import forget_links
from .registration import cancel_registration
from .sms_replies import forget_texts_before, forget_texts_from, texts_from
from .tokens import hash_token, new_manage_token

ERASED_NAME = ""


def erase_registration(registration, now):
    """Forget who the family is and what they asked for; keep the numbers
    (party size, grades, language, attendance) that reports count. The
    family's places go to the waitlist (the registration is cancelled as a
    family cancels), and the manage link stops working. Its phone and email
    also leave the school's roster."""
    cancel_registration(registration.id, now)
    roster.forget_contact(registration.event.school_id, registration.phone, registration.email)
    forget_texts_from(registration.phone)
    _forget(registration)
    db.session.flush()


def _forget(registration):
    registration.name = ERASED_NAME
    registration.search_name = ""
    registration.email = None
    registration.phone = None
    registration.phone_last4 = ""
    registration.address_hash = None
    registration.note = ""
    registration.submission_key = None
    # A fresh random hash that no link matches, and no link sent again.
    registration.token_hash = hash_token(new_manage_token())
    forget_links(registration.id)
    db.session.execute(Need.__table__.delete().where(Need.registration_id == registration.id))
    _forget_messages(OutboxMessage.registration_id == registration.id)
    db.session.expire(registration, ["needs"])


def _forget_messages(which):
    """Messages keep what they were about, not whom they went to: no
    address, no link, no provider's id or error text (which can name the
    address)."""
    db.session.execute(
        OutboxMessage.__table__.update().where(which)
        .values(recipient="", payload={}, last_error="", provider_id="")
    )


def anonymize_older_than(days, now):
    """Forget the families of events that ended more than `days` ago (and
    the notes of calls to them), and the students no roster import has
    listed for as long. Returns how many
    registrations were anonymized."""
    cutoff = now - timedelta(days=days)
    roster.forget_inactive_older_than(cutoff)
    reach.forget_call_notes(cutoff)
    registrations = db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at < cutoff, or_(Registration.email.is_not(None), Registration.phone.is_not(None),
                                           Registration.name != ERASED_NAME))
    ).scalars().all()
    for registration in registrations:
        _forget(registration)
    # Also the messages of families forgotten earlier, and of events whose registrations are gone.
    _forget_messages(OutboxMessage.event_id.in_(select(Event.id).where(Event.ends_at < cutoff))
                     & or_(OutboxMessage.recipient != "", OutboxMessage.last_error != "",
                           OutboxMessage.provider_id != ""))
    forget_texts_before(cutoff)
    db.session.flush()
    return len(registrations)


def export_contact(school_id, contact):
    """Everything held about the person with this phone or email, at one school."""
    email, phone = normalize_email(contact), normalize_phone(contact)
    matches = []
    if email and "@" in email:
        matches.append(Registration.email == email)
    if phone:
        matches.append(Registration.phone == phone)
    if not matches:
        return None
    registrations = db.session.execute(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.school_id == school_id, or_(*matches)).order_by(Registration.created_at)
    ).scalars().all()
    # Opt-outs are kept for every school at once; only those of a person this
    # school knows are its business.
    addresses = {address for registration in registrations for address in (registration.email, registration.phone)
                 if address in (email, phone)}
    guardians = roster.guardians_with_contact(school_id, phone, email if email and "@" in email else None)
    return {
        "contact": contact,
        "registrations": [_registration_record(registration) for registration in registrations],
        "roster": [roster.guardian_record(guardian) for guardian in guardians],
        "calls": reach.call_records({guardian.household_id for guardian in guardians}),
        "messages": [
            {"kind": message.kind, "channel": message.channel, "to": message.recipient,
             "language": message.language, "status": message.status,
             "created_at": message.created_at.isoformat(), "sent_at": message.sent_at.isoformat()
             if message.sent_at else None}
            for message in db.session.execute(
                select(OutboxMessage).where(OutboxMessage.registration_id.in_([r.id for r in registrations]))
                .order_by(OutboxMessage.created_at)
            ).scalars()
        ],
        "check_ins": [
            {"registration_id": row.registration_id, "action": row.action, "adults": row.adults,
             "children": row.children, "at": row.created_at.isoformat()}
            for row in db.session.execute(
                select(CheckIn).where(CheckIn.registration_id.in_([r.id for r in registrations]))
            ).scalars()
        ],
        "texts_received": texts_from(phone),
        "stopped_messages": [
            {"channel": row.channel, "address": row.address, "since": row.created_at.isoformat()}
            for row in db.session.execute(
                select(Suppression).where(Suppression.address.in_(addresses))
            ).scalars()
        ],
    }


def _registration_record(registration):
    text, _fallback = registration.event.text_for(registration.language)
    return {
        "id": registration.id,
        "event": {"id": registration.event_id, "title": text.title if text else "",
                  "starts_at_utc": registration.event.starts_at.isoformat()},
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "contact_preference": registration.contact_preference,
        "adults": registration.adults,
        "children": registration.children,
        "grades": registration.grades,
        "note": registration.note,
        "needs": [{"kind": need.kind, "quantity": need.quantity, "detail": need.detail}
                  for need in registration.needs],
        "source": registration.source,
        "check_in_code": registration.checkin_code,
        "attendance": registration.attendance,
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
    }
