"""Choosing the page language and formatting for it."""
import copy
from datetime import timezone
from functools import lru_cache

from babel import Locale, localedata
from babel.dates import format_date, format_datetime, format_interval
from babel.lists import format_list
from flask import current_app, g, request
from markupsafe import Markup
from flask_babel import get_locale

from .config import HTML_LANGUAGE_TAGS, RTL_LANGUAGES
from .locale_data import SUPPLEMENTED, supplement


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


def html_lang(code):
    """The BCP 47 tag for a `lang` attribute ("zh-Hans" for simplified Chinese)."""
    return HTML_LANGUAGE_TAGS.get(code, code)


def lang_attributes(code, page_language=None):
    """` lang=".." dir=".."` for text shown in another language than the
    page (an event not yet written in the family's language), so screen
    readers switch voice and, in a right-to-left page, English punctuation
    stays where it belongs. Empty when the text is in the page's language."""
    if not code or code == (page_language or current_language()):
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (html_lang(code), text_direction(code))


@lru_cache(maxsize=64)
def babel_locale(language):
    """Babel's locale for `language`, with the portal's own data merged in
    where Babel's is missing or wrong (see locale_data.py)."""
    locale = Locale.parse(language.replace("-", "_"))
    if language in SUPPLEMENTED:
        data = supplement(language, copy.deepcopy(localedata.load(str(locale))))
        locale._Locale__data = localedata.LocaleDataDict(data)
    return locale


def format_names(names, language=None):
    """A list of names joined as the language joins them ("A, B y C", "A、B和C")."""
    names = [str(name) for name in names]
    if not names:
        return ""
    return format_list(names, locale=babel_locale(language or current_language()))


def language_name(code, in_language=None):
    """A language's name, in the page language unless told otherwise, written
    as that language writes it mid-sentence ("español", "English")."""
    return _language_name(code, in_language or current_language())


# Babel builds each name, date and time from the locale's data on every
# call; a page lists dozens of events, so the results are remembered.
@lru_cache(maxsize=4096)
def _language_name(code, in_language):
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(in_language)) or code
    except (ValueError, LookupError):
        return code


def _local(utc_naive, tz):
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(tz)


@lru_cache(maxsize=64)
def _time_skeleton(language):
    return "hm" if "h" in babel_locale(language).time_formats["short"].pattern else "Hm"


def format_day(utc_naive, tz, language=None):
    return _format_day(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_day(utc_naive, tz, language):
    return format_date(_local(utc_naive, tz), "full", locale=babel_locale(language))


def format_time_range(start_utc, end_utc, tz, language=None):
    return _format_time_range(start_utc, end_utc, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_time_range(start_utc, end_utc, tz, language):
    start, end = _local(start_utc, tz), _local(end_utc, tz)
    if start.date() != end.date():
        return format_interval(start, end, "yMMMMdjm", locale=babel_locale(language))
    return format_interval(start.time(), end.time(), _time_skeleton(language), locale=babel_locale(language))


def format_moment(utc_naive, tz, language=None, with_year=True):
    """A date and time a family reads, e.g. a registration deadline or the
    start in a text message: the month written out (a numeric date reads
    differently from one country to the next) and the short time. Text
    messages leave out the year, which costs characters and says nothing."""
    return _format_moment(utc_naive, tz, language or current_language(), with_year)


@lru_cache(maxsize=8192)
def _format_moment(utc_naive, tz, language, with_year=True):
    locale = babel_locale(language)
    date_pattern = (locale.date_formats["long"].pattern if with_year
                    else locale.datetime_skeletons["MMMMd"].pattern)
    # The locale's own way of joining a date and a time ("{1} 'at' {0}" in English).
    pattern = (
        str(locale.datetime_formats["long"])
        .replace("{1}", date_pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return format_datetime(_local(utc_naive, tz), pattern, locale=locale)
