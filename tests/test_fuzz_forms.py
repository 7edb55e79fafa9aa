"""Fuzz every public and staff form through the test client (Hypothesis).

Each form gets generated input built from its own fields (read from the form
classes, as the views build them): plausible values mixed with garbage (text
in any script, markup, control characters, very long strings, numbers out of
range, negative and non-numeric numbers, unknown choices, missing fields,
fields sent twice, unknown extra fields, a wrong or missing CSRF token), in
several languages. For every submission two things must hold:

- the answer is never a 5xx (in TESTING mode an unhandled exception reaches
  the test instead, with its traceback and Hypothesis's falsifying example);
- when the answer is not the view's success (a redirect with a "success"
  message, or the page a view returns on success), nothing in the database
  changed: every row of every table is compared before and after.

Run it alone:   .venv/bin/python -m pytest tests/test_fuzz_forms.py
                (every test here is named test_fuzz_*, so `-k fuzz` selects them too)
More examples:  FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/test_fuzz_forms.py
Outcomes:       add --hypothesis-show-statistics (answers are tallied per form)
Known bugs:     FUZZ_KNOWN_BUGS=show lets the fuzzing find them again (see KNOWN_BUGS)
Quick hunting:  FUZZ_SHRINK=0 skips shrinking a failure to its simplest form;
                FUZZ_RANDOM=1 draws new examples on each run instead of the same ones

Runs are derandomized (the same examples on every run), so CI is reproducible.
"""
import itertools
import json
import os
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from types import SimpleNamespace
from typing import Callable
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import (
    HealthCheck,
    Phase,
    event as _hypothesis_event,
    given,
    note as _hypothesis_note,
    settings,
    strategies as st,
)
from hypothesis.errors import InvalidArgument
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, RadioField, SelectField, SelectMultipleField

from portal.auth.forms import ContactForm, LoginForm, SetPasswordForm, StaffSettingsForm, UserForm
from portal.config import LANGUAGES
from portal.extensions import db as _db
from portal.forms import ClockField, DayField, EmailAddressField, PhoneField
from portal.frontdesk.forms import ArrivedForm, ClientKeyForm, WalkInForm
from portal.models import EventStatus, LoginThrottle, RegistrationStatus, utcnow
from portal.notifications.inbound import START_WORDS, STOP_WORDS
from portal.notifications.render import unsubscribe_token
from portal.organizer.forms import campaign_form, event_form
from portal.public.forms import DeclineForm, LinkAgainForm, registration_form
from portal.services import checkin as checkin_service, registration as registration_service
from portal.services.schools import ensure_school
from portal.services.users import create_user, issue_password_link
from tests.conftest import TEST_DATABASE_URL
from tests.web.helpers import registration_data, text_of

ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))
DATABASE = "postgresql" if ON_POSTGRES else "sqlite"

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

PASSWORD = "correct horse battery"
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # scrypt is slow
MISSING_ID = 987654


def note(text):
    """Printed with a failing example; ignored outside Hypothesis (the known-bug tests)."""
    try:
        _hypothesis_note(text)
    except InvalidArgument:
        pass


def tally(label):
    try:
        _hypothesis_event(label)
    except InvalidArgument:
        pass


# =====================================================================================
# Known bugs: kept out of the fuzzing, each reproduced by a strict xfail test at the end
# =====================================================================================

@dataclass(frozen=True)
class KnownBug:
    fields: frozenset | None  # the form fields or query parameters it is in; None: any
    trigger: Callable[[str], bool]
    only_on: str | None = None  # "postgresql" or "sqlite": a bug of one database only


KNOWN_BUGS = {}
# The inputs of these bugs are left out of the fuzzing, so that it goes on
# finding new ones. When a bug is fixed, its xfail test passes, XPASS fails
# the suite: then delete the bug here (the fuzzing covers its inputs again)
# and turn its test into a regression test, as the ones below were.
ACTIVE_BUGS = [] if os.environ.get("FUZZ_KNOWN_BUGS") == "show" else [
    bug for bug in KNOWN_BUGS.values() if bug.only_on in (None, DATABASE)]


def triggers_known_bug(name, text):
    return any((bug.fields is None or name in bug.fields) and bug.trigger(text) for bug in ACTIVE_BUGS)


def scrub(pairs):
    """The (name, value) pairs without those that would trigger a known bug."""
    return [(name, text) for name, text in pairs if not triggers_known_bug(name, text)]


# =====================================================================================
# The database, before and after
# =====================================================================================

def snapshot():
    """Every row of every table, by primary key."""
    _db.session.rollback()
    state = {}
    for table in _db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        rows = _db.session.execute(select(table).order_by(*keys)).mappings().all()
        state[table.name] = {tuple(row[key.name] for key in keys): dict(row) for row in rows}
    _db.session.rollback()
    return state


def changes_between(before, after):
    """{table: {"added": [...], "removed": [...], "changed": {key: {column: (old, new)}}}}, empty when equal."""
    changes = {}
    for table in after.keys() | before.keys():
        old, new = before.get(table, {}), after.get(table, {})
        added = [new[key] for key in new.keys() - old.keys()]
        removed = [old[key] for key in old.keys() - new.keys()]
        changed = {}
        for key in old.keys() & new.keys():
            columns = {column: (old[key][column], new[key].get(column)) for column in old[key]
                       if old[key][column] != new[key].get(column)}
            if columns:
                changed[key] = columns
        if added or removed or changed:
            changes[table] = {"added": added, "removed": removed, "changed": changed}
    return changes


def describe(changes, limit=2000):
    text = repr(changes)
    return text if len(text) <= limit else text[:limit] + "..."


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


# =====================================================================================
# Generated form data, from each form's own fields
# =====================================================================================

@dataclass(frozen=True)
class Spec:
    name: str
    kind: str
    choices: tuple = ()
    minimum: int = 0
    maximum: int | None = None
    max_length: int = 200


def _choice_values(field):
    values = []
    for choice in field.choices or []:
        values.append(getattr(choice, "value", choice[0] if isinstance(choice, tuple) else choice))
    return tuple(str(value) for value in values)


