"""Inviting families from an event's page, the personal link /i/<token>,
and answers by text message through the SMS webhook, end to end with the
local stand-in for the SMS provider."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.clock import to_local
from portal.models import (
    Decline,
    InboundSms,
    Invitation,
    InvitationAnswer,
    MessageKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from portal.notifications.delivery import send_due
from portal.notifications.invitation_text import REASONS_QUESTION, REPLY_HINT
from portal.services import invitations, registration as registration_service
from tests.invitation_helpers import make_household
from tests.servers import TWILIO_TOKEN, twilio  # noqa: F401  (fixture)
from tests.web.helpers import hidden_fields, post, text_of
from tests.web.test_messages import twilio_signature

BASE = "https://events.lincoln.example"


class FormValues(HTMLParser):
    """What a form sends as the page shows it: inputs' values, checked boxes, chosen options."""

    def __init__(self):
        super().__init__()
        self.values, self._select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.values.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.values.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(html):
    parser = FormValues()
    parser.feed(html)
    return parser.values


def _invitation(db, household):
    return db.session.execute(select(Invitation).where(Invitation.household_id == household.id)).scalar_one()


def _token(app, event, household):
    return invitations.invitation_token(app.config["SECRET_KEY"], event.id, household.id)


# -- the organizer's page -----------------------------------------------------------------

def test_the_preview_shows_each_language_its_channels_and_the_households_counted_apart(
        app, db, school, event, signed_in):
    staff = signed_in("organizer")
    make_household(db, school, "Rosa", "es", phone="+16125550101", grades=("1",))
    make_household(db, school, "Linh", "vi", email="linh@example.org", grades=("2",))
    make_household(db, school, "Nobody", "so", grades=("3",))
    page = staff.get(f"/staff/events/{event.id}/invite")
    html = text_of(page)
    assert page.status_code == 200
    assert "Preview: 2 households will get this" in html
    assert "No phone or email: 1" in html and "Opted out: 0" in html
    assert "By text message: 1, by email: 0" in html and "By text message: 0, by email: 1" in html
    assert "Noche de juegos de matemáticas" in html  # the Spanish text, as Rosa reads it
    assert "Invite 2 households" in html
    assert "/i/" in html and invitations.invitation_token(app.config["SECRET_KEY"], event.id, 0) in html
    assert db.session.execute(select(Invitation)).first() is None  # a preview sends nothing


def test_sending_writes_one_message_per_household_in_one_go(app, db, school, event, signed_in):
    staff = signed_in("organizer")
    make_household(db, school, "Rosa", "es", phone="+16125550101", grades=("1",))
    make_household(db, school, "Grade 7", "es", phone="+16125550102", grades=("7",))
    response = post(staff, f"/staff/events/{event.id}/invite", {"grades": ["1", "2"], "action": "send"})
    assert response.status_code == 302
    messages = db.session.execute(select(OutboxMessage)).scalars().all()
    assert [(m.kind, m.recipient, m.language) for m in messages] == [
        (MessageKind.INVITATION, "+16125550101", "es")]
    page = text_of(staff.get(f"/staff/events/{event.id}/invite"))
    assert "Invited: 1" in page and "Already invited: 1" in page and "No answer yet: 1" in page
    again = post(staff, f"/staff/events/{event.id}/invite", {"grades": ["1"], "action": "send"})
    assert again.status_code == 422 and "No household in these grades is left to invite." in text_of(again)
    assert len(db.session.execute(select(OutboxMessage)).scalars().all()) == 1


def test_the_follow_up_is_planned_at_the_chosen_time(app, db, school, event, signed_in, now):
    staff = signed_in("organizer")
    make_household(db, school, "Rosa", "es", phone="+16125550101")
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()
    local = to_local(now + timedelta(days=2), school.tz)
    response = post(staff, f"/staff/events/{event.id}/invite/follow-up",
                    {"follow_up_day": local.strftime("%Y-%m-%d"), "follow_up_time": local.strftime("%H:%M")})
    assert response.status_code == 302
    [follow_up] = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.FOLLOW_UP)).scalars().all()
    assert follow_up.next_attempt_at == (now + timedelta(days=2)).replace(second=0, microsecond=0)
    late = post(staff, f"/staff/events/{event.id}/invite/follow-up",
                {"follow_up_day": "2099-01-01", "follow_up_time": "10:00"})
    assert late.status_code == 422 and "The follow-up must go before the event starts." in text_of(late)


