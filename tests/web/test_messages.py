"""Messages to families through the web: a registration that succeeds while
the mail server is down and is delivered later, opting out by email link
and by SMS, the manage link sent again, and an organizer's message to some
of the families, previewed, sent and tracked on the dashboard."""
import base64
import hashlib
import hmac
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select, update

import portal.public  # noqa: F401  (before the worker: see tests/unit/test_outbox.py)
from portal.models import (
    Campaign,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    Suppression,
    utcnow,
)
from portal.notifications.delivery import send_due
from portal.notifications.render import unsubscribe_token
from portal.services import links, registration as registration_service
from tests.servers import RecordingSender, free_port, smtp_server, use_smtp
from tests.web.helpers import form_post, hidden_fields, registration_data, text_of, translated

register = registration_service.register


def catalog(app, language, msgid, **params):
    with app.test_request_context(), force_locale(language):
        return gettext(msgid, **params)


def messages(db, **filters):
    db.session.expire_all()
    return db.session.execute(
        select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
    ).scalars().all()


def count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def mark_all_sent(db):
    db.session.execute(update(OutboxMessage).values(status=MessageStatus.SENT))
    db.session.commit()


def suppressed(db, channel, address):
    db.session.expire_all()
    return db.session.execute(
        select(Suppression).where(Suppression.channel == channel, Suppression.address == address)
    ).first() is not None


def token_from(response):
    assert response.status_code == 302, text_of(response)[:2000]
    match = re.fullmatch(r"(?:https?://[^/]+)?/r/([A-Za-z0-9_-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def error_next_to(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


@pytest.fixture
def organizer(signed_in):
    return signed_in("organizer")


# -- the mail server is down -----------------------------------------------------------

def test_registration_succeeds_while_smtp_is_down_and_the_email_arrives_once_later(app, db, client, event,
                                                                                  monkeypatch):
    port = free_port()  # nothing listens here yet
    use_smtp(monkeypatch, app, port)
    response = form_post(client, f"/events/{event.id}/register?lang=es", registration_data(
        email="maria.gonzalez@example.org", contact_preference="email"))
    token = token_from(response)
    assert client.get(f"/r/{token}").status_code == 200

    start = utcnow()
    assert send_due(now=start) == {MessageStatus.PENDING: 1}
    [message] = messages(db)
    assert (message.status, message.attempts, message.channel) == (MessageStatus.PENDING, 1, "email")
    assert message.last_error.startswith("SMTP")
    assert message.next_attempt_at > start
    assert message.payload == {"token": token}  # kept until it is delivered

    with smtp_server(port) as mailbox:
        assert send_due(now=start + timedelta(seconds=30)) == {}  # not due yet: no retry storm
        assert mailbox.envelopes == []
        assert send_due(now=start + timedelta(minutes=2)) == {MessageStatus.SENT: 1}
        assert send_due(now=start + timedelta(days=1)) == {}
        assert send_due(now=start + timedelta(days=2)) == {}
        [mail] = mailbox.messages
    assert mail["To"] == "maria.gonzalez@example.org"
    assert f"/r/{token}" in mail.get_body(("plain",)).get_content()
    [message] = messages(db)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert message.payload == {}


def test_an_undeliverable_email_shows_on_the_organizer_dashboard(app, db, event, family, now, organizer,
                                                                monkeypatch):
    use_smtp(monkeypatch, app, free_port())
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    register(event.id, family(name="Amina Hassan", language="ar", email="amina@example.org",
                              contact_preference="email"), now)
    db.session.commit()
    moment = utcnow()
    outcomes = []
    for _ in range(3):
        outcomes.append(send_due(now=moment))
        moment += timedelta(hours=7)
    assert outcomes == [{MessageStatus.PENDING: 1}, {MessageStatus.PENDING: 1}, {MessageStatus.FAILED: 1}]
    [message] = messages(db)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)

    html = text_of(organizer.get(f"/staff/events/{event.id}"))
    assert "<h3>Could not be delivered</h3>" in html
    failed = html.split("<h3>Could not be delivered</h3>", 1)[1].split("</ul>", 1)[0]
    assert "Amina Hassan" in failed and "amina@example.org" in failed and "Confirmation" in failed
    assert "SMTP" in failed
    assert re.search(r"Could not be delivered: (<strong>)?1\b", html)  # the delivery summary


def test_a_refused_registration_on_the_form_queues_nothing(db, client, event):
    response = form_post(client, f"/events/{event.id}/register", registration_data(
        children="0", childcare_children="2"))
    assert response.status_code == 422
    assert count(db, Registration) == 0
    assert count(db, OutboxMessage) == 0


