"""Language codes with a region and a hyphen (Dari is "fa-AF", Babel's
"fa_AF") work everywhere a language is chosen, shown or stored: the page's
lang and dir, ?lang=, the cookie, Accept-Language with the other codes
browsers send, the names of languages, dates, and messages to families."""
import pytest
from sqlalchemy import select

from portal.config import INTERPRETER_LANGUAGES, LANGUAGES, RTL_LANGUAGES
from portal.i18n import format_day, format_moment, format_time_range, language_name
from portal.models import Event, OutboxMessage
from portal.notifications.render import render
from portal.services import registration as registration_service
from tests.web.helpers import form_post, post, text_of, translated
from tests.web.test_organizer import new_event_data

FIFTEEN = ["en", "es", "zh", "vi", "ar", "so", "ht", "pt", "ru", "ko", "fr", "uk", "fa-AF", "fil", "sw"]


def test_fifteen_languages_ship_two_of_them_right_to_left():
    assert list(LANGUAGES) == FIFTEEN
    assert RTL_LANGUAGES == {"ar", "fa-AF"}
    # an interpreter can be offered in each, and each only once
    assert set(FIFTEEN) <= set(INTERPRETER_LANGUAGES)
    assert len(INTERPRETER_LANGUAGES) == len(set(INTERPRETER_LANGUAGES))


def html_tag(client, url, **headers):
    html = text_of(client.get(url, headers=headers))
    return html[html.index("<html"):html.index(">", html.index("<html")) + 1]


@pytest.mark.parametrize("language", FIFTEEN)
def test_each_language_sets_the_page_language_and_direction(client, event, language):
    direction = "rtl" if language in {"ar", "fa-AF"} else "ltr"
    tag = {"zh": "zh-Hans"}.get(language, language)  # simplified Chinese says its script
    assert html_tag(client, f"/?lang={language}") == f'<html lang="{tag}" dir="{direction}">'


def test_dari_is_chosen_by_query_whatever_the_spelling_and_remembered(client, event):
    for spelling in ("fa-AF", "fa_AF", "fa-af"):
        response = client.get(f"/?lang={spelling}")
        assert 'lang="fa-AF" dir="rtl"' in text_of(response)
        assert "lang=fa-AF;" in response.headers["Set-Cookie"]
    assert 'lang="fa-AF" dir="rtl"' in html_tag(client, "/", **{"Accept-Language": "en"})


def test_an_unknown_language_in_the_query_is_ignored(client, event):
    response = client.get("/?lang=xx-YY")
    assert html_tag(client, "/?lang=xx-YY") == '<html lang="en" dir="ltr">'
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("header, language", [
    ("fa-AF", "fa-AF"), ("prs", "fa-AF"), ("prs-AF,en;q=0.5", "fa-AF"), ("fa-IR,fa;q=0.9", "fa-AF"),
    ("fil-PH", "fil"), ("tl", "fil"), ("uk-UA,uk;q=0.9,en;q=0.8", "uk"), ("sw-KE", "sw"), ("fr-CA,fr;q=0.9", "fr"),
    ("de-DE,uk;q=0.5", "uk"), ("ko-KR", "ko"), ("uk;q=0,fr;q=0.5", "fr"),
])
def test_the_browser_language_picks_a_shipped_one_by_code_region_or_other_name(client, event,
                                                                              header, language):
    assert f'<html lang="{language}"' in html_tag(client, "/", **{"Accept-Language": header})


@pytest.mark.parametrize("code, page_language, name", [
    ("fa-AF", "en", "Dari"), ("fa-AF", "fa-AF", "دری"), ("fa-AF", "es", "darí"), ("fa", "en", "Persian"),
    ("fil", "en", "Tagalog"), ("fil", "es", "tagalo"), ("uk", "fr", "ukrainien"), ("sw", "uk", "суахілі"),
    ("fr", "sw", "Kifaransa"),
])
def test_languages_are_named_in_the_page_language(app, code, page_language, name):
    with app.test_request_context():
        assert language_name(code, page_language) == name


def test_dari_dates_and_times_are_written_in_persian_script_and_digits(app, event):
    tz = event.school.tz
    with app.test_request_context():
        day = format_day(event.starts_at, tz, "fa-AF")
        times = format_time_range(event.starts_at, event.ends_at, tz, "fa-AF")
        moment = format_moment(event.starts_at, tz, "fa-AF")
        arabic = format_day(event.starts_at, tz, "ar")
    for text in (day, times, moment):
        assert not any(ch in "0123456789" for ch in text), text
        assert any(ch in "۰۱۲۳۴۵۶۷۸۹" for ch in text), text
    assert any(ch in day for ch in "شنبه")  # a weekday in Persian script
    assert any(ch in "0123456789" for ch in arabic)  # Arabic keeps the digits its locale writes


def test_a_dari_family_is_written_to_in_dari_right_to_left(app, db, event, family, now):
    registration_service.register(event.id, family(language="fa-AF", email="family@example.org", phone=None), now)
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalars().first()
    assert message.language == "fa-AF"
    with app.test_request_context():
        rendered = render(message)
    assert '<html lang="fa-AF" dir="rtl">' in rendered.html


NEW_LANGUAGES = ["fr", "uk", "fa-AF", "fil", "sw"]


@pytest.mark.parametrize("language", NEW_LANGUAGES)
def test_every_family_page_speaks_each_new_language(app, client, db, event, family, now, language):
    token = registration_service.register(event.id, family(language=language, children=1), now).token
    db.session.commit()
    direction = "rtl" if language == "fa-AF" else "ltr"
    pages = ["/", f"/events/{event.id}", f"/events/{event.id}/register", f"/events/{event.id}/decline",
             f"/r/{token}", f"/r/{token}/edit", f"/r/{token}/cancel"]
    for url in pages:
        response = client.get(f"{url}?lang={language}")
        html = text_of(response)
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert translated(app, language, "Skip to main content") in html, url
        assert translated(app, language, "Skip to main content") != translated(app, "en", "Skip to main content")
    # the family's own page opens in the language they registered in
    assert f'<html lang="{language}"' in text_of(client.get(f"/r/{token}", headers={"Accept-Language": "en"}))


def test_an_organizer_writes_an_event_in_dari_and_offers_a_dari_interpreter(app, client, db, school, signed_in):
    staff = signed_in("organizer")
    form = text_of(staff.get("/staff/events/new"))
    assert 'name="title_fa-AF"' in form and 'lang="fa-AF"' in form
    data = new_event_data(interpreter_languages=["fa-AF", "uk"], **{
        "title_fa-AF": "صبحانهٔ خانوادگی کودکستان", "description_fa-AF": "چای، کتاب و یک سرود."})
    response = form_post(staff, "/staff/events/new", data)
    assert response.status_code == 302, text_of(response)
    event = db.session.execute(select(Event)).scalars().one()
    assert {text.language for text in event.texts} == {"en", "es", "fa-AF"}
    assert set(event.interpreter_language_list) == {"uk", "fa-AF"}
    assert post(staff, f"/staff/events/{event.id}/status", {"action": "publish"}).status_code == 302
    page = text_of(client.get(f"/events/{event.id}?lang=fa-AF"))
    assert "صبحانهٔ خانوادگی کودکستان" in page and "fallback-note" not in page
    assert "دری" in page and "اوکراینی" in page  # the interpreters, named in Dari
