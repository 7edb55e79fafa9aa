"""Each language as a family reads it: dates and names in the language (also
where Babel has no data), plurals, lists, statuses, the place, text that is
not in the family's language, and text messages."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from babel import Locale
from flask_babel import force_locale
from sqlalchemy import select

from portal.i18n import format_day, format_moment, format_names, format_time_range, language_name
from portal.locale_data import HAITIAN_CREOLE
from portal.models import EventStatus, OutboxMessage, RegistrationStatus
from portal.need_words import need_sentences
from portal.notifications.render import render
from portal.services import registration as registration_service
from portal.wording import error_message
from tests.web.helpers import form_post, text_of
from tests.web.test_organizer import edit_data, organizer, staff  # noqa: F401 (fixtures)

CHICAGO = ZoneInfo("America/Chicago")
SATURDAY_EVENING = datetime(2026, 12, 6, 2, 0)  # Saturday 5 December, 20:00 in Chicago
# French names Creole does not share ("avril" and "somali" are both).
FRENCH_NAMES = sorted({name for width in ("wide", "abbreviated") for names in (
    Locale("fr").months["format"][width], Locale("fr").days["format"][width]) for name in names.values()}
    - set(HAITIAN_CREOLE["months"].values()))
FRENCH_LANGUAGE_NAMES = ["anglais", "espagnol", "arabe", "vietnamien", "chinois", "portugais", "russe",
                         "coréen", "français"]


def words(text):
    return set(re.findall(r"[^\W\d_]+\.?", text.lower()))


def french_words_in(text):
    # The switcher and the language choice name French in French ("Français")
    # on purpose: leave out what is marked as written in French.
    text = re.sub(r'<(a|option)[^>]*(lang|value)="fr"[^>]*>Français</\1>', "", text)
    found = words(text)
    return sorted(name for name in FRENCH_NAMES + FRENCH_LANGUAGE_NAMES
                  if name.lower() in found or name.lower().rstrip(".") in found)


def sent(db, registration_id):
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.registration_id == registration_id)
                              .order_by(OutboxMessage.id)).scalars().all()


@pytest.fixture
def saturday_event(make_event):
    return make_event(starts_at=SATURDAY_EVENING, ends_at=SATURDAY_EVENING + timedelta(hours=1, minutes=30),
                      registration_deadline=SATURDAY_EVENING - timedelta(days=1),
                      interpreter_languages="es ar so vi zh pt ru ko")


# -- 1. Haitian Creole from the portal's own data ----------------------------

def test_creole_dates_and_language_names_come_from_the_portal_not_french(app):
    with app.test_request_context():
        assert format_day(SATURDAY_EVENING, CHICAGO, "ht") == "samdi 5 desanm 2026"
        assert format_moment(SATURDAY_EVENING, CHICAGO, "ht") == "5 desanm 2026, 20:00"
        assert [language_name(code, "ht") for code in ("en", "es", "ar", "fr")] == ["angle", "panyòl", "arab", "franse"]
        assert format_names(["angle", "panyòl", "arab"], "ht") == "angle, panyòl ak arab"
        assert [format_day(SATURDAY_EVENING + timedelta(days=day), CHICAGO, "ht").split()[0]
                for day in range(7)] == ["samdi", "dimanch", "lendi", "madi", "mèkredi", "jedi", "vandredi"]


def test_no_creole_page_email_or_text_shows_a_french_month_day_or_language(app, client, db, saturday_event,
                                                                          family, now):
    result = registration_service.register(saturday_event.id, family(language="ht", interpreter_language="es"), now)
    by_email = registration_service.register(saturday_event.id, family(language="ht", email="jb@example.com",
                                                                       phone=None), now)
    db.session.commit()
    pages = ["/", f"/events/{saturday_event.id}", f"/events/{saturday_event.id}/register",
             f"/events/{saturday_event.id}/decline", f"/r/{result.token}", f"/r/{result.token}/edit",
             f"/r/{result.token}/cancel"]
    for url in pages:
        html = text_of(client.get(f"{url}?lang=ht"))
        assert french_words_in(html) == [], url
    assert "samdi 5 desanm 2026" in text_of(client.get(f"/events/{saturday_event.id}?lang=ht"))
    with app.test_request_context():
        messages = sent(db, result.registration.id) + sent(db, by_email.registration.id)
        assert {message.channel for message in messages} == {"sms", "email"}
        for message in messages:
            rendered = render(message)
            for text in (rendered.text, rendered.html, rendered.sms, (rendered.ics or b"").decode()):
                assert french_words_in(text) == [], message.kind


# -- 2 and 3. Korean day periods; long dates with the month written out ------

def test_korean_times_say_ojeon_and_ohu_not_am_pm(app, client, saturday_event):
    with app.test_request_context():
        assert format_time_range(SATURDAY_EVENING, SATURDAY_EVENING + timedelta(hours=1), CHICAGO, "ko") \
            == "오후 8:00~9:00"
        assert format_moment(SATURDAY_EVENING, CHICAGO, "ko") == "2026년 12월 5일 오후 8:00"
    html = text_of(client.get(f"/events/{saturday_event.id}?lang=ko"))
    assert "오후 8:00" in html and "PM" not in html


@pytest.mark.parametrize("language, month", [("vi", "tháng 12"), ("so", "Diseembar"), ("ar", "ديسمبر"),
                                             ("en", "December"), ("ru", "декабря")])
def test_deadlines_and_texts_write_the_month_out(app, client, db, saturday_event, family, now, language, month):
    html = text_of(client.get(f"/events/{saturday_event.id}?lang={language}"))
    deadline = re.search(r'<p class="deadline">(.*?)</p>', html).group(1)
    assert month in deadline
    assert not re.search(r"\d{1,2}\W{1,2}\d{1,2}\W{1,2}\d{4}", deadline), deadline  # no 05/12/2026
    result = registration_service.register(saturday_event.id, family(language=language), now)
    db.session.commit()
    with app.test_request_context():
        [confirmation] = sent(db, result.registration.id)
        assert month in render(confirmation).sms


# -- 4. statuses in context ----------------------------------------------------

@pytest.mark.parametrize("language, registration, event, heading", [
    ("es", "Cancelada", "Cancelado", "Cancelados"),
    ("pt", "Cancelada", "Cancelado", "Cancelados"),
    ("ru", "Отменена", "Отменено", "Отменённые"),
])
def test_cancelled_agrees_with_what_was_cancelled(app, language, registration, event, heading):
    from flask_babel import pgettext

    with app.test_request_context(), force_locale(language):
        assert str(RegistrationStatus.CANCELLED.label) == registration
        assert str(EventStatus.CANCELLED.label) == event
        assert pgettext("events list heading", "Cancelled") == heading


def test_organizer_event_list_uses_the_plural_heading(staff, make_event):
    make_event(status="cancelled")
    assert '<h2 id="group-cancelled">Cancelados <span' in text_of(staff.get("/staff/events?lang=es"))


# -- 5 and 6. every count with its plural form --------------------------------

def test_counts_in_messages_take_their_plural_form(app):
    with app.test_request_context():
        with force_locale("en"):
            assert error_message("childcare_more_than_children", children=1).startswith("You told us 1 child is coming.")
            assert "room for 1 person in all" in error_message("party_larger_than_event", capacity=1)
            assert error_message("seats_more_than_party", party=1) == "Please ask for 1 seat at most."
            assert error_message("capacity_below_confirmed", confirmed=1).startswith("1 person is already")
        with force_locale("es"):
            assert "viene 1 niño." in error_message("childcare_more_than_children", children=1)
            assert "vienen 3 niños." in error_message("childcare_more_than_children", children=3)
        with force_locale("ar"):
            assert error_message("seats_more_than_party", party=2) == "يُرجى طلب مقعدين على الأكثر."


def test_childcare_with_ages_is_one_sentence_with_its_plural(app, db, event, family, now):
    one = registration_service.register(event.id, family(children=1, childcare_children=1,
                                                         childcare_ages=[4]), now).registration
    two = registration_service.register(event.id, family(children=2, childcare_children=2,
                                                         childcare_ages=[4, 6]), now).registration
    with app.test_request_context(), force_locale("en"):
        assert "Childcare for 1 child, age 4" in need_sentences(one)
        assert "Childcare for 2 children, ages 4 and 6" in need_sentences(two)
    with app.test_request_context(), force_locale("ar"):
        assert "رعاية طفل واحد (العمر: 4)" in need_sentences(one)


# -- 7. lists joined the language's way, no glued sentences --------------------

@pytest.mark.parametrize("language, joined", [("zh", "西班牙语、阿拉伯语和越南语"), ("ar", "الإسبانية والعربية والفيتنامية"),
                                              ("es", "español, árabe y vietnamita")])
def test_interpreter_languages_are_listed_the_languages_way(client, make_event, language, joined):
    event = make_event(interpreter_languages="es ar vi")
    assert joined in text_of(client.get(f"/events/{event.id}?lang={language}"))


def test_the_register_page_title_is_one_translated_sentence(client, event):
    assert "<title>Inscribirse: Noche de juegos de matemáticas · " in text_of(
        client.get(f"/events/{event.id}/register?lang=es"))


# -- 8 and 9. text messages: right to left, and no agreement with the title ---

def test_an_arabic_text_starts_with_a_right_to_left_mark(app, db, event, family, now):
    result = registration_service.register(event.id, family(language="ar"), now)
    db.session.commit()
    with app.test_request_context():
        [confirmation] = sent(db, result.registration.id)
        assert render(confirmation).sms.startswith("\u200f")
    english = registration_service.register(event.id, family(language="en"), now)
    db.session.commit()
    with app.test_request_context():
        assert not render(sent(db, english.registration.id)[0]).sms.startswith("\u200f")


# Words that would have to agree with the title's gender or number.
AGREEING = {"es": r"(está|es) (llen|cancelad)[oa]s?", "pt": r"(está|foi) (lotad|cancelad)[oa]s?",
            "ar": r"%\(title\)s (مكتملة|مكتمل|ملغاة|ملغى|أُلغيت)"}


@pytest.mark.parametrize("language", sorted(AGREEING))
def test_text_messages_need_no_agreement_with_the_event_title(app, language):
    from portal.notifications.render import SMS

    with app.test_request_context(), force_locale(language):
        for kind, text in SMS.items():
            translated = str(text)
            after_title = translated.split("%(title)s", 1)[1][:25]
            assert not re.search(AGREEING[language], "%(title)s" + after_title), (kind, translated)
            assert not re.search(AGREEING[language], translated), (kind, translated)


# -- 10. language tags and names ----------------------------------------------

def test_chinese_pages_say_zh_hans_and_the_switcher_reads_simplified_chinese(client, event):
    html = text_of(client.get(f"/events/{event.id}?lang=zh"))
    assert '<html lang="zh-Hans" dir="ltr">' in html
    assert 'lang="zh-Hans" hreflang="zh-Hans"' in html
    assert "中文（简体）" in html


def test_vietnamese_language_names_are_lower_case_mid_sentence(app):
    with app.test_request_context():
        assert language_name("en", "vi") == "tiếng Anh"
        assert language_name("es", "vi") == "tiếng Tây Ban Nha"


# -- 11. the place per language -----------------------------------------------

def test_the_place_shows_in_the_familys_language_and_falls_back_marked(app, client, db, event, family, now):
    event.set_text("es", "Noche de juegos de matemáticas", "", "Gimnasio, Lincoln Elementary")
    db.session.commit()
    spanish = text_of(client.get(f"/events/{event.id}?lang=es"))
    assert '<p class="where">Gimnasio, Lincoln Elementary</p>' in spanish
    arabic = text_of(client.get(f"/events/{event.id}?lang=ar"))
    assert '<p class="where" lang="en" dir="ltr">Gym, Lincoln Elementary</p>' in arabic
    result = registration_service.register(event.id, family(language="es", email="m@example.com"), now)
    db.session.commit()
    with app.test_request_context():
        for message in sent(db, result.registration.id):
            rendered = render(message)
            assert "Gimnasio" in rendered.text and "Gym," not in rendered.text
            if rendered.ics:
                assert "LOCATION;LANGUAGE=es:Gimnasio" in rendered.ics.decode()


def test_an_organizer_writes_the_place_per_language(staff, db, event):
    data = edit_data(event, location_es="Gimnasio de la escuela", title_es="Noche de juegos")
    response = form_post(staff, f"/staff/events/{event.id}/edit", data)
    assert response.status_code in (302, 303), text_of(response)[:2000]
    db.session.expire_all()
    assert event.place_for("es") == ("Gimnasio de la escuela", "es")
    assert event.place_for("vi") == (event.location, "en")


# -- 12. text not in the family's language is marked everywhere ---------------

def test_english_text_on_arabic_pages_is_marked_and_noted(app, client, db, make_event, family, now):
    event = make_event(texts={"en": ("Math games night", "Your child learns to read.")})
    result = registration_service.register(event.id, family(language="ar", email="l@example.com", phone=None), now)
    db.session.commit()
    for url in ["/", f"/events/{event.id}", f"/events/{event.id}/register", f"/events/{event.id}/decline",
                f"/r/{result.token}", f"/r/{result.token}/edit", f"/r/{result.token}/cancel",
                f"/r/{result.token}/delete"]:
        html = text_of(client.get(f"{url}?lang=ar"))
        assert 'lang="en" dir="ltr">Math games night<' in html, url
        assert 'class="fallback-note"' in html, url
    page = text_of(client.get(f"/events/{event.id}?lang=ar"))
    assert '<title lang="en" dir="ltr">Math games night' in page
    assert '<p class="description" lang="en" dir="ltr">Your child learns to read.</p>' in page
    with app.test_request_context():
        email = next(render(m) for m in sent(db, result.registration.id) if m.channel == "email")
        assert '<h1 style="font-size:20px" lang="en" dir="ltr">Math games night</h1>' in email.html
        with force_locale("ar"):
            note = flask_babel.gettext("This event is described in %(language)s; it has not been written in your "
                                       "language yet.", language=language_name("en"))
        assert note in email.text and note in email.html
        assert "SUMMARY;LANGUAGE=en:Math games night" in email.ics.decode()


def test_a_closed_event_page_notes_the_fallback(client, make_event):
    event = make_event(texts={"en": ("Math games night", "")}, status="cancelled")
    html = text_of(client.get(f"/events/{event.id}/register?lang=es"))
    assert 'lang="en" dir="ltr">Math games night<' in html
    assert 'class="fallback-note"' in html


# -- 13. the unsubscribe link keeps the message's language --------------------

def test_the_unsubscribe_link_opens_in_the_messages_language(app, client, db, event, family, now):
    result = registration_service.register(event.id, family(language="ar", email="a@example.com", phone=None), now)
    db.session.commit()
    with app.test_request_context():
        rendered = render(sent(db, result.registration.id)[0])
    assert rendered.unsubscribe_url.endswith("?lang=ar")
    path = rendered.unsubscribe_url.split("://", 1)[1].split("/", 1)[1]
    html = text_of(client.get("/" + path, headers={"Accept-Language": "en"}))
    assert '<html lang="ar" dir="rtl">' in html


# -- 14. the short sender name --------------------------------------------------

def test_texts_start_with_the_schools_short_name(app, db, school, event, family, now):
    school.sms_name = "Lincoln Elem."
    result = registration_service.register(event.id, family(language="en"), now)
    db.session.commit()
    with app.test_request_context():
        assert render(sent(db, result.registration.id)[0]).sms.startswith("Lincoln Elem.: ")
    school.sms_name = ""
    db.session.commit()
    with app.test_request_context():
        assert render(sent(db, result.registration.id)[0]).sms.startswith(school.name + ": ")


def test_the_front_desk_says_counted_messages_with_their_plural(app):
    from portal.wording import frontdesk_message

    with app.test_request_context(), force_locale("en"):
        assert frontdesk_message("childcare_more_than_children", children=1).startswith("You told us 1 child is coming.")
        assert frontdesk_message("seats_more_than_party", party=3) == "Please ask for 3 seats at most."
        assert frontdesk_message("no_such_code") == "We could not find this family in this event's list."


def test_english_text_inside_an_arabic_text_message_or_subject_is_isolated(app, db, make_event, family, now):
    event = make_event(texts={"en": ("Math games night.", "")})
    result = registration_service.register(event.id, family(language="ar"), now)
    db.session.commit()
    with app.test_request_context():
        rendered = render(sent(db, result.registration.id)[0])
    assert "\u2068Math games night.\u2069" in rendered.sms
    assert "\u2068Math games night.\u2069" in rendered.subject