def specs_of(form):
    """What to generate for each field of a form instance (its CSRF token aside)."""
    specs = []
    for field in form:
        if field.short_name == "csrf_token":
            continue
        if isinstance(field, SelectMultipleField):
            spec = Spec(field.name, "multi", _choice_values(field))
        elif isinstance(field, (SelectField, RadioField)):
            spec = Spec(field.name, "choice", _choice_values(field))
        elif isinstance(field, IntegerField):
            spec = Spec(field.name, "count", minimum=getattr(field, "minimum", 0) or 0,
                        maximum=getattr(field, "maximum", None))
        elif isinstance(field, DayField):
            spec = Spec(field.name, "day")
        elif isinstance(field, ClockField):
            spec = Spec(field.name, "clock")
        elif isinstance(field, BooleanField):
            spec = Spec(field.name, "bool")
        elif isinstance(field, PasswordField):
            spec = Spec(field.name, "password")
        elif isinstance(field, HiddenField):
            spec = Spec(field.name, "key")
        elif isinstance(field, PhoneField):
            spec = Spec(field.name, "phone")
        elif isinstance(field, EmailAddressField):
            spec = Spec(field.name, "email")
        else:  # text, and any field type added later
            spec = Spec(field.name, "text", max_length=getattr(field, "max_length", 200) or 200)
        specs.append(spec)
    return specs


# Strings that have broken web forms before, in groups drawn equally often.
TRICKY_GROUPS = {
    "blank and control": ["", " ", "\t\n\r ", "\x00", "a\x00b", "\x1b[31m", "\x7f", "\x08", "\r\n\r\n"],
    "unicode edges": ["\ufeff", "\u200b", "\u200e\u200f", "\u202eevil\u202c", "\ud7ff", "\U0010ffff",
                      "\ufffd", "👨\u200d👩\u200d👧\u200d👦", "🙂" * 50, "e\u0301" * 20, "\u0345" * 10],
    "markup and injection": ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<b>bold</b>",
                             "&amp;&lt;", "]]>", "{{ 7*7 }}", "{% raw %}", "%(max)s", "%s %d", "{0}",
                             "${jndi:ldap://x}", "' OR '1'='1", "Robert'); DROP TABLE registration;--", "%", "_",
                             "\\", "\\%_", "=cmd|' /C calc'!A0", "+SUM(1)", "@SUM(1)"],
    "names in many scripts": ["María José Núñez", "Nguyễn Thị Lan", "محمد عبد الله", "王小明", "Сергей",
                              "김민준", "Wàn Kreyòl", "Ngozi Ọ̀kọ́", "שָׁלוֹם", "हिन्दी"],
    "long": ["ß" * 200, "ﷺ" * 12, "ǅ" * 100, "İ" * 240 + "@example.org", "x" * 201, "x" * 5000, "x" * 70000,
             "é" * 1001, "9" * 5000],
    "numbers": ["²", "³5", "①", "١٢٣", "٣", "３", "𝟙𝟚", "-1", "-0", "+5", "0", "00", "1.5", "1e3", "0x10",
                "NaN", "inf", "9" * 30, "2147483648", "-9223372036854775809", " 7 ", "1_000", "½"],
    "dates and times": ["2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "12/03/2026",
                        "2026-1-1", "٢٠٢٦-١٢-٠٣", "24:00", "23:60", "9:5", "18:30:00", "6pm", "-1:00",
                        "2026-01-01T00:00:00", "1970-01-01"],
    "contacts": ["@", "a@b", "a@b.", "@example.org", "a@@b.org", "user@exa mple.org", "user@example.org\n",
                 "USER@EXAMPLE.ORG", "+", "+0", "+1 (612) 555-0123", "(612) 555-0123", "612.555.0123",
                 "+" + "9" * 16, "555", "tel:6125550123", "٦١٢٥٥٥٠١٢٣", "６１２５５５０１２３"],
    "words forms know": ["on", "off", "y", "n", "true", "false", "null", "None", "[]", "{}", "publish", "send",
                         "admin", "confirmed", "cancelled", "waitlisted", "walk_in", "en", "es", "K", "PK", "12"],
}
TRICKY = st.sampled_from(sorted(TRICKY_GROUPS)).flatmap(lambda group: st.sampled_from(TRICKY_GROUPS[group]))
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
GARBAGE = st.one_of(
    TRICKY,
    ANY_TEXT,
    st.integers(-10 ** 12, 10 ** 12).map(str),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=3).map(lambda s: s * 150),
    # Plausible text with something odd in it, to get past the first checks.
    st.builds(lambda a, b, c: a + b + c, st.sampled_from(["", "María ", "José", "612555", "lan@"]), TRICKY,
              st.sampled_from(["", " Núñez", "0123", "example.org"])),
)
FRIENDLY = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Zs"))
FIRST_NAMES = ["María", "José", "Lan", "Amina", "Wei", "Olga", "Jean", "Fatuma", "Min-jun", "Ana"]
# Field names that are not on the form: a mass-assignment attempt or a stale page.
EXTRA_NAMES = ["status", "source", "id", "event_id", "school_id", "role", "token_hash", "checkin_code",
               "capacity", "attendance", "password_hash", "session_version", "csrf_token", "next", "action",
               "lang", "q", "everywhere", "registration_id", "walkin-name", "name", "adults"]


def scripted(number, zero):
    return "".join(chr(zero + int(digit)) for digit in str(number))


NUMBER_STYLES = [str, lambda n: f" {n} ", lambda n: scripted(n, 0x660), lambda n: scripted(n, 0xFF10)]
PHONE_STYLES = [
    lambda n: f"612 555 {n:04d}", lambda n: f"+1 (612) 555-{n:04d}", lambda n: f"(651) 555-{n:04d}",
    lambda n: f"+52 55 1234 {n:04d}", lambda n: scripted(61255500000 + n, 0x660)[1:],
]


def number_text(numbers):
    """One of `numbers`, written as a person might: with spaces, in Arabic-Indic or full-width digits."""
    return st.builds(lambda n, style: style(n), st.sampled_from(numbers), st.sampled_from(NUMBER_STYLES))


# Hypothesis draws its simplest integers often; a uuid's bits make phones and emails that rarely repeat.
PHONES = st.builds(lambda u, style: style(u.int % 10000), st.uuids(), st.sampled_from(PHONE_STYLES))
EMAILS = st.builds(lambda first, u: f"{first}.{u.hex[:8]}@example.org",
                   st.sampled_from(["maria", "jose", "lan", "amina", "wei", "maría", "JOSÉ"]), st.uuids())
NAMES = st.builds(lambda a, b: f"{a} {b}", st.sampled_from(FIRST_NAMES), st.sampled_from(FIRST_NAMES))


