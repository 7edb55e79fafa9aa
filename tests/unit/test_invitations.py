"""Invitations: who gets one, never twice, the follow-up once, and what a
text message answer is understood as."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import portal.public  # noqa: F401  (the worker's imports, as in the app)
from portal.models import (
    InboundSms,
    Invitation,
    InvitationAnswer,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    Suppression,
)
from portal.notifications.delivery import send_due
from portal.services import invitations
from portal.services.errors import DomainError
from portal.services.sms_replies import CANT_COME, COME, parse_reply
from tests.invitation_helpers import make_household
from tests.servers import RecordingSender

SECRET = "test-secret"


# -- the reply parser --------------------------------------------------------------------

@pytest.mark.parametrize("body, number", [
    ("1", 1), (" 2 ", 2), ("1.", 1), ("١", 1), ("٢", 2), ("۱", 1), ("۲", 2), ("१", 1), ("１", 1),
    ("3", 3), ("٧", 7), ("1 we will be there", 1),
])
def test_digits_in_any_script_are_numbers(body, number):
    assert parse_reply(body) == number


@pytest.mark.parametrize("word", [
    "yes", "Yes!", "YES", "sí", "Si", "oui", "wi", "có", "Co", "vâng", "نعم", "да", "Да", "是", "네", "haa",
    "sim", "так", "بله", "oo", "ndiyo",
])
def test_yes_in_each_language_means_come(word):
    assert parse_reply(word) == COME


@pytest.mark.parametrize("word", [
    "no", "No.", "non", "không", "khong", "لا", "нет", "不", "아니요", "maya", "não", "ні", "نه", "hindi", "hapana",
])
def test_no_in_each_language_means_cant_come(word):
    assert parse_reply(word) == CANT_COME


@pytest.mark.parametrize("body", ["", "   ", "hello", "maybe", "12345", "what time?", "1x"])
def test_anything_else_is_not_an_answer(body):
    assert parse_reply(body) is None


# -- who gets an invitation ---------------------------------------------------------------

def test_the_plan_counts_apart_households_without_contact_or_opted_out(db, school, event, now):
    make_household(db, school, "Rosa", "es", phone="+16125550101", grades=("1",))
    make_household(db, school, "Linh", "vi", email="linh@example.org", grades=("2", "5"))
    make_household(db, school, "Amina", "ar", phone="+16125550103", grades=("K",))
    make_household(db, school, "No Contact", "so", grades=("1",))
    make_household(db, school, "Opted Out", "en", phone="+16125550105", grades=("3",))
    make_household(db, school, "Other Grade", "en", phone="+16125550106", grades=("7",))
    db.session.add(Suppression(channel="sms", address="+16125550105"))
    db.session.commit()

    plan = invitations.plan(event, event.grades)

    assert plan.households == 3
    assert plan.no_contact == 1 and plan.opted_out == 1 and plan.already_invited == 0
    assert {language: (group.sms, group.email) for language, group in plan.groups.items()} == {
        "ar": (1, 0), "es": (1, 0), "vi": (0, 1)}


def test_a_household_in_an_unshipped_language_gets_the_schools_language(db, school, event):
    make_household(db, school, "Nepali family", "ne", phone="+16125550107")
    plan = invitations.plan(event, ["1"])
    assert list(plan.groups) == [school.default_language]


def test_a_household_is_never_invited_twice_to_one_event(db, school, event, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101")
    invitations.send_invitations(event, None, ["1"], SECRET, now)
    db.session.commit()
    make_household(db, school, "Linh", "vi", phone="+16125550102")

    second = invitations.send_invitations(event, None, ["1", "2"], SECRET, now)
    db.session.commit()

    assert [household.name for household, *_ in second.recipients] == ["Linh"]
    assert invitations.plan(event, ["1"]).already_invited == 2
    assert db.session.execute(select(Invitation).where(Invitation.household_id == rosa.id)).scalars().all()
    with pytest.raises(DomainError) as raised:
        invitations.send_invitations(event, None, ["1"], SECRET, now)
    assert raised.value.code == "invitation_no_households"
    messages = db.session.execute(select(OutboxMessage)).scalars().all()
    assert len(messages) == 2 and {m.kind for m in messages} == {MessageKind.INVITATION}


def test_the_database_refuses_a_second_invitation(db, school, event, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101")
    db.session.add(Invitation(event_id=event.id, household_id=rosa.id, token_hash="a" * 64, channel="sms",
                              language="es", sent_at=now))
    db.session.commit()
    db.session.add(Invitation(event_id=event.id, household_id=rosa.id, token_hash="b" * 64, channel="sms",
                              language="es", sent_at=now))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_link_token_is_128_bits_and_only_its_hash_is_stored(db, school, event, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101")
    invitations.send_invitations(event, None, ["1"], SECRET, now)
    db.session.commit()
    token = invitations.invitation_token(SECRET, event.id, rosa.id)
    assert len(token) == 22  # 16 bytes in URL-safe base64
    [invitation] = db.session.execute(select(Invitation)).scalars().all()
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert invitations.find_by_token(token) == invitation
    assert invitations.find_by_token(invitations.invitation_token("another secret", event.id, rosa.id)) is None


def test_the_prefilled_details_are_the_households_children_in_the_events_grades(db, school, event):
    linh = make_household(db, school, "Linh Tran", "vi", phone="+16125550102", grades=("3", "1", "7"))
    invitation = Invitation(event_id=event.id, household_id=linh.id, language="vi", channel="sms")
    invitation.event, invitation.household = event, linh
    details = invitations.prefilled_details(invitation)
    assert (details.name, details.adults, details.children, details.grades) == ("Linh Tran", 1, 2, ["1", "3"])
    assert details.phone == "+16125550102" and details.language == "vi"


# -- the follow-up ----------------------------------------------------------------------------

def test_the_follow_up_goes_once_and_only_to_households_that_have_not_answered(db, school, event, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101")
    linh = make_household(db, school, "Linh", "vi", phone="+16125550102")
    invitations.send_invitations(event, None, ["1"], SECRET, now)
    db.session.commit()
    sender = RecordingSender()
    assert send_due(now=now, senders=sender.senders()) == {MessageStatus.SENT: 2}

    when = now + timedelta(days=2)
    assert invitations.schedule_follow_up(event, when, now) == 2
    assert invitations.schedule_follow_up(event, when + timedelta(hours=1), now) == 0  # once
    db.session.commit()
    assert send_due(now=now + timedelta(days=1), senders=sender.senders()) == {}  # not due yet

    # Rosa answers before the follow-up goes: decided at send time, she gets none.
    rosa_invitation = db.session.execute(
        select(Invitation).where(Invitation.household_id == rosa.id)).scalar_one()
    invitations.decline(rosa_invitation, now + timedelta(days=1), "work")
    db.session.commit()

    assert send_due(now=when, senders=sender.senders()) == {MessageStatus.SENT: 1, MessageStatus.SUPPRESSED: 1}
    assert [to for to, _body in sender.sent[2:]] == [linh.phone]
    linh_invitation = db.session.execute(
        select(Invitation).where(Invitation.household_id == linh.id)).scalar_one()
    assert linh_invitation.follow_up_sent_at == when and rosa_invitation.follow_up_sent_at is None


def test_a_follow_up_must_be_between_now_and_the_event(db, school, event, now):
    with pytest.raises(DomainError):
        invitations.schedule_follow_up(event, now - timedelta(hours=1), now)
    with pytest.raises(DomainError):
        invitations.schedule_follow_up(event, event.starts_at + timedelta(hours=1), now)


def test_registering_from_an_invitation_points_to_the_household(db, school, event, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101", grades=("1", "2"))
    invitations.send_invitations(event, None, ["1", "2"], SECRET, now)
    [invitation] = db.session.execute(select(Invitation)).scalars().all()
    registered = invitations.register(invitation, invitations.prefilled_details(invitation), now)
    db.session.commit()
    registration = db.session.get(Registration, registered.registration.id)
    assert registration.household_id == rosa.id and registration.children == 2
    assert invitation.answer == InvitationAnswer.REGISTERED and invitation.registration_id == registration.id
    assert invitations.summary(event.id)["registered"] == 1


def test_texts_received_are_exported_and_forgotten_with_the_family(db, school, event, now, family):
    from portal.services import privacy, registration as registration_service, sms_replies

    phone = "+16125550120"
    make_household(db, school, "Rosa", "es", phone=phone)
    invitations.send_invitations(event, None, ["1"], SECRET, now)
    sms_replies.answer("SM" + "9" * 32, phone, "2", now)
    db.session.commit()
    assert [text["body"] for text in privacy.export_contact(school.id, phone)["texts_received"]] == ["2"]

    registration = registration_service.register(event.id, family(phone=phone), now).registration
    privacy.erase_registration(registration, now)
    db.session.commit()
    assert db.session.execute(select(InboundSms)).first() is None
    replies = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.SMS_REPLY)).scalars().all()
    assert replies and all(reply.recipient == "" for reply in replies)


def test_old_texts_are_forgotten_by_anonymize_old(db, school, event, now):
    from portal.services import privacy, sms_replies

    sms_replies.answer("SM" + "8" * 32, "+16125550121", "hello", now - timedelta(days=400))
    db.session.commit()
    privacy.anonymize_older_than(365, now)
    db.session.commit()
    assert db.session.execute(select(InboundSms)).first() is None
    [reply] = db.session.execute(select(OutboxMessage)).scalars().all()
    assert reply.recipient == ""