# -- opting out by email ------------------------------------------------------------------

@pytest.fixture
def emailed(app, db, event, family, now):
    """A family that registered by email, and the confirmation it received."""
    registration = register(event.id, family(language="es", email="rosa@example.org",
                                             contact_preference="email"), now).registration
    db.session.commit()
    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 1}
    [mail] = sender.sent
    return registration, mail


def unsubscribe_path(mail):
    header = mail["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    url = header[1:-1]
    assert url in mail.get_body(("plain",)).get_content()
    assert f'href="{url}"' in mail.get_body(("html",)).get_content()
    return urlsplit(url).path


def test_the_unsubscribe_link_shows_a_page_then_stops_the_emails(app, db, client, emailed, now):
    registration, mail = emailed
    path = unsubscribe_path(mail)

    page = client.get(path + "?lang=es")
    assert page.status_code == 200
    html = text_of(page)
    assert re.search(r'<form[^>]*method="post"', html)
    assert translated(app, "es", "Stop my messages") in html
    assert not suppressed(db, "email", "rosa@example.org")  # a GET (a link scanner) changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert suppressed(db, "email", "rosa@example.org")
    assert client.post(path).status_code == 200  # twice is fine
    assert count(db, Suppression) == 1

    links.send_link_again(registration.id, now)
    db.session.commit()
    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SUPPRESSED: 1}
    assert sender.sent == []
    assert [m.status for m in messages(db)] == [MessageStatus.SENT, MessageStatus.SUPPRESSED]


def test_a_mail_clients_one_click_unsubscribe_works(db, client, emailed):
    _registration, mail = emailed
    response = client.post(unsubscribe_path(mail), data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert suppressed(db, "email", "rosa@example.org")


def test_a_forged_unsubscribe_token_is_not_found(app, db, client, emailed):
    _registration, mail = emailed
    real = unsubscribe_path(mail).rsplit("/", 1)[1]
    forged = [
        "not-a-token",
        real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        URLSafeSerializer("another-secret", salt="unsubscribe").dumps(["email", "rosa@example.org"]),
        URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(["email", "rosa@example.org"]),
    ]
    for token in forged:
        assert client.get(f"/unsubscribe/{token}").status_code == 404, token
        assert client.post(f"/unsubscribe/{token}").status_code == 404, token
    assert count(db, Suppression) == 0


def test_an_unsubscribe_token_names_only_its_own_address(app, db, client, emailed):
    with app.test_request_context():
        other = unsubscribe_token("email", "someone.else@example.org")
    assert client.post(f"/unsubscribe/{other}").status_code == 200
    assert suppressed(db, "email", "someone.else@example.org")
    assert not suppressed(db, "email", "rosa@example.org")


# -- opting out by SMS --------------------------------------------------------------------

PHONE = "+16125550142"


def inbound(client, body, sender=PHONE, headers=None):
    fields = {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "2" * 32, "From": sender,
              "To": "+15005550006", "Body": body, "NumMedia": "0"}
    return client.post("/sms/inbound", data=fields, headers=headers or {})


@pytest.mark.parametrize("word", ["STOP", "alto", " Stop ", "unsubscribe", "Parar"])
def test_stop_by_text_message_suppresses_that_number_at_once(db, client, event, family, now, word):
    registration = register(event.id, family(phone=PHONE, language="es"), now).registration
    db.session.commit()
    response = inbound(client, word)
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and "<Response/>" in text_of(response)
    assert suppressed(db, "sms", PHONE)

    sender = RecordingSender()  # the confirmation had not gone out yet: it never will
    assert send_due(senders=sender.senders()) == {MessageStatus.SUPPRESSED: 1}
    assert sender.sent == []
    assert messages(db, registration_id=registration.id)[0].status == MessageStatus.SUPPRESSED


def test_start_by_text_message_resumes(db, client, event, family, now):
    registration = register(event.id, family(phone=PHONE), now).registration
    db.session.commit()
    assert inbound(client, "STOP").status_code == 200
    assert inbound(client, "START").status_code == 200
    assert not suppressed(db, "sms", PHONE)
    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 1}
    assert [to for to, _body in sender.sent] == [registration.phone]