def valid_values(spec):
    """A strategy for a list of values a person could type in one field (one
    per occurrence in the posted form; an empty list: the field is not sent)."""
    kind = spec.kind
    if kind == "count":
        top = spec.maximum if spec.maximum is not None else spec.minimum + 50
        small = st.integers(spec.minimum, min(top, spec.minimum + 3))
        return st.builds(lambda n, style: [style(n)], small | st.integers(spec.minimum, top),
                         st.sampled_from(NUMBER_STYLES))
    if kind == "choice":
        return st.sampled_from(spec.choices).map(lambda value: [value]) if spec.choices else st.just([])
    if kind == "multi":
        return st.lists(st.sampled_from(spec.choices), unique=True, max_size=4) if spec.choices else st.just([])
    if kind == "bool":
        return st.sampled_from([[], ["y"], ["on"], ["1"]])
    if kind == "day":
        today = date.today()
        soon = st.dates(today + timedelta(days=1), today + timedelta(days=400))
        return st.one_of(soon, soon, soon, st.dates(), st.sampled_from([date.min, date.max])) \
            .map(lambda day: [day.isoformat()])
    if kind == "clock":
        return st.one_of(st.times(), st.sampled_from([time(0, 0), time(23, 59)])) \
            .map(lambda clock: [clock.strftime("%H:%M")])
    if kind == "password":
        return st.one_of(st.just(PASSWORD), st.text(FRIENDLY, min_size=10, max_size=30)).map(lambda p: [p])
    if kind == "key":
        return st.one_of(st.just(""), st.uuids().map(lambda u: u.hex)).map(lambda key: [key])
    if kind == "phone":
        return PHONES.map(lambda phone: [phone])
    if kind == "email":
        return EMAILS.map(lambda email: [email])
    # Free text takes anything short enough: names, any script, markup, control characters.
    fits = lambda text: len(text.strip()) <= spec.max_length  # noqa: E731
    names = NAMES
    return st.one_of(names, names, st.text(FRIENDLY, min_size=1, max_size=min(spec.max_length, 60)),
                     TRICKY.filter(fits), ANY_TEXT.filter(fits)).map(lambda text: [text])


def garbage_for(spec):
    kind = spec.kind
    specific = {
        "count": st.one_of(
            st.integers(-10 ** 6, -1).map(str),
            st.just(str((spec.maximum or 10 ** 6) + 1)),
            st.integers((spec.maximum or 10 ** 6) + 1, 10 ** 15).map(str),
            st.sampled_from(["1.5", "1e3", "0x10", "-0", "²", "一", "x", "NaN", "٣٫٥"]),
        ),
        "choice": st.one_of(st.sampled_from(["", "xx", "EN", "en ", "0", "None", "__proto__"]),
                            st.sampled_from(spec.choices or ("",)).map(lambda value: value.upper() + "x")),
        "multi": st.sampled_from(["13", "PK ", "k", "all", "", "en,es"]),
        "day": st.one_of(st.dates().map(date.isoformat), st.sampled_from(
            ["2026-02-30", "0001-01-01", "9999-12-31", "12/03/2026", "tomorrow", "2026-1-1", "٢٠٢٦-١٢-٠٣"])),
        "clock": st.sampled_from(["24:00", "23:60", "9:5", "18:30:00", "6pm", "-1:00", "٠٩:٣٠", "00:00", "23:59"]),
        "key": st.one_of(st.text(st.characters(codec="utf-8"), min_size=65, max_size=80),
                         st.integers(0, 10 ** 9).map(lambda n: "k" * 64 + str(n))),
    }.get(kind)
    return st.one_of(GARBAGE, specific) if specific is not None else GARBAGE


# Per example: 0 = every field plausible; "one" = every field plausible but
# one (to get past the other checks); otherwise the percent of fields that
# get garbage, go missing or are sent twice, with unknown fields added.
CHAOS = st.sampled_from([0, 0, 0, "one", "one", "one", 10, 25, 50, 90])


@st.composite
def form_fields(draw, specs, overrides=None):
    """[(name, value), ...] for a form, built from its fields' specs;
    `overrides` gives some fields their own plausible values."""
    overrides = overrides or {}
    chaos = draw(CHAOS, label="chaos")
    tally(f"chaos {chaos}")
    odd_one = draw(st.integers(0, max(len(specs) - 1, 0)), label="odd field") if chaos == "one" else None
    level = 0 if chaos == "one" else chaos
    pairs = []
    for index, spec in enumerate(specs):
        valid = overrides[spec.name].map(lambda value: [value]) if spec.name in overrides else valid_values(spec)
        roll = draw(st.integers(0, 99))
        if index == odd_one:
            values = draw(st.one_of(garbage_for(spec).map(lambda value: [value]), st.just([]),
                                    st.tuples(valid, garbage_for(spec)).map(lambda both: both[0] + [both[1]])))
        elif roll < level // 4:
            values = []
        elif roll < level:
            values = [draw(garbage_for(spec))]
        else:
            values = draw(valid)
        if level and draw(st.integers(0, 99)) < level // 5:
            values = values + [draw(st.one_of(garbage_for(spec), valid.map(lambda v: v[0] if v else "")))]
        pairs.extend((spec.name, value) for value in values)
    if level:
        pairs.extend(draw(st.lists(st.tuples(st.sampled_from(EXTRA_NAMES) | ANY_TEXT, GARBAGE), max_size=3)))
    return scrub(pairs)


# Plausible values that also fit together (children for the childcare asked,
# a start before the end, ...), so that a good share of examples gets through
# the form to the service and succeeds; the chaos above still hits each field.
@st.composite
def plausible_registration(draw):
    overrides = {
        "adults": number_text([1, 1, 2, 2, 3]),
        "children": number_text([0, 1, 2, 3]),
        "transportation_seats": st.sampled_from(["", "0"]) | number_text([1, 2]),
        "email": st.just("") | EMAILS,
        "phone": PHONES,
        "note": st.just("") | NAMES | TRICKY.filter(lambda text: len(text.strip()) <= 1000),
    }
    if draw(st.booleans(), label="childcare"):
        overrides.update(children=number_text([1, 2, 3]), childcare_children=number_text([1]),
                         childcare_ages=st.sampled_from(["4", "٤", " 2 ", ""]))
    else:
        overrides.update(childcare_children=st.sampled_from(["", "0"]), childcare_ages=st.just(""))
    return overrides


@st.composite
def written_languages(draw, codes, subject, body, subject_strategy, body_strategy):
    """Overrides for per-language texts: some languages written (the default
    one always), the others left empty, as an organizer does."""
    written = {"en"} | draw(st.sets(st.sampled_from(codes), max_size=3), label="languages written")
    overrides = {}
    for code in codes:
        overrides[f"{subject}_{code}"] = subject_strategy if code in written else st.just("")
        overrides[f"{body}_{code}"] = body_strategy if code in written else st.just("")
    return overrides


