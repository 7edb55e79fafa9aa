"""Choosing the page language and formatting for it."""
import copy
from functools import lru_cache

from babel import Locale, localedata
from babel.dates import format_date, format_datetime, format_interval
from babel.lists import format_list
from flask import current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

from .clock import to_local
from .config import HTML_LANGUAGE_TAGS, RTL_LANGUAGES
from .locale_data import SUPPLEMENTED, supplement


def shipped_languages():
    return current_app.config["PORTAL_LANGUAGES"]


# Other codes that browsers and people use for a shipped language: Dari is
# also "prs", and a Persian reader from Iran ("fa", "fa-IR") reads Dari;
# Tagalog is also "tl".
LANGUAGE_ALIASES = {"prs": "fa-AF", "fa": "fa-AF", "tl": "fil"}


def babel_code(language):
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


# Staff pages are read on shared computers where a family may have chosen
# its language before: they never follow the family language cookie.
STAFF_BLUEPRINTS = frozenset({"auth", "admin", "organizer", "frontdesk"})


def is_staff_page():
    return request.blueprint in STAFF_BLUEPRINTS


def select_locale():
    """Family pages: ?lang=, then the cookie, then (on a family's own
    registration) the language they chose. Staff pages: ?lang=, then the
    staff member's own setting. Then Accept-Language, then the school's
    default."""
    if is_staff_page():
        asked = shipped_language(request.args.get("lang")) or shipped_language(_staff_language())
    else:
        asked = _asked_for() or shipped_language(g.get("preferred_language"))
    school = g.get("school")
    language = (asked or browser_language()
                or shipped_language(school.default_language if school is not None else None)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    return babel_code(language)


def _staff_language():
    from flask_login import current_user

    return current_user.language if current_user.is_authenticated else None


def current_language():
    """The page's language code, as pages and the database write it ("fa-AF")."""
    return str(get_locale()).replace("_", "-")


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


NAME_CODES = {"fil": "tl"}


# Babel builds each name, date and time from the locale's data on every
# call; a page lists dozens of events, so the results are remembered.
@lru_cache(maxsize=4096)
def _language_name(code, in_language):
    try:
        locale = babel_locale(in_language)
        # CLDR names some languages apart from their locale ("fa_AF" is Dari,
        # not "Persian (Afghanistan)"); Filipino is known in US schools as Tagalog.
        name_code = NAME_CODES.get(code, babel_code(code))
        return locale.languages.get(name_code) or Locale.parse(babel_code(code)).get_display_name(locale) or code
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


@lru_cache(maxsize=64)
def _time_skeleton(language):
    return "hm" if "h" in babel_locale(language).time_formats["short"].pattern else "Hm"


def format_day(utc_naive, tz, language=None):
    return _format_day(utc_naive, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_day(utc_naive, tz, language):
    return in_native_digits(format_date(to_local(utc_naive, tz), "full", locale=babel_locale(language)), language)


def format_time_range(start_utc, end_utc, tz, language=None):
    return _format_time_range(start_utc, end_utc, tz, language or current_language())


@lru_cache(maxsize=8192)
def _format_time_range(start_utc, end_utc, tz, language):
    start, end = to_local(start_utc, tz), to_local(end_utc, tz)
    if start.date() != end.date():
        text = format_interval(start, end, "yMMMMdjm", locale=babel_locale(language))
    else:
        text = format_interval(start.time(), end.time(), _time_skeleton(language), locale=babel_locale(language))
    return in_native_digits(text, language)


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
    return in_native_digits(format_datetime(to_local(utc_naive, tz), pattern, locale=locale), language)
