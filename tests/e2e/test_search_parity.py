"""Finding a family follows one set of rules (portal.services.search),
whether the server answers at the door (search.json), the organizer
searches the registrations table, or the door's page searches the list it
holds (frontdesk.js, as the desk types and while offline). One table of
cases runs against all three, so they cannot drift."""
from datetime import timedelta

import pytest

from portal.models import utcnow
from portal.services import planning as dashboard, registration as registration_service
from portal.services.search import search
from tests.conftest import sign_in
from tests.e2e.test_frontdesk import TABLET, open_event

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with how to install it
    expect = None

# key: (name, phone, email); the event has room for all but the last
# confirmed family, who waits; "carla" cancels.
FAMILIES = {
    "jose": ("José Núñez", "+16125550123", "jose.nunez@example.org"),
    "lan": ("Nguyễn Thị Lan", "+16125554567", None),
    "fatima": ("فاطِمة الزهراء", "+16125557788", "f.zahra@example.org"),
    "dang": ("Đặng Văn Minh", "+16125550199", None),
    "zoe": ("Zoë Strauß", "+17635550123", "zoe@example.org"),
    "carla": ("Carla Cancelled", "+16125550777", None),
}
WAITING, CANCELLED = "zoe", "carla"

# (what the desk types, the families it finds); "{jose}" is José's check-in code.
CASES = [
    ("jose", {"jose"}),
    ("NÚÑEZ", {"jose"}),
    ("josé núñez", {"jose"}),
    ("nunez jose", {"jose"}),
    ("nún", {"jose"}),
    ("Nguyễn", {"lan"}),
    ("nguyen lan", {"lan"}),
    ("THI", {"lan"}),
    ("dang minh", {"dang"}),
    ("Đặng", {"dang"}),
    ("فاطمة", {"fatima"}),
    ("الزهراء", {"fatima"}),
    ("فاطِمة", {"fatima"}),  # typed with its vowel mark, as it was registered
    ("zoe", {"zoe"}),  # waiting families are found too
    ("STRAUSS", {"zoe"}),
    ("strauß", {"zoe"}),
    ("0123", {"jose", "zoe"}),  # the last 4 digits of the phone
    ("٠١٢٣", {"jose", "zoe"}),  # the same, in Arabic-Indic digits
    ("4567", {"lan"}),
    ("(612) 555-4567", {"lan"}),
    ("jose.nunez@", {"jose"}),
    ("JOSE.NUNEZ@EXAMPLE.ORG", {"jose"}),
    ("f.zahra", {"fatima"}),
    ("{jose}", {"jose"}),
    ("{jose_lower}", {"jose"}),
    ("{jose_spaced}", {"jose"}),
    ("carla", set()),  # cancelled: never found
    ("0777", set()),
    ("123", set()),  # fewer than 4 digits is not a phone search
    ("xavier", set()),
    ("nobody@example.org", set()),
]


@pytest.fixture
def door(db, make_event, family):
    """An event that began ten minutes ago with FAMILIES registered:
    {key: (registration id, check-in code)}."""
    now = utcnow()
    event = make_event(capacity=len(FAMILIES) - 2)
    found = {}
    for key, (name, phone, email) in FAMILIES.items():
        registration = registration_service.register(
            event.id, family(name=name, phone=phone, email=email), now).registration
        found[key] = registration
    registration_service.cancel_registration(found[CANCELLED].id, now)
    event.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    assert found[WAITING].status == "waitlisted" and found[CANCELLED].status == "cancelled"
    return event, {key: (registration.id, registration.checkin_code) for key, registration in found.items()}


def typed(text, families):
    code = families["jose"][1]
    return text.format(jose=code, jose_lower=code.lower(), jose_spaced=f"{code[:3]} {code[3:]}".lower())


def keys_of(ids, families):
    by_id = {registration_id: key for key, (registration_id, _code) in families.items()}
    return {by_id.get(int(registration_id), registration_id) for registration_id in ids}


@pytest.mark.parametrize("text, expected", CASES, ids=[text for text, _ in CASES])
def test_the_server_search_finds(db, door, text, expected):
    event, families = door
    results = search(event.id, typed(text, families))
    assert keys_of([registration.id for registration in results.registrations], families) == expected


@pytest.mark.parametrize("text, expected", CASES, ids=[text for text, _ in CASES])
def test_the_organizers_table_finds(db, door, text, expected):
    """The table lists cancelled families too; among the others it finds what the door finds."""
    event, families = door
    cancelled = families[CANCELLED][0]
    found = [registration.id for registration in dashboard.registrations(event.id, query=typed(text, families))]
    assert keys_of([registration_id for registration_id in found if registration_id != cancelled], families) == expected


@pytest.mark.browser
def test_the_page_finds_the_same_families_as_the_server(db, door, desk, browser, live_server):
    """Offline, so what the list shows is the page's own search."""
    event, families = door
    context = browser.new_context(base_url=live_server, **TABLET)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, desk)
        open_event(page, event.id)
        context.set_offline(True)
        disagreements = []
        for text, expected in CASES:
            query = typed(text, families)
            page.locator("#frontdesk-q").fill(query)  # the list is redrawn as the desk types
            shown = page.locator("#frontdesk-list > li[data-id]").evaluate_all(
                "rows => rows.map(row => row.getAttribute('data-id'))")
            server = {registration.id for registration in search(event.id, query).registrations}
            page_found, server_found = keys_of(shown, families), keys_of(server, families)
            if page_found != expected or server_found != expected:
                disagreements.append(f"{query!r}: expected {sorted(expected)}, page {sorted(page_found)}, "
                                     f"server {sorted(server_found)}")
        assert not disagreements, "\n".join(disagreements)
    finally:
        context.close()