LANGUAGE_CODES = list(LANGUAGES)
TITLES = NAMES | st.sampled_from(["Math games night", "Noche de juegos", "家长会", "Café de padres",
                                  "<b>Family</b> breakfast", "Ngozi Ọ̀kọ́'s class", "📚 Reading night"])


@st.composite
def plausible_event(draw):
    overrides = dict(draw(written_languages(LANGUAGE_CODES, "title", "description", TITLES,
                                            st.just("") | NAMES | TRICKY.filter(lambda t: len(t.strip()) <= 4000))))
    overrides.update({
        "starts": st.sampled_from(["08:00", "09:30", "12:00", "17:15"]),
        "ends": st.sampled_from(["17:30", "19:00", "20:45", "23:59"]),
        "location": st.sampled_from(["Gym", "Library, room 12", "Cafetería", "المكتبة"]) | NAMES,
        "grades": st.sampled_from(["PK", "K", "3", "12"]),
        "capacity": number_text([1, 12, 30, 300, 5000]),
        "childcare_capacity": number_text([1, 10, 25]),
    })
    if draw(st.booleans(), label="deadline"):
        overrides.update({"deadline_day": st.just((date.today() + timedelta(days=1)).isoformat()),
                          "deadline_time": st.just("07:00")})
    else:
        overrides.update({"deadline_day": st.just(""), "deadline_time": st.just("")})
    return overrides


@st.composite
def plausible_campaign(draw):
    return draw(written_languages(LANGUAGE_CODES, "subject", "body", NAMES | TITLES,
                                  NAMES | st.text(FRIENDLY, min_size=1, max_size=200)))


CSRF = st.sampled_from(["valid"] * 10 + ["wrong", "missing", "garbage"])
LANGS = st.sampled_from([None, None, None, *LANGUAGES, "fa_af", "xx"])


@st.composite
def json_bodies(draw, pairs):
    """The page's script sends JSON: the same fields, with other JSON types
    now and then, or a body that is not an object at all."""
    shape = draw(st.sampled_from(["object"] * 8 + ["list", "string", "broken", "null"]))
    if shape == "list":
        return json.dumps([value for _name, value in pairs])
    if shape == "string":
        return json.dumps("adults=1")
    if shape == "broken":
        return "{" + "".join(ch for ch in draw(ANY_TEXT) if ch != "\x00" or not ACTIVE_BUGS)
    if shape == "null":
        return "null"
    body = {}
    for name, value in pairs:
        kind = draw(st.sampled_from(["same"] * 6 + ["number", "null", "bool", "list", "float"]))
        if kind == "number" and value.strip().isdecimal() and len(value.strip()) < 30:
            value = int(value)
        elif kind == "null":
            value = None
        elif kind == "bool":
            value = draw(st.booleans())
        elif kind == "list":
            value = [value]
        elif kind == "float":
            value = draw(st.floats(allow_nan=False))
        body[name] = value
    return json.dumps(body)


# =====================================================================================
# Sending, and judging the answer
# =====================================================================================

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


# =====================================================================================
# The world every test works in
# =====================================================================================

_phones = itertools.count(2000)


def fresh_phone():
    return f"+1651555{next(_phones) % 10000:04d}"


def form_specs(app, build):
    with app.test_request_context():
        return specs_of(build())


class World(SimpleNamespace):
    def __repr__(self):  # Hypothesis prints the arguments of a failing example
        return "world"


@pytest.fixture
def world(app, db, school, make_event, family, now):
    """Two schools, staff of every role, events in every state, and families
    registered for them (confirmed, waitlisted, cancelled, checked in)."""
    w = World(app=app, school=school, now=now, desks={})
    w.other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")

    def staff(at_school, email, role, active=True, password=True):
        user = create_user(at_school, email, email.split("@")[0].title(), role)
        if password:
            user.password_hash = QUICK_HASH
        user.active = active
        return user

    w.admin = staff(school, "admin@lincoln.example", "admin")
    w.organizer = staff(school, "olivia@lincoln.example", "organizer")
    w.frontdesk = staff(school, "desk@lincoln.example", "frontdesk")
    w.inactive = staff(school, "gone@lincoln.example", "organizer", active=False)
    w.invited = staff(school, "new@lincoln.example", "frontdesk", password=False)
    w.stranger = staff(w.other_school, "organizer@roosevelt.example", "organizer")
    db.session.commit()

    ev = w.events = {}
    ev["open"] = make_event(capacity=12, interpreter_languages="es ar vi")
    ev["plain"] = make_event(capacity=40, offers_childcare=False, childcare_capacity=0, interpreter_languages="",
                             offers_transportation=False, offers_meal=False)
    ev["closed"] = make_event()
    ev["cancelled"] = make_event()
    ev["draft"] = make_event(status=EventStatus.DRAFT)
    ev["past"] = make_event()
    ev["tonight"] = make_event(capacity=8, interpreter_languages="es so")
    ev["elsewhere"] = make_event(school_id=w.other_school.id)

    w.tokens, w.regs = {}, {}

    def register(event_key, name, **fields):
        fields.setdefault("phone", fresh_phone())
        registered = registration_service.register(ev[event_key].id, family(name=name, **fields), now)
        w.tokens[name], w.regs[name] = registered.token, registered.registration
        return registered.registration

    register("open", "María González", language="es", adults=1, children=2, childcare_children=1,
             childcare_ages=[3], interpreter_language="es", grades=["K", "3"])
    register("open", "Nguyễn Thị Lan", language="vi", adults=2, children=1, phone=None, email="lan@example.org",
             dietary="Halal")
    register("open", "Amina Yusuf", language="ar", adults=1, children=1, email="amina@example.org",
             transportation_seats=2, accessibility="Wheelchair space")
    register("open", "Big Waiting Family", adults=4, children=3)
    register("open", "Gone Family")
    registration_service.cancel_registration(w.regs["Gone Family"].id, now)
    register("plain", "Plain Family", adults=2)
    register("closed", "Closed Family")
    register("cancelled", "Cancelled Event Family")
    register("tonight", "José Núñez", adults=2, children=1, email="jose@example.org", interpreter_language="es",
             childcare_children=1, childcare_ages=[4])
    register("tonight", "Lan Tran", adults=1, children=2)
    register("tonight", "Late Arrival", adults=1)
    register("tonight", "Tonight Waiting", adults=3, children=2)
    register("tonight", "Tonight Gone")
    register("elsewhere", "Other School Family")
    registration_service.cancel_registration(w.regs["Tonight Gone"].id, now)
    ev["closed"].registration_deadline = now - timedelta(hours=1)
    ev["cancelled"].status = EventStatus.CANCELLED
    ev["past"].starts_at = now - timedelta(days=1)
    ev["past"].ends_at = now - timedelta(days=1) + timedelta(hours=2)
    ev["tonight"].starts_at = now.replace(microsecond=0) - timedelta(minutes=10)
    ev["tonight"].ends_at = ev["tonight"].starts_at + timedelta(hours=2)
    db.session.commit()
    checkin_service.check_in(ev["tonight"], w.regs["Late Arrival"].id, w.frontdesk, utcnow())
    db.session.commit()
    assert w.regs["Big Waiting Family"].status == RegistrationStatus.WAITLISTED
    assert w.regs["Tonight Waiting"].status == RegistrationStatus.WAITLISTED

    w.specs = {
        "registration": form_specs(app, lambda: registration_form(ev["open"], "en")),
        "decline": form_specs(app, DeclineForm),
        "link_again": form_specs(app, LinkAgainForm),
        "login": form_specs(app, LoginForm),
        "set_password": form_specs(app, SetPasswordForm),
        "user": form_specs(app, UserForm),
        "contact": form_specs(app, ContactForm),
        "staff_settings": form_specs(app, lambda: StaffSettingsForm(app.config["PORTAL_LANGUAGES"])),
        "event": form_specs(app, event_form),
        "campaign": form_specs(app, campaign_form),
        "arrived": form_specs(app, lambda: ArrivedForm(meta={"csrf": False}, formdata=None)),
        "client_key": form_specs(app, lambda: ClientKeyForm(meta={"csrf": False}, formdata=None)),
        "walk_in": form_specs(app, lambda: WalkInForm(ev["tonight"], meta={"csrf": False}, formdata=None)),
    }
    # A token that is well formed but belongs to another browser's session.
    w.wrong_token = csrf_token_of(app.test_client(), "/staff/login")
    return w


