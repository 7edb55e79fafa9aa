"""Generated form data, built from each form's own fields (read from the form
classes, as the views build them): plausible values mixed with garbage (text
in any script, markup, control characters, very long strings, numbers out of
range, negative and non-numeric numbers, unknown choices, missing fields,
fields sent twice, unknown extra fields), in several languages.

Inputs of known bugs are left out (KNOWN_BUGS), so that the fuzzing goes on
finding new ones; FUZZ_KNOWN_BUGS=show puts them back."""
import json
import os
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Callable

import pytest
from hypothesis import event as _hypothesis_event, note as _hypothesis_note, strategies as st
from hypothesis.errors import InvalidArgument
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, RadioField, SelectField, SelectMultipleField

from portal.config import LANGUAGES
from portal.forms import ClockField, DayField, EmailAddressField, PhoneField
from tests.conftest import STAFF_PASSWORD, TEST_DATABASE_URL

ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))
DATABASE = "postgresql" if ON_POSTGRES else "sqlite"


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
# Known bugs: kept out of the fuzzing, each reproduced by a strict xfail test
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
# and turn its test into a regression test beside its feature (tests/web).
ACTIVE_BUGS = [] if os.environ.get("FUZZ_KNOWN_BUGS") == "show" else [
    bug for bug in KNOWN_BUGS.values() if bug.only_on in (None, DATABASE)]


def triggers_known_bug(name, text):
    return any((bug.fields is None or name in bug.fields) and bug.trigger(text) for bug in ACTIVE_BUGS)


def scrub(pairs):
    """The (name, value) pairs without those that would trigger a known bug."""
    return [(name, text) for name, text in pairs if not triggers_known_bug(name, text)]


def known_bug(name, raises, reason):
    """A strict xfail for a test that reproduces a known bug: a fix makes it
    XPASS and fail the suite, to say that the bug can leave KNOWN_BUGS."""
    applies = KNOWN_BUGS[name].only_on in (None, DATABASE)
    return pytest.mark.xfail(condition=applies, strict=True, raises=raises, reason=f"known bug: {name}: {reason}")


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
        return st.one_of(st.just(STAFF_PASSWORD), st.text(FRIENDLY, min_size=10, max_size=30)).map(lambda p: [p])
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
