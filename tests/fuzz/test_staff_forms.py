"""The staff's forms: sign-in, password links, staff accounts, the privacy
export, events, registrations by staff, messages to families, inviting
families from the roster and their follow-up, the buttons (a POST with
nothing but its CSRF token), the family's links and webhooks, and the query
strings of read-only pages."""
import json
from urllib.parse import quote, urlsplit

from hypothesis import given, settings, strategies as st
from sqlalchemy import delete

from portal.extensions import db as _db
from portal.models import GRADES, EventStatus, LoginThrottle, utcnow
from portal.notifications.inbound import START_WORDS, STOP_WORDS
from portal.notifications.render import unsubscribe_token
from portal.services.contact import normalize_phone
from portal.services.users import issue_password_link
from tests.conftest import STAFF_PASSWORD
from tests.fuzz.conftest import fresh_phone
from tests.fuzz.harness import (
    EXAMPLES,
    FUZZ,
    MISSING_ID,
    Desk,
    admin_desk,
    answered_ok,
    event_id,
    never,
    organizer_desk,
    redirected_to_dashboard,
    redirected_with_success,
    staff_desk,
)
from tests.fuzz.strategies import (
    ANY_TEXT,
    CSRF,
    EMAILS,
    FRIENDLY,
    GARBAGE,
    LANGS,
    Spec,
    form_fields,
    plausible_campaign,
    plausible_event,
    plausible_registration,
    triggers_known_bug,
)
from tests.invitation_helpers import make_household

NEXT_TARGETS = st.one_of(
    st.sampled_from(["", "/staff/events", "/staff/frontdesk/", "//evil.example/x", "https://evil.example/",
                     "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "/%2F%2Fevil.example",
                     "http:/evil.example", " /staff/events", "/staff/events?x=<script>"]),
    ANY_TEXT,
)


@FUZZ
@given(data=st.data())
def test_fuzz_staff_login(world, data):
    emails = [world.admin.email, world.frontdesk.email, world.inactive.email, world.invited.email,
              world.admin.email.upper(), f"  {world.organizer.email} "]
    pairs = data.draw(form_fields(world.specs["login"], overrides={
        "email": st.sampled_from(emails) | st.emails().map(str),
        "password": st.sampled_from([STAFF_PASSWORD, STAFF_PASSWORD.upper(), STAFF_PASSWORD + " "]),
    }), label="fields")
    next_target = data.draw(NEXT_TARGETS.filter(lambda text: not triggers_known_bug("next", text)), label="next")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk = Desk(world.app.test_client(), "/staff/login", world.wrong_token)
    url = f"/staff/login?next={quote(next_target)}" if next_target else "/staff/login"

    def signed_in_somewhere(response, flashes):
        return response.status_code == 302 and "/staff/login" not in response.headers["Location"]

    def except_the_count_of_wrong_passwords(changes):
        return {table: change for table, change in changes.items() if table != "login_throttle"}

    try:
        response, _ = desk.check("login", lambda: desk.post(url, pairs, csrf, lang), csrf,
                                 success=signed_in_somewhere, allow=except_the_count_of_wrong_passwords)
    finally:  # the growing wait after wrong passwords (tested apart) must not slow the next examples
        _db.session.execute(delete(LoginThrottle))
        _db.session.commit()
    if response.status_code in (301, 302, 303):
        target = urlsplit(response.headers["Location"])
        assert target.scheme in ("", "http") and target.netloc in ("", "localhost"), \
            f"sign-in sends the user off the site: {response.headers['Location']}"