def signed_in(world, user, token_url, fresh=False):
    """A browser signed in as `user`, kept for the test's later examples."""
    if not fresh and (user.id, token_url) in world.desks:
        return world.desks[user.id, token_url]
    client = world.app.test_client()
    token = csrf_token_of(client, "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302, text_of(response)
    desk = Desk(client, token_url, world.wrong_token)
    if not fresh:
        world.desks[user.id, token_url] = desk
    return desk


def family_desk(world):
    if "family" not in world.desks:
        world.desks["family"] = Desk(world.app.test_client(), f"/events/{world.events['open'].id}/register",
                                     world.wrong_token)
    return world.desks["family"]


def organizer_desk(world):
    return signed_in(world, world.organizer, "/staff/events/new")


def admin_desk(world):
    return signed_in(world, world.admin, "/staff/users/new")


def door_desk(world, user=None):
    return signed_in(world, user or world.frontdesk, f"/staff/checkin/events/{world.events['tonight'].id}")


def event_id(world, key):
    return world.events[key].id if key in world.events else MISSING_ID


# =====================================================================================
# Family pages
# =====================================================================================

@FUZZ
@given(data=st.data())
def test_fuzz_family_register(world, data):
    desk = family_desk(world)
    key = data.draw(st.sampled_from(["open"] * 10 + ["plain"] * 3 + ["closed", "cancelled", "draft", "past",
                                                                      "elsewhere", "missing"]), label="event")
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("register", lambda: desk.post(f"/events/{event_id(world, key)}/register", pairs, csrf, lang),
               csrf, allow=only_links_sent_again)


@FUZZ
@given(data=st.data())
def test_fuzz_family_edit_registration(world, data):
    desk = family_desk(world)
    who = data.draw(st.sampled_from(["María González"] * 3 + ["Nguyễn Thị Lan"] * 3 + ["Amina Yusuf"] * 2 + [
        "Big Waiting Family", "Plain Family", "Gone Family", "Closed Family", "Cancelled Event Family", "bogus"]),
        label="registration")
    token = world.tokens.get(who, "not-a-token-" + "x" * 30)
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("edit registration", lambda: desk.post(f"/r/{token}/edit", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_family_cancel_and_delete(world, data, family):
    desk = family_desk(world)
    action = data.draw(st.sampled_from(["cancel", "delete"]), label="action")
    target = data.draw(st.sampled_from(["fresh"] * 4 + ["cancelled", "bogus", "blank", "long"]), label="whose")
    if target == "fresh":
        registered = registration_service.register(
            world.events["plain"].id, family(name="Fresh Family", phone=fresh_phone()), utcnow())
        _db.session.commit()
        token = registered.token
    else:
        token = {"cancelled": world.tokens["Gone Family"], "bogus": "A" * 22, "blank": "%20",
                 "long": "t" * 65}[target]
    pairs = data.draw(form_fields([]), label="extra fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    success = redirected_with_success if action == "cancel" else answered_ok
    desk.check(f"family {action}", lambda: desk.post(f"/r/{token}/{action}", pairs, csrf, lang), csrf,
               success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_family_link_again(world, data):
    desk = family_desk(world)
    contacts = [contact for registration in world.regs.values()
                for contact in (registration.phone, registration.email) if contact]
    pairs = data.draw(form_fields(world.specs["link_again"], overrides={
        "contact": st.sampled_from(contacts) | ANY_TEXT}), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("link again", lambda: desk.post("/link", pairs, csrf, lang), csrf, success=never,
               allow=only_links_sent_again)


@FUZZ
@given(data=st.data())
def test_fuzz_family_decline(world, data):
    desk = family_desk(world)
    key = data.draw(st.sampled_from(["open"] * 5 + ["plain", "closed", "cancelled", "draft", "past", "missing"]),
                    label="event")
    pairs = data.draw(form_fields(world.specs["decline"]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("decline", lambda: desk.post(f"/events/{event_id(world, key)}/decline", pairs, csrf, lang), csrf)


# =====================================================================================
# Staff accounts
# =====================================================================================

NEXT_TARGETS = st.one_of(
    st.sampled_from(["", "/staff/events", "/staff/checkin/", "//evil.example/x", "https://evil.example/",
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
        "password": st.sampled_from([PASSWORD, PASSWORD.upper(), PASSWORD + " "]),
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
    password = data.draw(strong | st.just(PASSWORD), label="password")
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
    desk = signed_in(world, world.frontdesk, "/staff/account")
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


# =====================================================================================
# Front desk
# =====================================================================================

def door_post(desk, data, url, pairs, csrf, lang):
    """The same action as a plain form, or as JSON as the page's script sends it."""
    as_json = data.draw(st.booleans(), label="as JSON")
    body = data.draw(json_bodies(pairs), label="JSON body") if as_json else None
    success = json_ok if as_json else redirected_with_success
    return (lambda: desk.post(url, pairs, csrf, lang, as_json=body)), success


def any_door_desk(world, data):
    return door_desk(world, data.draw(st.sampled_from([world.frontdesk, world.frontdesk, world.organizer]),
                                      label="staff"))


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_check_in_admit_undo(world, data):
    desk = any_door_desk(world, data)
    action = data.draw(st.sampled_from(["checkin", "checkin", "admit", "undo"]), label="action")
    key = data.draw(st.sampled_from(["tonight"] * 10 + ["open", "cancelled", "draft", "elsewhere", "missing"]),
                    label="event")
    who = data.draw(st.sampled_from(["José Núñez", "Lan Tran", "Late Arrival", "Tonight Waiting", "Tonight Gone",
                                     "María González", "Other School Family", "missing"]), label="registration")
    registration_id = world.regs[who].id if who in world.regs else MISSING_ID
    specs = world.specs["client_key" if action == "undo" else "arrived"]
    pairs = data.draw(form_fields(specs, overrides={"adults": st.sampled_from(["", "0", "1", "2"]),
                                                    "children": st.sampled_from(["", "0", "1", "3"])}),
                      label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    url = f"/staff/checkin/events/{event_id(world, key)}/registrations/{registration_id}/{action}"
    send, success = door_post(desk, data, url, pairs, csrf, lang)
    desk.check(f"door {action}", send, csrf, success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_walk_in(world, data):
    desk = any_door_desk(world, data)
    key = data.draw(st.sampled_from(["tonight"] * 10 + ["open", "cancelled", "draft", "elsewhere", "missing"]),
                    label="event")
    pairs = data.draw(form_fields(world.specs["walk_in"], {
        "walkin-adults": number_text([1, 2]), "walkin-children": number_text([0, 1, 3]),
        "walkin-childcare_children": st.just("") | number_text([0, 1]), "walkin-phone": st.just("") | PHONES}),
        label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    send, success = door_post(desk, data, f"/staff/checkin/events/{event_id(world, key)}/walk-in", pairs, csrf,
                              lang)
    desk.check("walk-in", send, csrf, success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_scan_and_search(world, data):
    desk = any_door_desk(world, data)
    key = data.draw(st.sampled_from(["tonight"] * 6 + ["open", "cancelled", "elsewhere", "missing"]), label="event")
    codes = [registration.checkin_code for registration in world.regs.values()]
    typed = st.one_of(
        st.sampled_from(codes).flatmap(lambda code: st.sampled_from(
            [code, code.lower(), f" {code[:3]}-{code[3:]} ", f"{code}\n"])),
        st.sampled_from(["jose", "JOSÉ", "núñez", "lan tran", "0123", "2000", "jose@", "amina@example.org",
                         "nguyen", "%", "_", "\\", "a b c d e f g h"]),
        GARBAGE,
    ).filter(lambda text: not triggers_known_bug("q", text))
    query = data.draw(typed, label="typed")
    pairs = data.draw(form_fields([Spec("q", "text"), Spec("client_key", "key")], overrides={"q": st.just(query)}),
                      label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    base = f"/staff/checkin/events/{event_id(world, key)}"
    send, success = door_post(desk, data, f"{base}/scan", pairs, csrf, lang)
    desk.check("scan", send, csrf, success=success)
    # The search box without the script, and the script's search: GETs, which change nothing.
    page = data.draw(st.sampled_from(["", "1", "2", "0", "-1", "99999", "x", "²", "١"])
                     .filter(lambda text: not triggers_known_bug("page", text)), label="page")
    url = data.draw(st.sampled_from([f"{base}?q={quote(query)}&page={quote(page)}",
                                     f"{base}/search.json?q={quote(query)}"]), label="search")
    desk.check("search", lambda: desk.get(url, lang), success=never)


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
        url = f"/staff/checkin/events/{event_id(world, key)}/no-shows"
    elif route == "logout":
        desk = signed_in(world, world.organizer, "/staff/events/new", fresh=True)
        pairs = pairs + data.draw(st.sampled_from([[], [("everywhere", "1")], [("everywhere", "")]]))
        url = "/staff/logout"
    elif route == "unsubscribe":
        token = data.draw(st.sampled_from([unsubscribe_token("email", "lan@example.org"),
                                           unsubscribe_token("sms", regs["José Núñez"].phone),
                                           "bogus", "e30.bogus", "W10.x"]), label="token")
        url, success = f"/unsubscribe/{token}", answered_ok
    else:
        phone = st.sampled_from([regs["José Núñez"].phone, "(612) 555-0199"])
        words = st.sampled_from(sorted(STOP_WORDS | START_WORDS) + ["stop ", "Stop", "hello"])
        pairs = pairs + data.draw(form_fields([Spec("From", "text"), Spec("Body", "text")],
                                              overrides={"From": phone, "Body": words}), label="message")
        url = "/sms/inbound"
        form = {}
        for name, field_value in pairs:
            form.setdefault(name, field_value)  # the view reads the first of repeated fields

        def success(response, flashes):  # only STOP or START (from a phone number) changes anything
            return (form.get("Body") or "").strip().upper() in STOP_WORDS | START_WORDS

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
        f"/staff/checkin/events/{tonight_id}": ["q", "page"],
        f"/staff/checkin/events/{tonight_id}/roster.json": ["since"],
        f"/staff/checkin/events/{tonight_id}/search.json": ["q"],
    }
    path = data.draw(st.sampled_from(sorted(pages)), label="page")
    params = [(name, data.draw(value.filter(lambda text, name=name: not triggers_known_bug(name, text)),
                               label=name))
              for name in pages[path] if data.draw(st.integers(0, 9)) < 8]
    lang = data.draw(LANGS, label="lang")
    url = path + ("?" + "&".join(f"{name}={quote(text)}" for name, text in params) if params else "")
    desk.check("read-only page", lambda: desk.get(url, lang), success=never)


# =====================================================================================
# Every POST route is fuzzed above
# =====================================================================================

FUZZED_POST_ENDPOINTS = {
    "public.register", "public.decline", "public.link_again", "public.manage_edit", "public.manage_cancel", "public.manage_delete",
    "public.unsubscribe", "public.sms_inbound",
    "auth.login", "auth.logout", "auth.set_password", "auth.invite_user", "auth.edit_user",
    "auth.reset_password", "auth.privacy_export",
    "organizer.new_event", "organizer.edit_event", "organizer.change_status", "organizer.duplicate_event",
    "organizer.add_registration", "organizer.edit_registration", "organizer.cancel_registration",
    "organizer.promote_registration", "organizer.restore_registration", "organizer.cancel_burst",
    "organizer.new_message", "auth.account",
    "frontdesk.scan", "frontdesk.check_in", "frontdesk.admit", "frontdesk.undo", "frontdesk.walk_in",
    "frontdesk.no_shows",
    "organizer.record_call",  # in tests/test_fuzz_reach.py
}


def test_fuzz_covers_every_post_route(app):
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posted == FUZZED_POST_ENDPOINTS, "a POST route was added or removed: fuzz it in this file"


# =====================================================================================
# Bugs the fuzzing found, reproduced: a strict xfail while a bug is open (a fix makes it
# XPASS and fail the suite, to say that the bug can leave KNOWN_BUGS), then a regression test
# =====================================================================================

def known_bug(name, raises, reason):
    applies = KNOWN_BUGS[name].only_on in (None, DATABASE)
    return pytest.mark.xfail(condition=applies, strict=True, raises=raises, reason=f"known bug: {name}: {reason}")


def test_fuzz_regression_front_desk_page_number(world):
    """Was a bug (front desk page number): GET /staff/checkin/events/<id>?page=² -> ValueError in
    frontdesk.views.event: '²'.isdigit() is True but int('²') fails; should show page 1."""
    desk = door_desk(world)
    desk.check("page", lambda: desk.get(f"/staff/checkin/events/{world.events['tonight'].id}?page=%C2%B2"),
               success=never)


@pytest.mark.parametrize("how", ["page", "search.json", "scan as JSON"])
def test_fuzz_regression_front_desk_search_digits(world, how):
    """Was a bug (front desk search digits): searching '²' (any character with isdigit() but not isdecimal())
    -> ValueError in services.checkin._digits (int('²')); should find nobody."""
    desk = door_desk(world)
    base = f"/staff/checkin/events/{world.events['tonight'].id}"
    send = {
        "page": lambda: desk.get(f"{base}?q=%C2%B2"),
        "search.json": lambda: desk.get(f"{base}/search.json?q=%C2%B2"),
        "scan as JSON": lambda: desk.post(f"{base}/scan", [], as_json=json.dumps({"q": "²"})),
    }[how]
    desk.check("search", send, success=json_ok if how == "scan as JSON" else never)


def test_fuzz_regression_reports_to_the_last_day(world):
    """Was a bug (reports to the last day): GET /staff/reports?end=9999-12-31 -> OverflowError in
    services.reports.school_report (end + 1 day); should refuse or clamp the date."""
    desk = organizer_desk(world)
    desk.check("reports", lambda: desk.get("/staff/reports?start=2026-01-01&end=9999-12-31"), success=never)


def test_fuzz_regression_roster_since_the_first_day(world):
    """Was a bug (roster since the first day): GET /staff/checkin/events/<id>/roster.json?since=0001-01-01
    -> OverflowError in services.checkin.roster (since - CHANGES_MARGIN)."""
    desk = door_desk(world)
    desk.check("roster", lambda: desk.get(f"/staff/checkin/events/{world.events['tonight'].id}/roster.json"
                                          "?since=0001-01-01"), success=never)


def test_fuzz_regression_dashboard_search_too_long_for_sqlite(world):
    """Was a bug: on SQLite a dashboard search of more than 50,000 bytes failed
    with 'LIKE or GLOB pattern too complex'; the search is now cut."""
    desk = organizer_desk(world)
    desk.check("dashboard", lambda: desk.get(f"/staff/events/{world.events['open'].id}?q={'x' * 60000}"),
               success=never)


EVENT_FIELDS = dict(day="2027-03-01", starts="18:00", ends="19:00", location="Gym", grades="K", capacity="20",
                    title_en="Math night")


@pytest.mark.parametrize("field", ["day", "deadline_day"])
@pytest.mark.parametrize("how", ["create", "edit"])
def test_fuzz_regression_event_on_the_last_day(world, how, field):
    """Was a bug (event on the last day): POST /staff/events/new (or /edit) with day or deadline 9999-12-31 and
    a time after 18:00 -> OverflowError in services.event_admin.to_utc (10000-01-01 UTC); should be refused
    next to the field."""
    desk = organizer_desk(world)
    fields = dict(EVENT_FIELDS, starts="20:00", ends="21:00", capacity="30")
    fields.update({"day": "9999-12-31"} if field == "day" else {"deadline_day": "9999-12-31",
                                                                 "deadline_time": "23:00"})
    url = "/staff/events/new" if how == "create" else f"/staff/events/{world.events['open'].id}/edit"
    desk.check(f"{how} event", lambda: desk.post(url, as_pairs(fields)))


@pytest.mark.parametrize("field", ["day", "starts", "ends"])
@pytest.mark.parametrize("how", ["create", "edit"])
def test_fuzz_regression_event_day_or_time_blank(world, how, field):
    """Was a bug: a day or time of white space only passed InputRequired, was
    read as no value, and failed in the service; now refused next to the field."""
    desk = organizer_desk(world)
    url = "/staff/events/new" if how == "create" else f"/staff/events/{world.events['open'].id}/edit"
    desk.check(f"{how} event", lambda: desk.post(url, as_pairs(dict(EVENT_FIELDS, **{field: " "}))))


def as_pairs(fields):
    """{"grades": ["K", "3"], ...} -> [("grades", "K"), ("grades", "3"), ...]"""
    return list(MultiDict(fields).items(multi=True))


@pytest.mark.parametrize("route", ["register", "staff add"])
def test_fuzz_regression_childcare_ages_too_many_digits(world, route):
    """Was a bug (childcare ages too many digits): POST /events/<id>/register (and the organizer's registration
    forms, and /r/<token>/edit) with childcare_ages of more than 4300 digits ('9' * 5000) -> ValueError in
    RegistrationForm.parsed_ages (int() refuses that many digits), although the field allows only 60
    characters: the length check does not stop the inline validator; should be refused next to the field."""
    family, organizer = family_desk(world), organizer_desk(world)
    open_id = world.events["open"].id
    desk, url = {"register": (family, f"/events/{open_id}/register"),
                 "staff add": (organizer, f"/staff/events/{open_id}/registrations/new")}[route]
    pairs = registration_data(phone="612 555 7004", childcare_children="1", childcare_ages="9" * 5000)
    desk.check(route, lambda: desk.post(url, as_pairs(pairs)), success=redirected_to_dashboard)


def _nul_routes(world):
    family, admin = family_desk(world), admin_desk(world)
    door, organizer = door_desk(world), organizer_desk(world)
    open_id, tonight_id = world.events["open"].id, world.events["tonight"].id
    anonymous = Desk(world.app.test_client(), "/staff/login", world.wrong_token)
    return {
        "register": (family, lambda: family.post(f"/events/{open_id}/register",
                                                 as_pairs(registration_data(name="Ana\x00")))),
        "decline": (family, lambda: family.post(f"/events/{open_id}/decline", [("reason", "work"),
                                                                               ("note", "\x00")])),
        "login": (anonymous, lambda: anonymous.post("/staff/login", [("email", "a\x00@example.org"),
                                                                     ("password", "x")])),
        "invite user": (admin, lambda: admin.post("/staff/users/new", [("name", "Ana\x00"),
                                                                       ("email", "ana@lincoln.example"),
                                                                       ("role", "organizer")])),
        "create event": (organizer, lambda: organizer.post("/staff/events/new",
                                                           as_pairs(dict(EVENT_FIELDS, title_en="\x00")))),
        "walk-in": (door, lambda: door.post(f"/staff/checkin/events/{tonight_id}/walk-in",
                                            [("walkin-name", "Ana\x00"), ("walkin-adults", "1")])),
        "check-in key": (door, lambda: door.post(
            f"/staff/checkin/events/{tonight_id}/registrations/{world.regs['José Núñez'].id}/checkin",
            [("client_key", "\x00")])),
        "search": (door, lambda: door.get(f"/staff/checkin/events/{tonight_id}/search.json?q=%00")),
        "privacy export": (admin, lambda: admin.post("/staff/privacy", [("contact", "a\x00@example.org")])),
    }


@pytest.mark.parametrize("route", ["register", "decline", "login", "invite user", "create event", "walk-in",
                                   "check-in key", "search", "privacy export"])
def test_fuzz_regression_nul_character(world, route):
    """Was a bug (NUL character): on PostgreSQL a NUL (\\x00) in any text field or search reaches the database
    -> psycopg DataError 'PostgreSQL text fields cannot contain NUL (0x00) bytes'; should be refused as
    invalid text."""
    desk, send = _nul_routes(world)[route]
    success = answered_ok if route in ("invite user", "search", "privacy export") else redirected_with_success
    desk.check(route, send, success=success if route != "search" else never)


@pytest.mark.parametrize("route", ["register", "family edit", "staff add", "walk-in"])
def test_fuzz_regression_search_name_too_long(world, route):
    """Was a bug (search name too long): a name of 200 characters is allowed, but its search key (accents
    stripped, case-folded) can be longer ('ß' * 200 -> 400 characters) -> VARCHAR(200) overflow on
    PostgreSQL (StringDataRightTruncation); should be refused or fitted."""
    name = "ß" * 200
    family, organizer, door = family_desk(world), organizer_desk(world), door_desk(world)
    open_id, tonight_id = world.events["open"].id, world.events["tonight"].id
    desk, url, pairs = {
        "register": (family, f"/events/{open_id}/register", registration_data(name=name, phone="612 555 7001")),
        "family edit": (family, f"/r/{world.tokens['María González']}/edit", registration_data(name=name)),
        "staff add": (organizer, f"/staff/events/{open_id}/registrations/new",
                      registration_data(name=name, phone="612 555 7002")),
        "walk-in": (door, f"/staff/checkin/events/{tonight_id}/walk-in", {"walkin-name": name, "walkin-adults": "1"}),
    }[route]
    desk.check(route, lambda: desk.post(url, as_pairs(pairs)))


@pytest.mark.parametrize("route", ["register", "invite user", "edit user"])
def test_fuzz_regression_email_too_long(world, route):
    """Was a bug (email too long): an email of 254 characters is allowed, but it is stored lower-cased, which
    can be longer ('İ'.lower() is 2 characters) -> VARCHAR(254) overflow on PostgreSQL; should be refused."""
    email = "İ" * 240 + "@example.org"
    family, admin = family_desk(world), admin_desk(world)
    desk, url, pairs, success = {
        "register": (family, f"/events/{world.events['open'].id}/register",
                     registration_data(phone="", email=email), redirected_with_success),
        "invite user": (admin, "/staff/users/new", {"name": "Ana", "email": email, "role": "organizer"},
                        answered_ok),
        "edit user": (admin, f"/staff/users/{world.organizer.id}",
                      {"name": "Olivia", "email": email, "role": "organizer", "active": "y"},
                      redirected_with_success),
    }[route]
    desk.check(route, lambda: desk.post(url, as_pairs(pairs)), success=success)


@pytest.mark.parametrize("route", ["register", "staff add"])
def test_fuzz_regression_submission_key_too_long(world, route):
    """Was a bug (submission key too long): the hidden submission_key is not length-checked: 65 characters ->
    VARCHAR(64) overflow on PostgreSQL; should be refused or ignored."""
    family, organizer = family_desk(world), organizer_desk(world)
    open_id = world.events["open"].id
    desk, url = {"register": (family, f"/events/{open_id}/register"),
                 "staff add": (organizer, f"/staff/events/{open_id}/registrations/new")}[route]
    pairs = registration_data(phone="612 555 7003", submission_key="k" * 65)
    desk.check(route, lambda: desk.post(url, as_pairs(pairs)))


def test_fuzz_regression_huge_number_shows_a_localized_message(world):
    """Was a bug: a number of more than 4300 digits in a count field (adults, children, capacity...) was
    refused with Python's own English message 'Exceeds the limit (4300 digits) for integer string
    conversion...' next to the field, instead of the localized 'number_invalid' message."""
    desk = family_desk(world)
    response, _ = desk.check("register", lambda: desk.post(
        f"/events/{world.events['open'].id}/register?lang=es", as_pairs(registration_data(adults="9" * 5000))))
    assert response.status_code == 422
    assert "integer string conversion" not in response.get_data(as_text=True)
