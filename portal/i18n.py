"""Choosing the page language and formatting for it."""
from datetime import timezone
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_interval
from flask import current_app, g, request
from flask_babel import get_locale

from .config import RTL_LANGUAGES


def shipped_languages():
    return current_app.config["PORTAL_LANGUAGES"]


# Other codes that browsers and people use for a shipped language: Dari is
# also "prs", and a Persian reader from Iran ("fa", "fa-IR") reads Dari;
# Tagalog is also "tl".
LANGUAGE_ALIASES = {"prs": "fa-AF", "fa": "fa-AF", "tl": "fil"}


def babel_locale(language):
    """Babel's name for a language code: pages, cookies and the database
    write "fa-AF" (BCP 47), Babel and the catalogs' folders "fa_AF"."""
    return language.replace("-", "_")


def shipped_language(code):
    """The shipped language a code asks for, whatever its case or separator
    ("fa_af", "prs", "tl"), or None."""
    languages = shipped_languages()
    if not code or code in languages:
        return code or None
    wanted = code.replace("_", "-").lower()
    wanted = LANGUAGE_ALIASES.get(wanted, wanted).lower()
    return next((language for language in languages if language.lower() == wanted), None)


def browser_language():
    """The shipped language the browser's Accept-Language prefers, in its
    order, a region falling back to its language ("fr-CA" -> "fr", "prs-AF"
    -> "fa-AF")."""
    for tag, quality in request.accept_languages:  # best first
        if quality <= 0:  # "not this one"
            continue
        language = shipped_language(tag) or shipped_language(tag.replace("_", "-").split("-")[0])
        if language:
            return language
    return None


def requested_language():
    """The language the visitor asked for (?lang=, then the cookie, then
    Accept-Language), or None when they did not say."""
    return _asked_for() or browser_language()


def _asked_for():
    """?lang=, then the cookie."""
    return (shipped_language(request.args.get("lang"))
            or shipped_language(request.cookies.get(current_app.config["LANGUAGE_COOKIE"])))


def select_locale():
    """?lang=, then the cookie, then (on a family's own registration) the
    language they chose, then Accept-Language, then the school's default."""
    school = g.get("school")
    language = (_asked_for() or shipped_language(g.get("preferred_language")) or browser_language()
                or shipped_language(school.default_language if school is not None else None)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    return babel_locale(language)


def current_language():
    """The page's language code, as pages and the database write it ("fa-AF")."""
    return str(get_locale()).replace("_", "-")


def text_direction(language=None):
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def language_name(code, in_language=None):
    """A language's name, in the page language unless told otherwise, written
    as that language writes it mid-sentence ("español", "English")."""
    return _language_name(code, in_language or current_language())


NAME_CODES = {"fil": "tl"}


# Babel builds each name, date and time from the locale's data on every
# call; a page lists dozens of events, so the results are remembered.
@lru_cache(maxsize=4096)
def _language_name(code, in_language):
    try:
        locale = Locale.parse(babel_locale(in_language))
        # CLDR names some languages apart from their locale ("fa_AF" is Dari,
        # not "Persian (Afghanistan)"); Filipino is known in US schools as Tagalog.
        name_code = NAME_CODES.get(code, babel_locale(code))
        return locale.languages.get(name_code) or Locale.parse(babel_locale(code)).get_display_name(locale) or code
    except (ValueError, LookupError):
        return code


# The zero of each numbering system a shipped locale may default to (CLDR);
# the other nine digits follow it in Unicode.
DIGIT_ZEROS = {"arab": "\u0660", "arabext": "\u06f0"}


@lru_cache(maxsize=64)
def _digit_table(language):
    """0-9 in the digits the language writes by default (Dari: ۰-۹), or None
    where that is 0-9. Babel writes dates with 0-9 whatever the locale."""
    zero = DIGIT_ZEROS.get(Locale.parse(babel_locale(language)).default_numbering_system)
    if zero is None:
        return None
    return str.maketrans("0123456789", "".join(chr(ord(zero) + n) for n in range(10)))


def in_native_digits(text, language):
    table = _digit_table(language)
    return text.translate(table) if table else text


def _local(utc_naive, tz):
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(tz)


@lru_cache(maxsize=64)
def _time_skeleton(language):
    return "hm" if "h" in Locale.parse(babel_locale(language)).time_formats["short"].pattern else "Hm"


def format_day(utc_naive, tz, language=None):
    return _format_day(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_day(utc_naive, tz, language):
    return in_native_digits(format_date(_local(utc_naive, tz), "full", locale=babel_locale(language)), language)


def format_time_range(start_utc, end_utc, tz, language=None):
    return _format_time_range(start_utc, end_utc, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_time_range(start_utc, end_utc, tz, language):
    start, end = _local(start_utc, tz), _local(end_utc, tz)
    if start.date() != end.date():
        text = format_interval(start, end, "yMMMdjm", locale=babel_locale(language))
    else:
        text = format_interval(start.time(), end.time(), _time_skeleton(language), locale=babel_locale(language))
    return in_native_digits(text, language)


def format_moment(utc_naive, tz, language=None):
    """A date and time, e.g. a registration deadline."""
    return _format_moment(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_moment(utc_naive, tz, language):
    locale = Locale.parse(babel_locale(language))
    # The locale's own way of joining a date and a time ("{1}, {0}" in English).
    pattern = (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return in_native_digits(format_datetime(_local(utc_naive, tz), pattern, locale=locale), language)