# -- the personal link ----------------------------------------------------------------------

def test_the_link_opens_the_form_filled_in_and_two_taps_register(app, db, school, event, client, now):
    rosa = make_household(db, school, "Rosa Díaz", "es", phone="+16125550101", grades=("1", "3"))
    invitations.send_invitations(event, None, ["1", "3"], app.config["SECRET_KEY"], now)
    db.session.commit()
    url = f"/i/{_token(app, event, rosa)}"
    page = client.get(url)
    html = text_of(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'value="Rosa Díaz"' in html and 'value="+16125550101"' in html
    assert 'lang="es"' in html  # the household's language
    values = form_values(html)
    assert ("children", "2") in values and ("grades", "1") in values and ("grades", "3") in values

    response = client.post(url, data=MultiDict(values))  # the second tap: Register
    assert response.status_code == 302 and "/r/" in response.headers["Location"]
    registration = db.session.execute(select(Registration)).scalar_one()
    assert registration.household_id == rosa.id and (registration.adults, registration.children) == (1, 2)
    invitation = _invitation(db, rosa)
    assert invitation.answer == InvitationAnswer.REGISTERED and invitation.registration_id == registration.id
    # Opening the link again never registers twice: the family's link goes to its phone.
    assert "link" in text_of(client.get(url)).lower()
    assert db.session.execute(select(Registration)).scalars().all() == [registration]


def test_an_unknown_token_gets_the_dead_link_page(client, db):
    response = client.get("/i/not-a-real-token")
    assert response.status_code == 404
    assert "Send me my link again" in text_of(response)


def test_cant_come_from_the_link_records_the_reason_against_the_invitation(app, db, school, event, client, now):
    rosa = make_household(db, school, "Rosa", "es", phone="+16125550101")
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()
    url = f"/i/{_token(app, event, rosa)}/decline"
    page = client.get(url)
    response = client.post(url, data=dict(hidden_fields(text_of(page)), reason="childcare", note="", name="Rosa"))
    assert response.status_code == 302
    invitation = _invitation(db, rosa)
    assert invitation.answer == InvitationAnswer.CANT_COME and invitation.decline_reason == "childcare"
    assert db.session.get(Decline, invitation.decline_id).reason == "childcare"


# -- answers by text message, end to end --------------------------------------------------------

def inbound(client, body, sender, sid):
    fields = {"MessageSid": sid, "AccountSid": "AC" + "2" * 32, "From": sender, "To": "+15005550006",
              "Body": body, "NumMedia": "0"}
    signature = twilio_signature(TWILIO_TOKEN, f"{BASE}/sms/inbound", fields)
    response = client.post("/sms/inbound", data=fields, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    return response


def catalog(app, language, message, **params):
    """The catalog's text for `message` (a msgid or a lazy string) in `language`."""
    with app.test_request_context(), force_locale(language):
        return gettext(str(message), **params)


@pytest.fixture
def sms_app(app, monkeypatch, twilio):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return twilio


def _texts_to(twilio, phone):  # noqa: F811
    return [request.fields["Body"] for request in twilio.received() if request.fields["To"] == phone]


YES = {"en": "Yes", "es": "sí", "ar": "نعم", "vi": "có"}
DIGIT_TWO = {"en": "2", "es": "2", "ar": "٢", "vi": "2"}
DIGIT_THREE = {"en": "3", "es": "3", "ar": "٣", "vi": "3"}


@pytest.mark.parametrize("language", ["en", "es", "ar", "vi"])
def test_yes_by_text_registers_the_household_and_replies_with_its_link(
        app, db, school, event, client, now, sms_app, language):
    phone = "+16125550111"
    household = make_household(db, school, "Family", language, phone=phone, grades=("K", "2"))
    invitations.send_invitations(event, None, ["K", "1", "2", "3"], app.config["SECRET_KEY"], now)
    db.session.commit()
    send_due()
    [invitation_text] = _texts_to(sms_app, phone)
    assert catalog(app, language, REPLY_HINT) in invitation_text
    assert f"{BASE}/i/{_token(app, event, household)}" in invitation_text

    inbound(client, YES[language], phone, "SM" + "a" * 32)
    inbound(client, YES[language], phone, "SM" + "a" * 32)  # the provider retries: answered once
    send_due()

    [registration] = db.session.execute(select(Registration)).scalars().all()
    assert registration.household_id == household.id and registration.status == RegistrationStatus.CONFIRMED
    assert (registration.adults, registration.children, registration.language) == (1, 2, language)
    texts = _texts_to(sms_app, phone)
    assert len(texts) == 2  # the invitation, then one confirmation with the family's code and link
    assert registration.checkin_code in texts[1] and f"{BASE}/r/" in texts[1]
    assert _invitation(db, household).answer == InvitationAnswer.REGISTERED
    assert db.session.execute(select(InboundSms)).scalar_one().understood_as == "come"


@pytest.mark.parametrize("language", ["en", "es", "ar", "vi"])
def test_two_by_text_asks_why_and_the_next_number_is_the_reason(
        app, db, school, event, client, now, sms_app, language):
    phone = "+16125550112"
    household = make_household(db, school, "Family", language, phone=phone)
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()

    inbound(client, DIGIT_TWO[language], phone, "SM" + "b" * 32)
    inbound(client, DIGIT_THREE[language], phone, "SM" + "c" * 32)
    send_due()

    invitation = _invitation(db, household)
    assert invitation.answer == InvitationAnswer.CANT_COME and invitation.decline_reason == "childcare"
    assert db.session.get(Decline, invitation.decline_id).reason == "childcare"
    assert db.session.execute(select(Registration)).first() is None
    texts = _texts_to(sms_app, phone)
    assert catalog(app, language, REASONS_QUESTION, school=school.sms_sender) in texts[1]
    assert catalog(app, language, "Thank you for telling us. It helps us plan events that work for your family.") \
        in texts[2]


def test_a_full_event_puts_the_household_on_the_waitlist_and_says_its_place(
        app, db, school, make_event, client, now, sms_app, family):
    event = make_event(capacity=2)
    registration_service.register(event.id, family(adults=2), now)
    phone = "+16125550113"
    make_household(db, school, "Family", "en", phone=phone, grades=("1",))
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()
    inbound(client, "1", phone, "SM" + "d" * 32)
    send_due()
    registration = db.session.execute(select(Registration).where(Registration.phone == phone)).scalar_one()
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "You are number 1 on the waiting list." in _texts_to(sms_app, phone)[-1]


def test_other_words_get_help_and_unknown_numbers_a_pointer_to_the_web(
        app, db, school, event, client, now, sms_app):
    phone = "+16125550114"
    make_household(db, school, "Family", "es", phone=phone)
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()
    inbound(client, "¿a qué hora?", phone, "SM" + "e" * 32)
    inbound(client, "hello", "+16125550199", "SM" + "f" * 32)
    send_due()
    assert catalog(app, "es", REPLY_HINT) in _texts_to(sms_app, phone)[-1]
    [pointer] = _texts_to(sms_app, "+16125550199")
    assert f"{BASE}/" in pointer and "could not find this phone number" in pointer
    assert db.session.execute(select(Registration)).first() is None


def test_stop_still_stops_and_yes_from_a_stopped_number_resumes(app, db, school, event, client, now, sms_app):
    phone = "+16125550115"
    household = make_household(db, school, "Family", "en", phone=phone)
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    db.session.commit()
    inbound(client, "STOP", phone, "SM" + "1" * 32)
    assert invitations.plan(event, ["1"]).already_invited == 1
    inbound(client, "YES", phone, "SM" + "2" * 32)  # START for a stopped number: no registration
    assert db.session.execute(select(Registration)).first() is None
    assert _invitation(db, household).is_open


@pytest.mark.parametrize("body", ["1", "2"])
def test_an_answer_to_a_cancelled_event_says_so(app, db, school, event, client, now, sms_app, body):
    phone = "+16125550116"
    make_household(db, school, "Family", "en", phone=phone)
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], now)
    event.status = "cancelled"
    db.session.commit()
    inbound(client, body, phone, "SM" + "3" * 32)
    send_due()
    assert db.session.execute(select(Registration)).first() is None
    assert db.session.execute(select(Decline)).first() is None
    assert "This event was cancelled." in _texts_to(sms_app, phone)[-1] or \
        "This event is no longer taking answers." in _texts_to(sms_app, phone)[-1]
