"""The rules that keep one visitor from taking a school's places: the
largest party, phone numbers and the countries texts may go to, the network
a registration came from, and cancelling a burst."""
from datetime import timedelta

import pytest

from portal.models import MessageKind, MessageStatus, OutboxMessage, Registration, RegistrationStatus, Source
from portal.services import event_admin, planning as dashboard, privacy, registration as service
from portal.services.addresses import address_hash, in_networks, network_of, parse_networks
from portal.services.contact import display_phone, normalize_phone, phone_country, sms_countries
from portal.services.errors import RegistrationError


def error_of(call):
    with pytest.raises(RegistrationError) as caught:
        call()
    return caught.value


# -- the largest party -------------------------------------------------------------

def test_a_party_larger_than_the_events_largest_is_refused_online(db, make_event, family, now):
    event = make_event(capacity=600, max_party_size=8)
    error = error_of(lambda: service.register(event.id, family(adults=10, children=15), now))
    assert (error.code, error.field, error.params) == ("party_larger_than_limit", "adults", {"max": 8})
    db.session.rollback()
    assert db.session.query(Registration).count() == 0
    assert service.register(event.id, family(adults=2, children=6), now).registration.party_size == 8


def test_new_events_take_at_most_eight_people_per_family(db, make_event, family, now):
    event = make_event(capacity=100)
    assert event.max_party_size == 8
    assert error_of(lambda: service.register(event.id, family(adults=2, children=7), now)).code \
        == "party_larger_than_limit"


@pytest.mark.parametrize("source", [Source.STAFF, Source.WALK_IN])
def test_staff_may_register_a_party_past_the_largest(db, make_event, family, now, source):
    event = make_event(capacity=100, max_party_size=4)
    registered = service.register(event.id, family(adults=2, children=8), now, source=source,
                                  admit_over_capacity=source == Source.WALK_IN)
    assert registered.registration.status == RegistrationStatus.CONFIRMED


def test_a_family_cannot_grow_past_the_largest_by_editing_but_staff_can(db, make_event, family, now):
    event = make_event(capacity=100, max_party_size=4)
    registration = service.register(event.id, family(adults=2), now).registration
    db.session.commit()
    grown = family(adults=2, children=5, phone=registration.phone)
    assert error_of(lambda: service.update_registration(registration.id, grown, now)).code \
        == "party_larger_than_limit"
    db.session.rollback()
    service.update_registration(registration.id, grown, now, by_staff=True)
    assert db.session.get(Registration, registration.id).party_size == 7


def test_the_organizer_sets_the_largest_party_within_what_the_form_can_hold(db, school, make_event):
    event = make_event()
    details = event_admin.EventDetails(
        texts={"en": ("Breakfast", "")}, day=(event.starts_at + timedelta(days=1)).date(),
        starts=event.starts_at.time().replace(hour=8), ends=event.starts_at.time().replace(hour=9),
        location="Library", capacity=40, grades=["K"], max_party_size=26)
    with pytest.raises(event_admin.EventError) as caught:
        event_admin.create_event(school, None, details)
    assert (caught.value.code, caught.value.field) == ("max_party_size_out_of_range", "max_party_size")
    details.max_party_size = 5
    assert event_admin.create_event(school, None, details).max_party_size == 5


# -- phone numbers and text-message countries -----------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("(612) 555-0123", "+16125550123"),
    ("612.555.0199", "+16125550199"),
    ("1 612 555 0123", "+16125550123"),
    ("+1 612 555 7001", "+16125557001"),
    ("٦١٢٥٥٥٠١٢٣", "+16125550123"),  # Arabic-Indic digits
    ("+52 55 1234 5678", "+525512345678"),
    ("+16125551000", "+16125551000"),  # the test fixtures' numbers
])
def test_phone_numbers_are_stored_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", [
    "555 0123",  # too short
    "+44 7700 900012",  # a drama number: reserved, never a real phone
    "123 456 7890",  # no US area code starts with 1
    "612 555 0123 ext. 4",
    "call me",
    "+1 612 555 01234567",
])
def test_numbers_that_cannot_be_phones_are_refused(typed):
    assert normalize_phone(typed) is None


def test_a_number_without_country_code_is_read_in_the_schools_country():
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"
    assert phone_country("+442079460958") == "GB"
    assert normalize_phone("020 7946 0958", "US") is None


