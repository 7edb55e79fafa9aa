"""One visitor must not be able to book out a school's events: the largest
party, text messages only to allowed countries, a form sent by a program,
registrations per network (in memory and in Redis), the organizer undoing
a burst, and the attack itself replayed."""
import re
import time
import uuid

import pytest
import redis
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from portal import create_app
from portal.bot_check import form_opened_stamp
from portal.config import TestConfig
from portal.extensions import db as _db, limiter
from portal.models import OutboxMessage, Registration, RegistrationStatus, Source
from portal.public.abuse import requester_hash
from tests.conftest import IsolatedClient
from tests.web.helpers import hidden_fields, registration_data, text_of, translated, translated_plural

ATTACKER = "203.0.113.66"
REDIS_URL = "redis://127.0.0.1:6379"


def registrations(db):
    db.session.rollback()
    return db.session.execute(select(Registration).order_by(Registration.id)).scalars().all()


def people_registered(db, event_id=None):
    db.session.rollback()
    statement = select(func.coalesce(func.sum(Registration.adults + Registration.children), 0)).where(
        Registration.status == RegistrationStatus.CONFIRMED)
    if event_id is not None:
        statement = statement.where(Registration.event_id == event_id)
    return db.session.execute(statement).scalar_one()


def error_next_to(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


def problems(html):
    match = re.search(r'<div class="problems"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def register(client, event, address="198.51.100.10", lang="en", opened_seconds_ago=None, **fields):
    """Open the registration form from `address` and send it."""
    url = f"/events/{event.id}/register?lang={lang}"
    environ = {"REMOTE_ADDR": address}
    data = hidden_fields(text_of(client.get(url, environ_base=environ)))
    if opened_seconds_ago is not None:
        data["opened"] = form_opened_stamp(at=time.time() - opened_seconds_ago)
    data.update(registration_data(**fields))
    return client.post(url, data=data, environ_base=environ)


_numbers = iter(range(100, 10000))


def phone():
    """A fresh real-format US number, different for each family."""
    return f"612 555 {next(_numbers):04d}"


# -- the largest party -----------------------------------------------------------------

def test_the_form_says_how_many_people_one_family_can_register(app, client, make_event):
    event = make_event(max_party_size=6)
    html = text_of(client.get(f"/events/{event.id}/register?lang=es"))
    assert translated_plural(app, "es", "Up to %(num)d person per family can register for this event.",
                             "Up to %(num)d people per family can register for this event.", 6) in html


def test_a_larger_party_is_refused_next_to_the_field_in_the_familys_language(app, client, db, make_event):
    event = make_event(capacity=600, max_party_size=8)
    response = register(client, event, lang="es", adults="10", children="15", childcare_children="0",
                        childcare_ages="")
    assert response.status_code == 422
    assert error_next_to(text_of(response), "adults") == translated(
        app, "es", "For this event, each family can bring up to %(max)s people. Please call the school if more of your family would like to come.", max=8)
    assert registrations(db) == []


def test_the_organizer_sets_the_largest_party_on_the_event_form(app, db, school, make_event, signed_in):
    staff = signed_in("organizer")
    event = make_event()
    page = text_of(staff.get(f"/staff/events/{event.id}/edit"))
    assert 'name="max_party_size"' in page and 'value="8"' in page
    from tests.web.test_organizer import edit_data

    response = staff.post(f"/staff/events/{event.id}/edit",
                          data=dict(edit_data(event, max_party_size="4"), **hidden_fields(page)))
    assert response.status_code == 302
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(type(event), event.id).max_party_size == 4


def test_staff_registering_by_phone_may_go_past_the_largest_party(app, db, school, make_event, signed_in):
    staff = signed_in("organizer")
    event = make_event(capacity=100, max_party_size=4)
    url = f"/staff/events/{event.id}/registrations/new"
    data = dict(hidden_fields(text_of(staff.get(url))), **registration_data(adults="3", children="5"))
    assert staff.post(url, data=data).status_code == 302
    [registration] = registrations(db)
    assert (registration.party_size, registration.source, registration.address_hash) == (8, Source.STAFF, None)


# -- phone numbers and countries -------------------------------------------------------------

def test_a_number_abroad_is_refused_with_a_word_about_email(app, client, db, event):
    response = register(client, event, lang="es", phone="+44 20 7946 0958")
    assert response.status_code == 422
    message = error_next_to(text_of(response), "phone")
    assert message == translated(
        app, "es", "We can only send text messages to phones in %(countries)s. Please give us your email address instead, and we will write to you there.",
        countries="Estados Unidos")
    assert registrations(db) == []
    assert register(client, event, lang="es", phone="", email="maria@example.org").status_code == 302


def test_a_school_can_allow_texts_to_more_countries(app, client, db, event, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_ALLOWED_COUNTRIES", "US GB")
    assert register(client, event, phone="+44 20 7946 0958").status_code == 302
    assert registrations(db)[0].phone == "+442079460958"


def test_made_up_numbers_are_refused_as_numbers(app, client, db, event):
    response = register(client, event, lang="es", phone="+44 7700 900012")
    assert error_next_to(text_of(response), "phone") == translated(
        app, "es", "Please check the phone number. Use only digits, like 555 201 3344.")
    assert registrations(db) == []


# -- a form sent by a program ------------------------------------------------------------------

def test_the_hidden_field_is_out_of_sight_and_out_of_reach(client, event):
    html = text_of(client.get(f"/events/{event.id}/register"))
    trap = re.search(r'<div class="trap">(.*?)</div>', html, re.S).group(1)
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap and 'name="website"' in trap
    css = text_of(client.get("/static/portal.css"))
    assert ".trap{display:none}" in css


def test_a_filled_hidden_field_is_refused_with_what_was_typed_kept(app, client, db, event):
    response = register(client, event, lang="es", website="http://cheap.example")
    html = text_of(response)
    assert response.status_code == 422
    assert translated(app, "es", "Sorry, we could not take this registration. Please check your answers, wait a moment, and send the form again.") in problems(html)
    assert "María González" in html and "Llegaremos 10 minutos tarde" in html
    assert registrations(db) == []
    assert OutboxMessage.query.count() == 0


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(app, client, db, event, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)
    refused = register(client, event, lang="es")
    assert refused.status_code == 422
    assert translated(app, "es", "Sorry, we could not take this registration. Please check your answers, wait a moment, and send the form again.") in problems(text_of(refused))
    assert registrations(db) == []

    data = dict(hidden_fields(text_of(client.get(f"/events/{event.id}/register"))), **registration_data())
    data["opened"] = "1000000000000.forged"
    assert client.post(f"/events/{event.id}/register", data=data).status_code == 422
    del data["opened"]
    assert client.post(f"/events/{event.id}/register", data=data).status_code == 422
    assert registrations(db) == []

    assert register(client, event, opened_seconds_ago=5).status_code == 302
    assert len(registrations(db)) == 1


def test_a_person_refused_for_speed_can_send_the_same_page_again(app, client, db, event, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)
    url = f"/events/{event.id}/register"
    data = dict(hidden_fields(text_of(client.get(url))), **registration_data())
    data["opened"] = form_opened_stamp(at=time.time() - 1)
    again = hidden_fields(text_of(client.post(url, data=data)))
    assert again["opened"] == data["opened"]  # the page keeps when the form was first opened
    data["opened"] = form_opened_stamp(at=time.time() - 4)
    assert client.post(url, data=data).status_code == 302


# -- registrations per network ----------------------------------------------------------------

def test_one_network_may_register_a_handful_of_families_per_event(limited_app, db, make_event):
    event, other_event = make_event(capacity=100), make_event(capacity=100)
    client = limited_app.test_client()
    answers = [register(client, event, address=ATTACKER, phone=phone()).status_code for _ in range(6)]
    assert answers == [302] * 6
    refused = register(client, event, address=ATTACKER, lang="es", phone=phone())
    assert refused.status_code == 429
    html = text_of(refused)
    assert translated(limited_app, "es", "Many registrations have come from your internet connection in the last hour, so we cannot take more right now. Please try again later, or call the school and we will register your family.") in problems(html)
    assert "María González" in html
    assert len(registrations(db)) == 6
    assert register(client, event, address="198.51.100.20", phone=phone()).status_code == 302
    assert register(client, other_event, address=ATTACKER, phone=phone()).status_code == 302


def test_families_behind_one_mobile_network_are_not_refused_for_typing_mistakes(limited_app, db, event):
    """A carrier NAT puts many phones behind one address: only registrations
    that are taken count, not a form sent back for a correction."""
    client = limited_app.test_client()
    shared = "100.64.0.1"
    for _ in range(12):
        assert register(client, event, address=shared, phone="612 555").status_code == 422
    answers = [register(client, event, address=shared, phone=phone()).status_code for _ in range(6)]
    assert answers == [302] * 6


def test_one_network_may_register_a_few_dozen_across_the_school(limited_app, db, make_event, monkeypatch):
    monkeypatch.setitem(limited_app.config, "REGISTRATIONS_PER_SCHOOL_LIMIT", "3 per hour")
    events = [make_event(capacity=100) for _ in range(3)]
    client = limited_app.test_client()
    answers = [register(client, events[index % 3], address=ATTACKER, phone=phone()).status_code
               for index in range(4)]
    assert answers == [302, 302, 302, 429]


def test_the_schools_own_network_gets_much_higher_limits(limited_app, db, event, monkeypatch):
    monkeypatch.setitem(limited_app.config, "SCHOOL_NETWORKS", "192.0.2.0/24, 2001:db8:5::/48")
    client = limited_app.test_client()
    answers = [register(client, event, address=f"192.0.2.{index % 3 + 1}", phone=phone(),
                        childcare_children="0", childcare_ages="", adults="1", children="0").status_code
               for index in range(10)]
    assert answers == [302] * 10


@pytest.fixture
def redis_limited_app(database_url, db):
    """The app with its rate limits in the real Redis, under a key prefix of its own."""
    prefix = f"test-sec-booking-{uuid.uuid4().hex}"
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    was_enabled = limiter.enabled
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix})
    app.test_client_class = IsolatedClient
    app.redis_prefix = prefix
    try:
        yield app
    finally:
        for key in connection.scan_iter(match=f"{prefix}*"):
            connection.delete(key)
        limiter._storage_options.pop("key_prefix", None)
        limiter.enabled = was_enabled
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_the_counts_live_in_redis_for_every_worker_to_share(redis_limited_app, db, event):
    client = redis_limited_app.test_client()
    answers = [register(client, event, address=ATTACKER, phone=phone()).status_code for _ in range(7)]
    assert answers == [302] * 6 + [429]
    assert len(registrations(db)) == 6

    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{redis_limited_app.redis_prefix}*registrations*"))
    assert len(keys) == 2 and not any(ATTACKER.encode() in key for key in keys)  # a hash, never the address
    with redis_limited_app.test_request_context():
        hashed = requester_hash(ATTACKER)
    another_worker = FixedWindowRateLimiter(RedisStorage(REDIS_URL, key_prefix=redis_limited_app.redis_prefix))
    assert not another_worker.test(parse("6 per hour"), "", "registrations", "event", str(event.id), hashed)
    assert another_worker.test(parse("6 per hour"), "", "registrations", "event", str(event.id + 1), hashed)


# -- the organizer undoes a burst ------------------------------------------------------------------

def test_the_dashboard_shows_a_burst_and_cancels_it_after_confirming(app, db, school, make_event, signed_in):
    event = make_event(capacity=24, max_party_size=8)
    client = app.test_client()
    for _ in range(3):
        register(client, event, address=ATTACKER, phone=phone(), adults="2", children="6",
                 childcare_children="0", childcare_ages="")
    register(client, event, address=ATTACKER, phone=phone(), adults="2", children="6",
             childcare_children="0", childcare_ages="")  # waitlisted
    real = register(client, event, address="198.51.100.30", phone=phone(), adults="2", children="1",
                    childcare_children="0", childcare_ages="")
    assert real.status_code == 302
    real_family = registrations(db)[-1]
    assert real_family.status == RegistrationStatus.WAITLISTED

    staff = signed_in("organizer")
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert "bursts-heading" in dashboard
    link = re.search(r'href="(/staff/events/\d+/bursts/[0-9a-f]+)"', dashboard).group(1)
    review = staff.get(link)
    assert review.status_code == 200
    assert text_of(review).count("<tr>") == 1 + 4  # a heading, and every registration in the burst
    assert [r.status for r in registrations(db)][:4] == ["confirmed"] * 3 + ["waitlisted"]  # GET changes nothing

    token = hidden_fields(text_of(review))["csrf_token"]
    assert staff.post(f"{link}/cancel", data={"csrf_token": token}).status_code == 302
    rows = registrations(db)
    assert [r.status for r in rows] == ["cancelled"] * 4 + ["confirmed"]
    messages = OutboxMessage.query.order_by(OutboxMessage.id).all()
    assert [(m.registration_id, m.kind) for m in messages if m.status == "pending"] == [
        (real_family.id, "waitlisted"), (real_family.id, "promoted")]
    assert "bursts-heading" not in text_of(staff.get(f"/staff/events/{event.id}"))


def test_a_burst_cannot_be_cancelled_without_the_confirmation_form(app, db, school, make_event, signed_in):
    event = make_event(capacity=100)
    client = app.test_client()
    for _ in range(4):
        register(client, event, address=ATTACKER, phone=phone())
    staff = signed_in("organizer")
    with app.test_request_context():
        hashed = requester_hash(ATTACKER)
    assert staff.post(f"/staff/events/{event.id}/bursts/{hashed}/cancel").status_code == 400  # no CSRF token
    assert staff.get(f"/staff/events/{event.id}/bursts/{'0' * 16}").status_code == 404
    assert [r.status for r in registrations(db)] == ["confirmed"] * 4


# -- the attack, replayed ----------------------------------------------------------------------

def test_one_visitor_can_no_longer_book_out_every_event(limited_app, db, make_event, monkeypatch):
    """28 anonymous POSTs in one second from one address, asking for 25
    people each with made-up British numbers, against 11 events; then the
    same from a patient program with real-looking numbers and the largest
    party allowed; then real families, who must all be confirmed."""
    monkeypatch.setitem(limited_app.config, "MIN_FORM_SECONDS", 3)  # as in production
    events = [make_event(capacity=60, max_party_size=8, days=7 + index) for index in range(11)]
    client = limited_app.test_client()

    for attempt in range(28):
        event = events[attempt % len(events)]
        url = f"/events/{event.id}/register"
        data = hidden_fields(text_of(client.get(url, environ_base={"REMOTE_ADDR": ATTACKER})))
        data.update(name=f"Family {attempt}", phone=f"+44 7700 9000{attempt:02d}", language="en",
                    adults="10", children="15")
        assert client.post(url, data=data, environ_base={"REMOTE_ADDR": ATTACKER}).status_code in (422, 429)
    assert people_registered(db) == 0
    assert OutboxMessage.query.count() == 0

    patient = "203.0.113.67"
    taken = [register(client, events[attempt % len(events)], address=patient, phone=phone(), opened_seconds_ago=4,
                      adults="2", children="6", childcare_children="0", childcare_ages="").status_code
             for attempt in range(28)]
    per_event, per_school = 6, 30  # REGISTRATIONS_PER_EVENT_LIMIT, REGISTRATIONS_PER_SCHOOL_LIMIT
    assert taken.count(302) <= per_school
    for event in events:
        assert people_registered(db, event.id) <= per_event * event.max_party_size
    assert people_registered(db) <= min(per_school, 28) * 8

    for index, event in enumerate(events):
        answer = register(client, event, address=f"198.51.100.{100 + index}", phone=phone(),
                          opened_seconds_ago=30, adults="2", children="1", childcare_children="0",
                          childcare_ages="")
        assert answer.status_code == 302
    real = [r for r in registrations(db) if (r.adults, r.children) == (2, 1)]
    assert len(real) == len(events)
    assert all(r.status == RegistrationStatus.CONFIRMED for r in real)


@pytest.mark.parametrize("setting, value", [("SCHOOL_NETWORKS", "192.0.2.0/33"),
                                            ("REGISTRATIONS_PER_EVENT_LIMIT", "a handful")])
def test_the_portal_will_not_start_with_limits_it_cannot_read(database_url, setting, value):
    with pytest.raises(ValueError, match=setting):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **{setting: value})