@settings(FUZZ, max_examples=max(EXAMPLES * 3 // 4, 10))  # a password that is set costs a scrypt hash
@given(data=st.data())
def test_fuzz_set_password_link(world, data):
    user = data.draw(st.sampled_from([world.invited, world.frontdesk, world.inactive]), label="user")
    link = data.draw(st.sampled_from(["fresh"] * 4 + ["bogus", "long"]), label="link")
    if link == "fresh":
        token = issue_password_link(user, utcnow())
        _db.session.commit()
    else:
        token = "A" * 22 if link == "bogus" else "t" * 65
    strong = st.text(FRIENDLY, min_size=10, max_size=40)
    password = data.draw(strong | st.just(STAFF_PASSWORD), label="password")
    pairs = data.draw(form_fields(world.specs["set_password"], overrides={
        "password": st.just(password), "confirm": st.just(password) | strong}), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk = Desk(world.app.test_client(), "/staff/login", world.wrong_token)
    desk.get(f"/staff/password/{token}")  # the link opens the form in this browser
    desk.check("set password", lambda: desk.post("/staff/password", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_invite_user(world, data):
    desk = admin_desk(world)
    pairs = data.draw(form_fields(world.specs["user"], overrides={
        "email": st.sampled_from([world.organizer.email, world.stranger.email.upper()]) | EMAILS | EMAILS}),
        label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("invite user", lambda: desk.post("/staff/users/new", pairs, csrf, lang), csrf, success=answered_ok)


@FUZZ
@given(data=st.data())
def test_fuzz_edit_user(world, data):
    desk = admin_desk(world)
    target = data.draw(st.sampled_from([world.organizer.id, world.frontdesk.id, world.inactive.id,
                                        world.admin.id, world.stranger.id, MISSING_ID]), label="user id")
    pairs = data.draw(form_fields(world.specs["user"], overrides={
        "email": st.sampled_from([world.organizer.email, world.frontdesk.email, world.admin.email]) | EMAILS}),
        label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("edit user", lambda: desk.post(f"/staff/users/{target}", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_staff_language_setting(world, data):
    desk = staff_desk(world, world.frontdesk, "/staff/account")
    pairs = data.draw(form_fields(world.specs["staff_settings"]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("staff language", lambda: desk.post("/staff/account", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_privacy_export(world, data):
    desk = admin_desk(world)
    contacts = [registration.phone for registration in world.regs.values() if registration.phone] \
        + ["lan@example.org", "JOSE@example.org", "amina@example.org", "(651) 555-2000"]
    pairs = data.draw(form_fields(world.specs["contact"], overrides={"contact": st.sampled_from(contacts)}),
                      label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    response, _ = desk.check("privacy export", lambda: desk.post("/staff/privacy", pairs, csrf, lang), csrf,
                             success=never)  # an export changes nothing
    if response.status_code == 200:
        assert response.mimetype == "application/json"
        json.loads(response.get_data(as_text=True))


# =====================================================================================
# Organizer: events, registrations by staff, messages
# =====================================================================================

@FUZZ
@given(data=st.data())
def test_fuzz_event_create(world, data):
    desk = organizer_desk(world)
    pairs = data.draw(form_fields(world.specs["event"], data.draw(plausible_event())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("create event", lambda: desk.post("/staff/events/new", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_event_edit(world, data):
    desk = organizer_desk(world)
    key = data.draw(st.sampled_from(["open"] * 6 + ["tonight", "draft", "cancelled", "past", "elsewhere",
                                                     "missing"]), label="event")
    pairs = data.draw(form_fields(world.specs["event"], data.draw(plausible_event())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("edit event", lambda: desk.post(f"/staff/events/{event_id(world, key)}/edit", pairs, csrf, lang),
               csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_event_status_change(world, data, make_event):
    desk = organizer_desk(world)
    target = data.draw(st.sampled_from(["fresh"] * 5 + ["open", "elsewhere", "missing"]), label="event")
    if target == "fresh":
        status = data.draw(st.sampled_from([EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CANCELLED]),
                           label="status")
        days = data.draw(st.sampled_from([7, 1, -1, -30]), label="days from now")
        url = f"/staff/events/{make_event(status=status, days=days).id}/status"
    else:
        url = f"/staff/events/{event_id(world, target)}/status"
    pairs = data.draw(form_fields([Spec("action", "choice", ("publish", "unpublish", "cancel"))]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("event status", lambda: desk.post(url, pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_staff_registration_add_and_edit(world, data):
    desk = organizer_desk(world)
    mode = data.draw(st.sampled_from(["add", "edit"]), label="mode")
    key = data.draw(st.sampled_from(["open"] * 8 + ["plain", "closed", "past", "cancelled", "draft", "elsewhere",
                                                     "missing"]), label="event")
    if mode == "add":
        url = f"/staff/events/{event_id(world, key)}/registrations/new"
    else:
        same_event = [name for name, registration in world.regs.items()
                      if key in world.events and registration.event_id == world.events[key].id]
        who = data.draw(st.sampled_from(same_event * 3 + sorted(world.regs) + ["missing"]), label="registration")
        registration_id = world.regs[who].id if who in world.regs else MISSING_ID
        url = f"/staff/events/{event_id(world, key)}/registrations/{registration_id}"
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    # A family added to a full event goes on the waitlist: a success told with a warning.
    desk.check(f"staff registration {mode}", lambda: desk.post(url, pairs, csrf, lang), csrf,
               success=redirected_to_dashboard)


@FUZZ
@given(data=st.data())
def test_fuzz_message_the_families(world, data):
    desk = organizer_desk(world)
    key = data.draw(st.sampled_from(["open"] * 6 + ["tonight", "cancelled", "plain", "elsewhere", "missing"]),
                    label="event")
    specs = world.specs["campaign"] + [Spec("action", "choice", ("preview", "send"))]
    pairs = data.draw(form_fields(specs, data.draw(plausible_campaign())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    # A preview (200) changes nothing; only a send (a redirect with its message) may.
    url = f"/staff/events/{event_id(world, key)}/messages/new"
    desk.check("message", lambda: desk.post(url, pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_invite_families(world, data):
    desk = organizer_desk(world)
    key = data.draw(st.sampled_from(["open"] * 6 + ["plain", "cancelled", "past", "elsewhere", "missing"]),
                    label="event")
    # A household not yet invited anywhere, so that a send has someone to invite.
    grades = data.draw(st.lists(st.sampled_from(GRADES), min_size=1, max_size=3, unique=True), label="its grades")
    make_household(_db, world.school, "Wei Chen", "zh", phone=fresh_phone(), grades=grades)
    specs = world.specs["invite"] + [Spec("action", "choice", ("preview", "send"))]
    pairs = data.draw(form_fields(specs), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    # A preview (200) changes nothing; only a send (a redirect with its message) may.
    desk.check("invite", lambda: desk.post(f"/staff/events/{event_id(world, key)}/invite", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_invitation_follow_up(world, data):
    desk = organizer_desk(world)
    key = data.draw(st.sampled_from(["open"] * 6 + ["plain", "past", "elsewhere", "missing"]), label="event")
    pairs = data.draw(form_fields(world.specs["follow_up"]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    url = f"/staff/events/{event_id(world, key)}/invite/follow-up"
    desk.check("follow-up", lambda: desk.post(url, pairs, csrf, lang), csrf)

# =====================================================================================
# Buttons (a POST with nothing but its CSRF token), links and webhooks
# =====================================================================================

@FUZZ
@given(data=st.data())
def test_fuzz_staff_buttons_and_family_links(world, data):
    desk = admin_desk(world)
    events, regs = world.events, world.regs
    route = data.draw(st.sampled_from(["duplicate", "cancel registration", "promote", "restore", "cancel burst",
                                       "reset password", "no-shows", "logout", "unsubscribe", "sms inbound"]),
                      label="route")
    pairs = data.draw(form_fields([]), label="extra fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    success = redirected_with_success
    if route == "duplicate":
        key = data.draw(st.sampled_from(sorted(events) + ["missing"]), label="event")
        url = f"/staff/events/{event_id(world, key)}/duplicate"
    elif route in ("cancel registration", "promote", "restore"):
        key = data.draw(st.sampled_from(["open", "open", "tonight", "elsewhere"]), label="event")
        who = data.draw(st.sampled_from(sorted(regs)), label="registration")
        path = "cancel" if route == "cancel registration" else route
        url = f"/staff/events/{event_id(world, key)}/registrations/{regs[who].id}/{path}"
    elif route == "cancel burst":
        key = data.draw(st.sampled_from(["open", "tonight", "elsewhere", "missing"]), label="event")
        burst = data.draw(st.sampled_from(["0" * 16, "not-a-burst", "f" * 64]), label="burst")
        url = f"/staff/events/{event_id(world, key)}/bursts/{burst}/cancel"
    elif route == "reset password":
        user_id = data.draw(st.sampled_from([world.frontdesk.id, world.inactive.id, world.stranger.id, MISSING_ID]),
                            label="user id")
        url, success = f"/staff/users/{user_id}/reset", answered_ok
    elif route == "no-shows":
        key = data.draw(st.sampled_from(sorted(events) + ["missing"]), label="event")
        url = f"/staff/frontdesk/events/{event_id(world, key)}/no-shows"
    elif route == "logout":
        desk = staff_desk(world, world.organizer, "/staff/events/new", fresh=True)
        pairs = pairs + data.draw(st.sampled_from([[], [("everywhere", "1")], [("everywhere", "")]]))
        url = "/staff/logout"
    elif route == "unsubscribe":
        token = data.draw(st.sampled_from([unsubscribe_token("email", "lan@example.org"),
                                           unsubscribe_token("sms", regs["José Núñez"].phone),
                                           "bogus", "e30.bogus", "W10.x"]), label="token")
        url, success = f"/unsubscribe/{token}", answered_ok
    else:
        phone = st.sampled_from([regs["José Núñez"].phone, "(612) 555-0199", world.households["Rosa Díaz"].phone,
                                 world.households["Amina Farah"].phone])
        words = st.sampled_from(sorted(STOP_WORDS | START_WORDS) + ["stop ", "Stop", "hello", "1", "2", "٣", "sí",
                                                                    "no", "9"])
        pairs = pairs + data.draw(form_fields([Spec("From", "text"), Spec("Body", "text")],
                                              overrides={"From": phone, "Body": words}), label="message")
        url = "/sms/inbound"
        form = {}
        for name, field_value in pairs:
            form.setdefault(name, field_value)  # the view reads the first of repeated fields

        def success(response, flashes):
            """Only a text from a phone number changes anything: STOP or START,
            or an answer (and its reply) to a roster household or an unknown number."""
            return normalize_phone(form.get("From") or "") is not None

    # A family's unsubscribe link and the SMS webhook take no CSRF token (a mail
    # client's one-click unsubscribe; a provider's signed request).
    checked = "valid" if route in ("unsubscribe", "sms inbound") else csrf
    desk.check(route, lambda: desk.post(url, pairs, csrf, lang), checked, success=success)


# =====================================================================================
# Read-only pages with query strings: never a 5xx, never a change
# =====================================================================================

@FUZZ
@given(data=st.data())
def test_fuzz_query_strings_of_read_only_pages(world, data):
    desk = organizer_desk(world)
    value = st.one_of(st.sampled_from(["", "3", "K", "PK", "13", "confirmed", "waitlisted", "childcare", "name",
                                       "oldest", "party", "es", "lincoln", "roosevelt", "2026-01-01", "0001-01-01",
                                       "9999-12-31", "2026-13-01", "²", "-1", "1", "2026-01-01T00:00:00"]),
                      GARBAGE)
    open_id, tonight_id = world.events["open"].id, world.events["tonight"].id
    pages = {
        "/events": ["grade", "school"],
        f"/events/{open_id}": ["grade"],
        f"/staff/events/{open_id}": ["q", "status", "need", "sort", "page"],
        "/staff/reports": ["start", "end"],
        f"/staff/frontdesk/events/{tonight_id}": ["q", "page"],
        f"/staff/frontdesk/events/{tonight_id}/roster.json": ["since"],
        f"/staff/frontdesk/events/{tonight_id}/search.json": ["q"],
    }
    path = data.draw(st.sampled_from(sorted(pages)), label="page")
    params = [(name, data.draw(value.filter(lambda text, name=name: not triggers_known_bug(name, text)),
                               label=name))
              for name in pages[path] if data.draw(st.integers(0, 9)) < 8]
    lang = data.draw(LANGS, label="lang")
    url = path + ("?" + "&".join(f"{name}={quote(text)}" for name, text in params) if params else "")
    desk.check("read-only page", lambda: desk.get(url, lang), success=never)