def test_other_words_and_other_numbers_change_nothing(db, client, event, family, now):
    register(event.id, family(phone=PHONE), now)
    db.session.commit()
    assert inbound(client, "Gracias, ahí estaremos").status_code == 200
    assert inbound(client, "STOP", sender="+16125550999").status_code == 200
    assert not suppressed(db, "sms", PHONE)
    assert suppressed(db, "sms", "+16125550999")
    assert count(db, Suppression) == 1


def twilio_signature(auth_token, url, fields):
    """Twilio's request signature: HMAC-SHA1 of the URL and the fields sorted by name, in base64."""
    data = url + "".join(name + fields[name] for name in sorted(fields))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def test_with_an_auth_token_only_correctly_signed_webhooks_are_accepted(app, db, client, monkeypatch):
    base = "https://events.lincoln.example"
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "twilio-secret")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    fields = {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "2" * 32, "From": PHONE,
              "To": "+15005550006", "Body": "STOP", "NumMedia": "0"}
    good = twilio_signature("twilio-secret", f"{base}/sms/inbound", fields)
    refused = {
        "no signature": {},
        "empty": {"X-Twilio-Signature": ""},
        "wrong token": {"X-Twilio-Signature": twilio_signature("guess", f"{base}/sms/inbound", fields)},
        "wrong url": {"X-Twilio-Signature": twilio_signature("twilio-secret", "http://127.0.0.1:5000/sms/inbound",
                                                             fields)},
        "other fields": {"X-Twilio-Signature": twilio_signature("twilio-secret", f"{base}/sms/inbound",
                                                                dict(fields, Body="HELLO"))},
    }
    for name, headers in refused.items():
        assert client.post("/sms/inbound", data=fields, headers=headers).status_code == 403, name
    assert not suppressed(db, "sms", PHONE)

    response = client.post("/sms/inbound", data=fields, headers={"X-Twilio-Signature": good})
    assert response.status_code == 200
    assert suppressed(db, "sms", PHONE)


# -- registered twice: the link goes again -------------------------------------------------

