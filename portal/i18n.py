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


def requested_language():
    """The language the visitor asked for (?lang=, then the cookie, then
    Accept-Language), or None when they did not say."""
    languages = shipped_languages()
    for candidate in (request.args.get("lang"), request.cookies.get(current_app.config["LANGUAGE_COOKIE"])):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(list(languages))


# Staff pages are read on shared computers where a family may have chosen
# its language before: they never follow the family language cookie.
STAFF_BLUEPRINTS = frozenset({"auth", "organizer", "frontdesk"})


def is_staff_page():
    return request.blueprint in STAFF_BLUEPRINTS


def select_locale():
    """Family pages: ?lang=, then the cookie, then (on a family's own
    registration) the language they chose. Staff pages: ?lang=, then the
    staff member's own setting. Then Accept-Language, then the school's
    default."""
    languages = shipped_languages()
    if is_staff_page():
        candidates = (request.args.get("lang"), _staff_language())
    else:
        candidates = (request.args.get("lang"), request.cookies.get(current_app.config["LANGUAGE_COOKIE"]),
                      g.get("preferred_language"))
    for candidate in candidates:
        if candidate in languages:
            return candidate
    best = request.accept_languages.best_match(list(languages))
    if best:
        return best
    school = g.get("school")
    if school is not None and school.default_language in languages:
        return school.default_language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _staff_language():
    from flask_login import current_user

    return current_user.language if current_user.is_authenticated else None


def current_language():
    return str(get_locale())


def text_direction(language=None):
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def language_name(code, in_language=None):
    """A language's name, in the page language unless told otherwise, written
    as that language writes it mid-sentence ("español", "English")."""
    return _language_name(code, in_language or current_language())


# Babel builds each name, date and time from the locale's data on every
# call; a page lists dozens of events, so the results are remembered.
@lru_cache(maxsize=4096)
def _language_name(code, in_language):
    try:
        return Locale.parse(code).get_display_name(in_language) or code
    except (ValueError, LookupError):
        return code


def _local(utc_naive, tz):
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(tz)


@lru_cache(maxsize=64)
def _time_skeleton(language):
    return "hm" if "h" in Locale.parse(language).time_formats["short"].pattern else "Hm"


def format_day(utc_naive, tz, language=None):
    return _format_day(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_day(utc_naive, tz, language):
    return format_date(_local(utc_naive, tz), "full", locale=language)


def format_time_range(start_utc, end_utc, tz, language=None):
    return _format_time_range(start_utc, end_utc, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_time_range(start_utc, end_utc, tz, language):
    start, end = _local(start_utc, tz), _local(end_utc, tz)
    if start.date() != end.date():
        return format_interval(start, end, "yMMMdjm", locale=language)
    return format_interval(start.time(), end.time(), _time_skeleton(language), locale=language)


def format_moment(utc_naive, tz, language=None):
    """A date and time, e.g. a registration deadline."""
    return _format_moment(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_moment(utc_naive, tz, language):
    locale = Locale.parse(language)
    # The locale's own way of joining a date and a time ("{1}, {0}" in English).
    pattern = (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return format_datetime(_local(utc_naive, tz), pattern, locale=language)
