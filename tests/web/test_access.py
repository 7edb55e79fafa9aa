"""Every staff route, for every kind of visitor. A staff route missing from
ACCESS fails test_every_staff_route_is_in_the_table."""
import pytest

from portal.services import registration as registration_service
from portal.services.schools import ensure_school
from tests.conftest import add_staff, sign_in
from tests.invitation_helpers import make_household
from tests.web.helpers import hidden_fields, local_times, text_of

VISITORS = ["anonymous", "frontdesk", "organizer", "admin", "other_school_organizer"]

LOGIN, FORBIDDEN, NOT_FOUND, OK = "login", 403, 404, "ok"
ORGANIZERS_ONLY = {"anonymous": LOGIN, "frontdesk": FORBIDDEN, "organizer": OK, "admin": OK,
                   "other_school_organizer": NOT_FOUND}
ORGANIZERS_ANY_SCHOOL = dict(ORGANIZERS_ONLY, other_school_organizer=OK)
FRONTDESK_STAFF = {"anonymous": LOGIN, "frontdesk": OK, "organizer": OK, "admin": OK,
              "other_school_organizer": NOT_FOUND}
FRONTDESK_STAFF_ANY_SCHOOL = dict(FRONTDESK_STAFF, other_school_organizer=OK)
ADMINS_ONLY = {"anonymous": LOGIN, "frontdesk": FORBIDDEN, "organizer": FORBIDDEN, "admin": OK,
               "other_school_organizer": FORBIDDEN}
ANY_STAFF = {"anonymous": LOGIN, "frontdesk": OK, "organizer": OK, "admin": OK,
             "other_school_organizer": OK}

# endpoint: (method, url template, expected answer per visitor)
ACCESS = {
    "auth.home": ("GET", "/staff/", ANY_STAFF),
    "admin.users": ("GET", "/staff/users", ADMINS_ONLY),
    "admin.invite_user": ("GET", "/staff/users/new", ADMINS_ONLY),
    "admin.edit_user": ("GET", "/staff/users/{organizer_id}",
                       dict(ADMINS_ONLY, other_school_organizer=FORBIDDEN)),
    "admin.reset_password": ("POST", "/staff/users/{frontdesk_id}/reset", ADMINS_ONLY),
    "admin.privacy_export": ("GET", "/staff/privacy", ADMINS_ONLY),
    "auth.account": ("GET", "/staff/account", ANY_STAFF),
    "organizer.events": ("GET", "/staff/events", ORGANIZERS_ANY_SCHOOL),
    "organizer.reports": ("GET", "/staff/reports", ORGANIZERS_ANY_SCHOOL),
    "organizer.new_event": ("GET", "/staff/events/new", ORGANIZERS_ANY_SCHOOL),
    "organizer.dashboard": ("GET", "/staff/events/{event_id}", ORGANIZERS_ONLY),
    "organizer.edit_event": ("GET", "/staff/events/{event_id}/edit", ORGANIZERS_ONLY),
    "organizer.roster": ("GET", "/staff/events/{event_id}/roster", ORGANIZERS_ONLY),
    "organizer.needs_sheet": ("GET", "/staff/events/{event_id}/needs-sheet", ORGANIZERS_ONLY),
    "organizer.export": ("GET", "/staff/events/{event_id}/registrations.csv", ORGANIZERS_ONLY),
    "organizer.add_registration": ("GET", "/staff/events/{event_id}/registrations/new", ORGANIZERS_ONLY),
    "organizer.edit_registration": ("GET", "/staff/events/{event_id}/registrations/{registration_id}",
                                    ORGANIZERS_ONLY),
    "organizer.new_message": ("GET", "/staff/events/{event_id}/messages/new", ORGANIZERS_ONLY),
    "organizer.invite": ("GET", "/staff/events/{event_id}/invite", ORGANIZERS_ONLY),
    "organizer.invitation_follow_up": ("POST", "/staff/events/{event_id}/invite/follow-up", ORGANIZERS_ONLY),
    "organizer.change_status": ("POST", "/staff/events/{event_id}/status", ORGANIZERS_ONLY),  # no action: 400
    "organizer.duplicate_event": ("POST", "/staff/events/{event_id}/duplicate", ORGANIZERS_ONLY),
    "organizer.promote_registration": ("POST",
                                       "/staff/events/{event_id}/registrations/{registration_id}/promote",
                                       ORGANIZERS_ONLY),
    "frontdesk.today": ("GET", "/staff/frontdesk/", FRONTDESK_STAFF_ANY_SCHOOL),
    "frontdesk.event": ("GET", "/staff/frontdesk/events/{event_id}", FRONTDESK_STAFF),
    "frontdesk.family": ("GET", "/staff/frontdesk/events/{event_id}/registrations/{registration_id}", FRONTDESK_STAFF),
    "frontdesk.search_json": ("GET", "/staff/frontdesk/events/{event_id}/search.json?q=test", FRONTDESK_STAFF),
    "frontdesk.counts_json": ("GET", "/staff/frontdesk/events/{event_id}/counts.json", FRONTDESK_STAFF),
    "frontdesk.roster_json": ("GET", "/staff/frontdesk/events/{event_id}/roster.json", FRONTDESK_STAFF),
    "frontdesk.scan": ("POST", "/staff/frontdesk/events/{event_id}/scan", FRONTDESK_STAFF),
    "frontdesk.check_in": ("POST", "/staff/frontdesk/events/{event_id}/registrations/{registration_id}/checkin",
                           FRONTDESK_STAFF),
    "frontdesk.admit": ("POST", "/staff/frontdesk/events/{event_id}/registrations/{registration_id}/admit",
                        FRONTDESK_STAFF),
    "frontdesk.undo": ("POST", "/staff/frontdesk/events/{event_id}/registrations/{registration_id}/undo",
                       FRONTDESK_STAFF),
    "frontdesk.walk_in": ("GET", "/staff/frontdesk/events/{event_id}/walk-in", FRONTDESK_STAFF),
    "frontdesk.no_shows": ("GET", "/staff/frontdesk/events/{event_id}/no-shows", FRONTDESK_STAFF),
}
# An upload nobody made: staff of any school are sent back to their own roster page.
NO_UPLOAD = "/staff/roster/upload/" + "0" * 32
ACCESS.update({
    "roster.overview": ("GET", "/staff/roster/", ORGANIZERS_ANY_SCHOOL),
    "roster.upload": ("POST", "/staff/roster/upload", ORGANIZERS_ANY_SCHOOL),  # no file: 422
    "roster.columns": ("GET", NO_UPLOAD + "/columns", ORGANIZERS_ANY_SCHOOL),
    "roster.preview": ("GET", NO_UPLOAD, ORGANIZERS_ANY_SCHOOL),
    "roster.confirm": ("POST", NO_UPLOAD + "/import", ORGANIZERS_ANY_SCHOOL),
    "roster.cancel": ("POST", NO_UPLOAD + "/cancel", ORGANIZERS_ANY_SCHOOL),
})
ACCESS.update({
    "organizer.event_reach": ("GET", "/staff/events/{event_id}/reach", ORGANIZERS_ONLY),
    "organizer.call_list": ("GET", "/staff/events/{event_id}/calls", ORGANIZERS_ONLY),
    "organizer.record_call": ("POST", "/staff/events/{event_id}/calls/{household_id}", ORGANIZERS_ONLY),  # 422
    "organizer.not_reached": ("GET", "/staff/not-reached", ORGANIZERS_ANY_SCHOOL),
    "organizer.not_reached_csv": ("GET", "/staff/not-reached.csv", ORGANIZERS_ANY_SCHOOL),
    "organizer.reach_report": ("GET", "/staff/reports/reach", ORGANIZERS_ANY_SCHOOL),
    "organizer.reach_report_csv": ("GET", "/staff/reports/reach.csv", ORGANIZERS_ANY_SCHOOL),
})
ACCESS["organizer.burst"] = ("GET", "/staff/events/{event_id}/bursts/{burst}", ORGANIZERS_ONLY)
ACCESS["organizer.cancel_burst"] = ("POST", "/staff/events/{event_id}/bursts/{burst}/cancel", ORGANIZERS_ONLY)
# Last, because it cancels the one registration the routes above work on.
ACCESS["organizer.cancel_registration"] = (
    "POST", "/staff/events/{event_id}/registrations/{registration_id}/cancel", ORGANIZERS_ONLY)