def test_texts_go_to_the_schools_country_unless_the_school_allows_more():
    assert sms_countries("US", "") == ["US"]
    assert sms_countries("CA", None) == ["CA"]
    assert sms_countries("US", "us, CA mx") == ["US", "CA", "MX"]


def test_phones_are_shown_nationally_at_home_and_internationally_otherwise():
    assert display_phone("+16125550123") == "(612) 555-0123"
    assert display_phone("+525512345678") == "+52 55 1234 5678"
    assert display_phone("+16125550123", region="MX") == "+1 612-555-0123"


# -- the network a registration came from ----------------------------------------------

def test_an_ipv6_phone_or_home_counts_as_its_64_network():
    assert network_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == network_of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert network_of("::ffff:198.51.100.7") == "198.51.100.7"
    assert network_of("not an address") is None


def test_the_address_is_kept_only_as_a_keyed_hash():
    hashed = address_hash("198.51.100.7", "secret")
    assert hashed == address_hash("198.51.100.7", "secret") and len(hashed) == 16
    assert "198" not in hashed
    assert hashed != address_hash("198.51.100.7", "another secret")
    assert hashed != address_hash("198.51.100.8", "secret")


def test_school_networks_are_cidrs():
    networks = parse_networks("192.0.2.0/24, 2001:db8:5::/48")
    assert in_networks("192.0.2.200", networks)
    assert in_networks("2001:db8:5:9::1", networks)
    assert not in_networks("198.51.100.7", networks)
    with pytest.raises(ValueError):
        parse_networks("192.0.2.0/33")


# -- bursts -------------------------------------------------------------------------

def _register_from(event, family, now, hashed, minutes_later=0, **fields):
    return service.register(event.id, family(**fields), now + timedelta(minutes=minutes_later),
                            address_hash=hashed).registration


def test_a_burst_is_many_registrations_from_one_network_minutes_apart(db, make_event, family, now):
    event = make_event(capacity=100)
    burst = [_register_from(event, family, now, "a" * 16, minutes) for minutes in (0, 1, 2, 3)]
    [_register_from(event, family, now, "b" * 16, minutes) for minutes in (0, 30, 60, 90)]  # slow: a household
    [_register_from(event, family, now, "c" * 16, minutes) for minutes in (0, 1, 2)]  # too few
    service.register(event.id, family(), now)  # staff, or from before addresses were kept
    db.session.commit()

    found = dashboard.bursts(event.id, minutes=10, size=4)
    assert [(b.address_hash, [r.id for r in b.registrations]) for b in found] == \
        [("a" * 16, [r.id for r in burst])]
    assert found[0].people == 4


def test_cancelling_a_burst_gives_places_to_the_waitlist_in_order_and_tells_only_real_families(
        db, make_event, family, now):
    event = make_event(capacity=16, max_party_size=8)
    fakes = [_register_from(event, family, now, "f" * 16, minutes, adults=2, children=6) for minutes in (0, 1)]
    fake_waiting = _register_from(event, family, now, "f" * 16, 2, adults=2, children=6)
    real_first = _register_from(event, family, now, None, 5, adults=3)
    real_second = _register_from(event, family, now, None, 6, adults=4)
    db.session.commit()
    assert [r.status for r in (real_first, real_second)] == [RegistrationStatus.WAITLISTED] * 2

    burst = dashboard.burst_from(event.id, "f" * 16, minutes=10, size=3)
    cancelled, promoted = service.cancel_burst(event.id, [r.id for r in burst.registrations], now)
    db.session.commit()

    assert {r.id for r in cancelled} == {r.id for r in fakes + [fake_waiting]}
    assert [r.id for r in promoted] == [real_first.id, real_second.id]
    messages = db.session.query(OutboxMessage).all()
    fake_ids = {r.id for r in cancelled}
    to_fakes = [m for m in messages if m.registration_id in fake_ids]
    assert to_fakes and all(m.status == MessageStatus.SUPPRESSED for m in to_fakes)
    assert not any(m.kind == MessageKind.CANCELLED for m in to_fakes)
    promoted_to = {m.registration_id for m in messages if m.kind == MessageKind.PROMOTED}
    assert promoted_to == {real_first.id, real_second.id}
    assert dashboard.bursts(event.id, minutes=10, size=3) == []


def test_erasing_a_family_forgets_where_they_registered_from(db, event, family, now):
    registration = _register_from(event, family, now, "e" * 16)
    privacy.erase_registration(registration, now)
    db.session.commit()
    assert db.session.get(Registration, registration.id).address_hash is None
