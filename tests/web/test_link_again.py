"""A family who lost their link gets it again, and nobody else learns
anything: registering again with a known phone or email, or typing one on
a dead link's page, always gets the same answer; the link goes only to the
contact on file, at most once in ten minutes and a few times a day per
registration and per contact; and earlier links keep working."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.models import ManageToken, MessageKind, OutboxMessage, Registration
from portal.services import links, privacy, registration as registration_service
from portal.services.links import RESEND_GAP, RESENDS_PER_DAY
from tests.web.helpers import form_post, registration_data, text_of, translated

register = registration_service.register
SENT_AGAIN = "If you are registered, we have sent your link again to that phone or email."


def link_messages(db):
    db.session.rollback()
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.LINK).order_by(OutboxMessage.id)
    ).scalars().all()


def count(db, model):
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def main_of(response):
    return re.search(r"<main.*?</main>", text_of(response), re.S).group(0)


@pytest.fixture
def registered(db, event, family, now):
    result = register(event.id, family(name="María González", phone="+16125550123", email="maria@example.org",
                                       language="es"), now)
    db.session.commit()
    return result


# -- registering again with a known contact ------------------------------------------------

def test_registering_again_with_a_known_phone_says_neither_yes_nor_no_and_keeps_the_old_link(
        app, client, db, event, registered):
    response = form_post(app.test_client(), f"/events/{event.id}/register?lang=es",
                         registration_data(name="Someone Else", phone="(612) 555-0123"))

    assert response.status_code == 200
    html = text_of(response)
    assert translated(app, "es", SENT_AGAIN) in html
    assert "already registered" not in html and "ya está registrado" not in html
    assert registered.token not in html and registered.registration.checkin_code not in html
    assert count(db, Registration) == 1
    # the earlier link still opens the registration; the new one, sent to the phone on file, too
    assert client.get(f"/r/{registered.token}").status_code == 200
    [link] = link_messages(db)
    assert (link.registration_id, link.recipient) == (registered.registration.id, "+16125550123")
    assert client.get(f"/r/{link.payload['token']}").status_code == 200


def test_a_known_and_an_unknown_contact_get_the_same_page_on_the_dead_link_form(app, db, registered):
    answers = []
    for contact in ("612 555 0123", "612 555 0999", "maria@example.org", "nobody@example.org"):
        response = form_post(app.test_client(), "/link?lang=es", {"contact": contact})
        assert response.status_code == 200
        answers.append(main_of(response))
    assert len(set(answers)) == 1
    assert translated(app, "es", SENT_AGAIN) in answers[0]
    # only the registered contact got anything, once (the second ask came within ten minutes)
    assert [m.recipient for m in link_messages(db)] == ["+16125550123"]


def test_many_attempts_send_one_message(app, db, event, registered):
    browser = app.test_client()
    for _attempt in range(6):
        response = form_post(browser, f"/events/{event.id}/register", registration_data(phone="6125550123"))
        assert response.status_code == 200
    assert len(link_messages(db)) == 1


# -- the limits, per registration and per contact -----------------------------------------------

def test_a_registration_gets_its_link_again_once_in_ten_minutes_and_a_few_times_a_day(db, registered, now):
    registration_id = registered.registration.id
    moments = [now + RESEND_GAP * 1.1 * step for step in range(RESENDS_PER_DAY)]
    for moment in moments:
        assert len(links.send_link_again(registration_id, moment)) == 1
        assert links.send_link_again(registration_id, moment + timedelta(minutes=5)) == []
    assert links.send_link_again(registration_id, moments[-1] + RESEND_GAP * 2) == []  # enough for today
    assert len(links.send_link_again(registration_id, now + timedelta(days=1, minutes=1))) == 1


def test_a_contact_registered_twice_gets_both_links_in_one_message_round_then_waits(
        db, make_event, event, family, now, registered):
    other = make_event(texts={"en": ("Science night", "")}, days=10)
    second = register(other.id, family(phone="+16125550123", language="es"), now).registration
    past = make_event(days=-3)
    register(past.id, family(phone="+16125550123"), now - timedelta(days=5))
    cancelled = register(make_event(days=4).id, family(phone="+16125550123"), now).registration
    registration_service.cancel_registration(cancelled.id, now)
    db.session.commit()

    queued = links.send_links_to_contact("(612) 555-0123", now)
    assert sorted(m.registration_id for m in queued) == sorted([registered.registration.id, second.id])
    assert links.send_links_to_contact("6125550123", now + timedelta(minutes=3)) == []
    # the per-contact limit holds for the other way of asking too
    assert links.send_link_again(second.id, now + timedelta(minutes=4)) == []


def test_the_link_goes_to_the_contact_on_file_by_the_familys_own_channel(db, event, family, now):
    registration = register(event.id, family(phone="+16125550155", email="ana@example.org",
                                             contact_preference="email"), now).registration
    db.session.commit()
    [message] = links.send_links_to_contact("+1 612 555 0155", now)
    assert (message.channel, message.recipient) == ("email", "ana@example.org")
    assert message.registration_id == registration.id


# -- the dead link's page --------------------------------------------------------------------------

def test_a_dead_link_offers_to_send_the_link_again_in_the_familys_language(app, client, db, registered):
    response = client.get("/r/an-old-or-mistyped-token?lang=es")
    assert response.status_code == 404
    html = text_of(response)
    assert translated(app, "es", "Send me my link again") in html
    assert re.search(r'<form method="post" action="/link"', html)
    assert 'name="contact"' in html and 'name="csrf_token"' in html

    sent = form_post(client, "/link?lang=es", {"contact": "maria@example.org"})
    assert sent.status_code == 200 and translated(app, "es", SENT_AGAIN) in text_of(sent)
    [message] = link_messages(db)
    assert message.recipient == "+16125550123"  # the family's own channel, not what was typed
    assert client.get(f"/r/{message.payload['token']}").status_code == 200


@pytest.mark.parametrize("typed", ["", "hello", "bob,eve@example.org", "12"])
def test_something_that_is_not_a_phone_or_email_is_explained_next_to_the_field(app, client, db, registered, typed):
    response = form_post(client, "/link?lang=es", {"contact": typed})
    assert response.status_code == 422
    assert re.search(r'<p class="error" id="contact-error">', text_of(response))
    assert link_messages(db) == []


def test_erasing_a_registration_ends_every_link_sent_to_it(app, client, db, registered, now):
    [message] = links.send_link_again(registered.registration.id, now)
    db.session.commit()
    new_token = message.payload["token"]
    privacy.erase_registration(registered.registration, now)
    db.session.commit()
    for token in (registered.token, new_token):
        assert client.get(f"/r/{token}").status_code == 404
    assert count(db, ManageToken) == 0