def test_registering_twice_sends_the_link_again_to_the_family_and_keeps_the_old_one(app, db, event):
    first = app.test_client()
    old_token = token_from(form_post(first, f"/events/{event.id}/register?lang=es", registration_data()))
    [registration] = db.session.execute(select(Registration)).scalars().all()
    mark_all_sent(db)

    again = app.test_client()  # another phone, or the same family a week later
    response = form_post(again, f"/events/{event.id}/register?lang=es", registration_data(name="Maria G."))
    assert response.status_code == 200
    html = text_of(response)
    assert translated(app, "es", "If you are registered, we have sent your link again to that phone or email.") in html
    assert old_token not in html  # the link goes to their phone, never to this page

    assert count(db, Registration) == 1
    [link] = messages(db, kind=MessageKind.LINK)
    assert link.registration_id == registration.id
    assert link.recipient == registration.phone
    new_token = link.payload["token"]
    assert new_token != old_token
    assert app.test_client().get(f"/r/{new_token}").status_code == 200
    assert app.test_client().get(f"/r/{old_token}").status_code == 200

    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 1}
    [(to, body)] = sender.sent
    school = event.school
    assert to == registration.phone
    assert body == catalog(app, "es", "%(school)s: your link for %(title)s: %(link)s", school=school.name,
                           title="Noche de juegos de matemáticas",
                           link=app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{new_token}")


# -- an organizer's message ------------------------------------------------------------------

SUBJECT_EN, BODY_EN = "Rides to math night", "The school bus leaves the library at 5:30 pm."
SUBJECT_ES, BODY_ES = "Transporte a la noche de matemáticas", "El autobús escolar sale de la biblioteca a las 5:30 pm."


@pytest.fixture
def audience(db, event, family, now):
    """Two Spanish-speaking families who asked for a ride (one by text, one by
    email), and families who should not get the message."""
    riders = [
        register(event.id, family(name="Lucía Pérez", language="es", transportation_seats=2, adults=2), now),
        register(event.id, family(name="José Ramírez", language="es", transportation_seats=1,
                                  email="jose@example.org", contact_preference="email"), now),
    ]
    register(event.id, family(name="Ana Torres", language="es"), now)  # no ride
    register(event.id, family(name="Sam Lee", language="en", transportation_seats=1), now)  # English
    gone = register(event.id, family(name="Carmen Ruiz", language="es", transportation_seats=1), now)
    registration_service.cancel_registration(gone.registration.id, now)
    db.session.commit()
    mark_all_sent(db)
    return [registered.registration for registered in riders]


def message_form(organizer, event, **fields):
    url = f"/staff/events/{event.id}/messages/new"
    token = hidden_fields(text_of(organizer.get(url)))["csrf_token"]
    data = dict(csrf_token=token, status="everyone", need="transportation", language="es",
                subject_en=SUBJECT_EN, body_en=BODY_EN, subject_es=SUBJECT_ES, body_es=BODY_ES, action="preview")
    data.update(fields)
    return organizer.post(url, data=data)


def organizer_messages(db):
    return messages(db, kind=MessageKind.ORGANIZER)


def test_preview_shows_the_number_of_families_and_a_preview_per_language(db, organizer, event, audience):
    response = message_form(organizer, event)
    assert response.status_code == 200
    html = text_of(response)
    assert "Preview: 2 families will get this" in html
    assert html.count('<article class="tile">') == 1  # only Spanish speakers
    preview = html.split('<article class="tile">', 1)[1].split("</article>", 1)[0]
    assert re.search(r"<h3>(Spanish|Español) · 2 families</h3>", preview)
    assert SUBJECT_ES in preview and BODY_ES in preview
    assert SUBJECT_EN not in preview
    assert 'value="send"' in html and "Send to 2 families" in html
    assert organizer_messages(db) == [] and count(db, Campaign) == 0  # a preview sends nothing


def test_send_queues_exactly_the_chosen_families_and_they_get_their_language(app, db, organizer, event, audience):
    response = message_form(organizer, event, action="send")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/events/{event.id}"
    assert "Your message is on its way to 2 families." in text_of(organizer.get(response.headers["Location"]))

    queued = organizer_messages(db)
    assert sorted(m.registration_id for m in queued) == sorted(r.id for r in audience)
    [campaign] = db.session.execute(select(Campaign)).scalars().all()
    assert campaign.recipients == 2
    assert {m.campaign_id for m in queued} == {campaign.id}

    sender = RecordingSender()
    assert send_due(senders=sender.senders()) == {MessageStatus.SENT: 2}
    texts = [item for item in sender.sent if isinstance(item, tuple)]
    emails = [item for item in sender.sent if not isinstance(item, tuple)]
    school = event.school
    [(to, body)] = texts
    assert to == audience[0].phone
    assert body == catalog(app, "es", "%(school)s: %(message)s", school=school.name, message=BODY_ES) + " " + \
        catalog(app, "es", "Reply STOP to stop messages.")
    [mail] = emails
    assert mail["To"] == "jose@example.org"
    assert mail["Subject"] == SUBJECT_ES
    assert BODY_ES in mail.get_body(("plain",)).get_content()
    assert BODY_EN not in mail.get_body(("plain",)).get_content()

    html = text_of(organizer.get(f"/staff/events/{event.id}"))
    row = html.split(SUBJECT_EN, 1)[1].split("</tr>", 1)[0]  # the message's row in the table
    assert re.search(r'<td class="num">\s*2\s*</td>', row)  # families
    assert "Sent: 2" in row  # its delivery status


def test_a_family_whose_language_was_not_written_gets_the_main_language(app, db, organizer, event, audience):
    response = message_form(organizer, event, language="", need="", subject_es="", body_es="", action="send")
    assert response.status_code == 302
    sender = RecordingSender()
    send_due(senders=sender.senders())
    bodies = [item[1] for item in sender.sent if isinstance(item, tuple)]
    assert len(bodies) + len([i for i in sender.sent if not isinstance(i, tuple)]) == 4  # every active family
    assert all(BODY_EN in body for body in bodies)


def test_a_missing_main_language_subject_is_refused_next_to_the_field(db, organizer, event, audience):
    for action in ("preview", "send"):
        response = message_form(organizer, event, subject_en="", action=action)
        assert response.status_code == 422
        assert error_next_to(text_of(response), "subject_en") == \
            "Please write a subject in the school&#39;s main language."
    assert organizer_messages(db) == [] and count(db, Campaign) == 0


def test_an_audience_with_no_one_is_refused(db, organizer, event, audience):
    preview = text_of(message_form(organizer, event, language="ko"))
    assert "Preview: 0 families will get this" in preview
    assert 'value="send"' not in preview  # nothing to send

    response = message_form(organizer, event, language="ko", action="send")
    assert "No family matches these choices, so there is no one to send to." in text_of(response)
    assert organizer_messages(db) == [] and count(db, Campaign) == 0


def test_a_refused_send_to_no_one_answers_422(organizer, event, audience):
    response = message_form(organizer, event, language="ko", action="send")
    assert response.status_code == 422
