"""Sending generated forms through the test client, and judging the answer.

For every submission two things must hold:

- the answer is never a 5xx (in TESTING mode an unhandled exception reaches
  the test instead, with its traceback and Hypothesis's falsifying example);
- when the answer is not the view's success (a redirect with a "success"
  message, or the page a view returns on success), nothing in the database
  changed: every row of every table is compared before and after.

Run them alone: .venv/bin/python -m pytest tests/fuzz
                (every test there is named test_fuzz_*, so `-k fuzz` selects them too)
More examples:  FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/fuzz
Outcomes:       add --hypothesis-show-statistics (answers are tallied per form)
Known bugs:     FUZZ_KNOWN_BUGS=show lets the fuzzing find them again (see strategies.KNOWN_BUGS)
Quick hunting:  FUZZ_SHRINK=0 skips shrinking a failure to its simplest form;
                FUZZ_RANDOM=1 draws new examples on each run instead of the same ones

Runs are derandomized (the same examples on every run), so CI is reproducible.
"""
import os
import re

from hypothesis import HealthCheck, Phase, settings
from werkzeug.datastructures import MultiDict

from tests.conftest import sign_in
from tests.fuzz.strategies import note, tally
from tests.rows import changes_between, describe, snapshot
from tests.web.helpers import text_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
PHASES = [Phase.explicit, Phase.generate] + ([] if os.environ.get("FUZZ_SHRINK") == "0" else [Phase.shrink])
FUZZ = settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),  # the same examples on every run: CI is reproducible
    database=None,  # and no .hypothesis/ directory in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=False,
)

MISSING_ID = 987654


def only_links_sent_again(changes):
    """Registering again with the phone or email of a live registration, or
    asking for a lost link, answers the same neutral page, and by design the
    link goes again to the family's own phone or email: a new manage token
    next to each such registration and a "link" message for it are added.
    That, and only that, may change."""
    if not changes or set(changes) - {"manage_token", "outbox_message"}:
        return changes
    tokens, messages = changes.get("manage_token"), changes.get("outbox_message")
    if tokens is None or messages is None or tokens["removed"] or tokens["changed"] \
            or messages["removed"] or messages["changed"]:
        return changes
    if sorted(token["registration_id"] for token in tokens["added"]) != \
            sorted(message["registration_id"] for message in messages["added"]) \
            or any(message["kind"] != "link" for message in messages["added"]):
        return changes
    return {}


ERROR_IDS = re.compile(r'id="([\w-]+)-error"')
HIDDEN_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')


def csrf_token_of(client, url):
    tokens = HIDDEN_CSRF.findall(text_of(client.get(url)))
    assert tokens, f"no CSRF token on {url}"
    return tokens[0]


def with_lang(url, lang):
    if not lang:
        return url
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def take_flashes(client):
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def redirected_with_success(response, flashes):
    """A success message follows the redirect; a new registration lands on
    the family's own page instead, which says it there."""
    if response.status_code not in (302, 303):
        return False
    return any(category == "success" for category, _ in flashes) or \
        bool(re.search(r"/r/[\w-]+$", response.headers["Location"]))


def redirected_to_dashboard(response, flashes):
    """The organizer's registration forms redirect only when they saved."""
    return response.status_code in (302, 303) and "/staff/login" not in response.headers["Location"]


def answered_ok(response, flashes):
    return response.status_code == 200


def json_ok(response, flashes):
    return response.status_code == 200 and response.is_json and response.get_json().get("ok") is True


def never(response, flashes):
    """For what must never change anything (a preview, an export, a page)."""
    return False


class Desk:
    """One browser (a test client) sending generated forms, and the checks."""

    def __init__(self, client, token_url, wrong_token):
        self.client = client
        self.token = csrf_token_of(client, token_url) if token_url else None
        self.wrong_token = wrong_token

    def token_for(self, csrf):
        return {"valid": self.token, "wrong": self.wrong_token, "garbage": "IjEyMyI.garbage",
                "missing": None}[csrf]

    def post(self, url, pairs, csrf="valid", lang=None, as_json=None):
        url = with_lang(url, lang)
        token = self.token_for(csrf)
        if as_json is not None:
            headers = {"X-CSRFToken": token} if token else {}
            note(f"POST {url} JSON {as_json[:3000]!r} csrf={csrf}")
            return self.client.post(url, data=as_json, content_type="application/json", headers=headers)
        fields = ([("csrf_token", token)] if token else []) + list(pairs)
        note(f"POST {url} {[(name, value[:300]) for name, value in fields]!r} csrf={csrf}")
        return self.client.post(url, data=MultiDict(fields))

    def get(self, url, lang=None):
        url = with_lang(url, lang)
        note(f"GET {url}")
        return self.client.get(url)

    def check(self, label, send, csrf="valid", success=redirected_with_success, allow=None):
        """Send; never a 5xx; and when not a success, nothing changed."""
        before = snapshot()
        take_flashes(self.client)
        response = send()
        flashes = take_flashes(self.client)
        after = snapshot()
        status = response.status_code
        assert status < 500, f"{label}: answered {status}"
        succeeded = csrf == "valid" and success(response, flashes)
        tally(f"{label}: {status} {'success' if succeeded else 'refused'}")
        if status == 422 and response.mimetype == "text/html":
            fields = sorted(set(ERROR_IDS.findall(response.get_data(as_text=True))))
            tally(f"{label}: refused at {', '.join(fields) or 'the page'}")
        if not succeeded:
            changes = changes_between(before, after)
            if allow is not None:
                changes = allow(changes)
            assert not changes, (f"{label}: refused ({status}, flashes {flashes}) but the database changed: "
                                 f"{describe(changes)}")
        return response, succeeded


def staff_desk(world, user, token_url, fresh=False):
    """A browser signed in as `user`, kept for the test's later examples."""
    if not fresh and (user.id, token_url) in world.desks:
        return world.desks[user.id, token_url]
    desk = Desk(sign_in(world.app.test_client(), user), token_url, world.wrong_token)
    if not fresh:
        world.desks[user.id, token_url] = desk
    return desk


def family_desk(world):
    if "family" not in world.desks:
        world.desks["family"] = Desk(world.app.test_client(), f"/events/{world.events['open'].id}/register",
                                     world.wrong_token)
    return world.desks["family"]


def organizer_desk(world):
    return staff_desk(world, world.organizer, "/staff/events/new")


def admin_desk(world):
    return staff_desk(world, world.admin, "/staff/users/new")


def frontdesk_desk(world, user=None):
    return staff_desk(world, user or world.frontdesk, f"/staff/frontdesk/events/{world.events['tonight'].id}")


def event_id(world, key):
    return world.events[key].id if key in world.events else MISSING_ID


def as_pairs(fields):
    """{"grades": ["K", "3"], ...} -> [("grades", "K"), ("grades", "3"), ...]"""
    return list(MultiDict(fields).items(multi=True))