ACCESS["organizer.restore_registration"] = (
    "POST", "/staff/events/{event_id}/registrations/{registration_id}/restore", ORGANIZERS_ONLY)
# Routes anyone may open: sign-in, sign-out and the one-time password link.
# The old front-desk address only redirects to the new one, which checks access.
PUBLIC_STAFF_ROUTES = {"auth.login", "auth.logout", "auth.password_link", "auth.set_password",
                      "frontdesk_old_address.moved"}


@pytest.fixture
def people(app, db, school, make_event, family, now):
    event = make_event(**local_times(school, 1))  # tomorrow: the front desk may open its lists
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    users = {
        role: add_staff(school, f"{role}@lincoln.example", role.title(), role)
        for role in ("frontdesk", "organizer", "admin")
    }
    users["other_school_organizer"] = add_staff(other_school, "organizer@roosevelt.example", "Other", "organizer")
    registered = registration_service.register(event.id, family(), now)
    household = make_household(db, school, phone="+16125550190")
    burst = "b" * 16  # a network from which four families registered at once
    for _ in range(4):
        registration_service.register(event.id, family(), now, address_hash=burst)
    db.session.commit()
    return {
        "users": users,
        "ids": {"event_id": event.id, "registration_id": registered.registration.id,
                "organizer_id": users["organizer"].id, "frontdesk_id": users["frontdesk"].id,
                "code": registered.registration.checkin_code, "burst": burst,
                "household_id": household.id},
    }


def answer(response):
    if response.status_code == 302 and "/staff/login" in response.headers["Location"]:
        return LOGIN
    if response.status_code in (403, 404):
        return response.status_code
    assert response.status_code < 500
    return OK


def test_every_staff_route_is_in_the_table(app):
    staff_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                       if rule.rule.startswith("/staff")}
    assert staff_endpoints - PUBLIC_STAFF_ROUTES == set(ACCESS)


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_staff_route_answers_each_visitor_as_expected(app, people, visitor):
    client = app.test_client()
    if visitor != "anonymous":
        sign_in(client, people["users"][visitor])
    csrf_token = hidden_fields(text_of(client.get("/staff/login"))).get("csrf_token") \
        or hidden_fields(text_of(client.get(f"/events/{people['ids']['event_id']}/register"))).get("csrf_token")
    wrong = {}
    for endpoint, (method, template, expected) in ACCESS.items():
        url = template.format(**people["ids"])
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token})
        got = answer(response)
        if got != expected[visitor]:
            wrong[endpoint] = (got, expected[visitor])
    assert wrong == {}
