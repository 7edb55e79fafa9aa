"""Every family page, through the Flask test client, in English, Spanish and Arabic."""
import gzip
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.models import Decline, EventStatus, Registration, RegistrationStatus, utcnow
from portal.services import invitations, registration as registration_service
from tests.invitation_helpers import make_household
from tests.rows import nothing_changes
from tests.web.helpers import form_post, hidden_fields, registration_data, text_of, translated, translated_plural

LANGUAGES = ["en", "es", "ar"]


def registration_count(db):
    return db.session.execute(select(func.count()).select_from(Registration)).scalar_one()


@pytest.fixture
def registered(db, event, family, now):
    """A confirmed registration and its manage token."""
    result = registration_service.register(event.id, family(language="es", children=1,
                                                            childcare_children=1), now)
    db.session.commit()
    return result


def family_pages(event, token):
    return {
        "list": "/",
        "filtered list": "/events?grade=3",
        "event": f"/events/{event.id}",
        "register": f"/events/{event.id}/register",
        "decline": f"/events/{event.id}/decline",
        "registration": f"/r/{token}",
        "edit": f"/r/{token}/edit",
        "cancel": f"/r/{token}/cancel",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_family_page_speaks_the_chosen_language(app, client, event, registered, language):
    for name, url in family_pages(event, registered.token).items():
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
        html = text_of(response)
        assert response.status_code == 200, name
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html, name
        assert translated(app, language, "Skip to main content") in html, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_found_page_is_localized(app, client, language):
    response = client.get(f"/events/99999?lang={language}")
    assert response.status_code == 404
    assert translated(app, language, "We could not find this page.") in text_of(response)


def test_spanish_page_shows_spanish_event_text_and_dates(client, event):
    html = text_of(client.get(f"/events/{event.id}?lang=es"))
    assert "Noche de juegos de matemáticas" in html
    assert re.search(r"(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de", html)


def test_missing_translation_of_event_falls_back_with_a_note(app, client, event):
    html = text_of(client.get(f"/events/{event.id}?lang=vi"))
    assert "Math games night" in html
    assert 'lang="en"' in html  # the fallback text is marked as English for screen readers
    assert translated(app, "vi", "This event is described in %(language)s; it has not been written in your language yet.",
                      language="English").split(";")[0][:12] in html


def test_event_list_shows_only_upcoming_published_events_for_the_grade(client, make_event):
    make_event(texts={"en": ("Kinder breakfast", "")}, grades=["K"])
    make_event(texts={"en": ("Third grade night", "")}, grades=["3"])
    make_event(texts={"en": ("Draft dinner", "")}, status=EventStatus.DRAFT)
    make_event(texts={"en": ("Last week's night", "")}, days=-7)
    html = text_of(client.get("/events"))
    assert "Kinder breakfast" in html and "Third grade night" in html
    assert "Draft dinner" not in html and "Last week&#39;s night" not in html
    third = text_of(client.get("/events?grade=3"))
    assert "Third grade night" in third and "Kinder breakfast" not in third


def test_event_page_lists_the_help_on_offer_in_words(app, client, make_event):
    event = make_event(interpreter_languages="es so", offers_meal=False)
    html = text_of(client.get(f"/events/{event.id}?lang=es"))
    assert translated(app, "es", "Childcare for your little ones") in html
    assert "español" in html.lower() and "somalí" in html.lower()
    assert translated(app, "es", "A meal for the whole family") not in html


def test_language_comes_from_query_then_cookie_then_browser_then_school(client, event):
    assert '<html lang="ko"' in text_of(client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert '<html lang="en"' in text_of(client.get("/"))
    response = client.get("/?lang=ru")
    assert "lang=ru" in response.headers["Set-Cookie"]
    assert '<html lang="ru"' in text_of(client.get("/", headers={"Accept-Language": "ko"}))
    assert '<html lang="vi"' in text_of(client.get("/?lang=vi"))


def test_language_switcher_names_each_language_in_its_own_name(client, event):
    html = text_of(client.get(f"/events/{event.id}"))
    for name in ["Español", "中文（简体）", "Tiếng Việt", "العربية", "Soomaali", "Kreyòl ayisyen",
                 "Português", "Русский", "한국어"]:
        assert name in html
    assert f'href="/events/{event.id}?lang=ar"' in html


def test_register_confirms_and_lands_on_the_private_page(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/register?lang=es", registration_data())
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    registration = registration_service.find_by_token(token)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert (registration.adults, registration.children, registration.grades) == (1, 2, ["K", "3"])
    assert registration.phone == "+16125550123"
    assert {need.kind for need in registration.needs} == {"childcare", "interpreter"}

    page = client.get(f"/r/{token}")
    html = text_of(page)
    assert registration.checkin_code in html
    assert "<svg" in html  # the QR code, inline
    assert translated(app, "es", "You are registered. We look forward to seeing you!") in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"


def test_calendar_file_uses_the_school_timezone(client, registered):
    response = client.get(f"/r/{registered.token}/calendar.ics")
    body = text_of(response)
    assert response.mimetype == "text/calendar"
    assert "BEGIN:VTIMEZONE" in body and "TZID:America/Chicago" in body
    assert "DTSTART;TZID=America/Chicago:" in body
    assert registered.registration.checkin_code in body


def test_full_event_offers_the_waitlist_and_shows_the_position(app, client, db, make_event, family, now):
    event = make_event(capacity=2)
    registration_service.register(event.id, family(adults=2), now)
    db.session.commit()
    event_page = text_of(client.get(f"/events/{event.id}?lang=es"))
    assert translated(app, "es", "Join the waiting list") in event_page
    response = form_post(client, f"/events/{event.id}/register?lang=es",
                         registration_data(children="0", childcare_children="0", childcare_ages=""))
    html = text_of(client.get(response.headers["Location"]))
    assert translated(app, "es", "You do not have a place yet. You are number %(position)s on the waiting list, and we will tell you as soon as a place opens.", position=1) in html


BAD_INPUT = [
    ("missing contact", dict(phone="", email=""), "phone", "Please give us a phone number or an email address, so we can reach you.", {}),
    ("malformed phone", dict(phone="call me maybe"), "phone", "Please check the phone number. Use only digits, like 555 201 3344.", {}),
    ("too short phone", dict(phone="12"), "phone", "Please check the phone number. Use only digits, like 555 201 3344.", {}),
    ("malformed email", dict(phone="", email="maria@"), "email", "Please check the email address, like name@example.com.", {}),
    ("zero adults", dict(adults="0"), "adults", "Please enter between 1 and %(max)s adults.", {"max": 10}),
    ("negative adults", dict(adults="-1"), "adults", "Please enter between 1 and %(max)s adults.", {"max": 10}),
    ("absurd adults", dict(adults="500"), "adults", "Please enter between 1 and %(max)s adults.", {"max": 10}),
    ("words for a number", dict(children="two"), "children", "Please enter between 0 and %(max)s children.", {"max": 15}),
    ("too many seats", dict(transportation_seats="500"), "transportation_seats",
     "Please enter a number from %(min)s to %(max)s.", {"min": 0, "max": 25}),
    ("more in childcare than coming", dict(children="1", childcare_children="2", childcare_ages=""), "childcare_children",
     ("You told us %(num)d child is coming. Childcare can be for that many children at most.",
      "You told us %(num)d children are coming. Childcare can be for that many children at most."), {"num": 1}),
    ("unknown grade", dict(grades=["13"]), "grades", "Please choose from the list.", {}),
    ("ages not numbers", dict(childcare_ages="three"), "childcare_ages", "Please write each age as a number from 0 to %(max)s.", {"max": 17}),
    ("interpreter not offered", dict(interpreter_language="ko"), "interpreter_language", "Please choose from the list.", {}),
    ("missing name", dict(name=""), "name", "Please tell us your name.", {}),
    # More than 4300 digits: Python's int() refuses them with its own English message.
    ("a number of 5000 digits", dict(adults="9" * 5000), "adults", "Please enter between 1 and %(max)s adults.",
     {"max": 10}),
    ("an age of 5000 digits", dict(childcare_ages="9" * 5000), "childcare_ages",
     "Please write each age as a number from 0 to %(max)s.", {"max": 17}),
    # 'İ' lower-cased is two characters: 252 typed would be stored as 492.
    ("an email longer once lower-cased", dict(email="İ" * 240 + "@example.org"), "email",
     "Please check the email address, like name@example.com.", {}),
]


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("case, fields, field, message, params", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_explained_next_to_the_field_and_changes_nothing(
        app, client, db, event, language, case, fields, field, message, params):
    with nothing_changes():
        response = form_post(client, f"/events/{event.id}/register?lang={language}", registration_data(**fields))
    html = text_of(response)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error, f"no error next to {field}"
    expected = (translated_plural(app, language, *message, params["num"]) if isinstance(message, tuple)
                else translated(app, language, message, **params))
    assert expected in error.group(1)
    assert registration_count(db) == 0
    # what the family typed is still there
    assert "Llegaremos 10 minutos tarde" in html


@pytest.mark.parametrize("how", ["register", "change"])
def test_a_name_whose_search_form_is_longer_is_saved_whole(client, db, event, registered, how):
    """'ß' is searched as 'ss': the search form of a name of 200 characters
    can be longer than the name's column, and is cut to fit it."""
    name = "ß" * 200
    url = f"/events/{event.id}/register" if how == "register" else f"/r/{registered.token}/edit"
    response = form_post(client, url, registration_data(name=name, phone="612 555 7001"))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.execute(select(Registration).where(Registration.name == name)).scalar_one()
    assert saved.search_name == "ss" * 100


def test_a_submission_key_longer_than_any_the_page_makes_is_ignored(client, db, event):
    response = form_post(client, f"/events/{event.id}/register", registration_data(submission_key="k" * 65))
    assert response.status_code == 302
    [saved] = db.session.execute(select(Registration)).scalars().all()
    assert saved.submission_key is None


def test_every_problem_is_listed_at_once_with_links_to_the_fields(app, client, db, event):
    """The event's own rules (childcare for the children coming) are checked
    with the fields' checks, not in a second round."""
    response = form_post(client, f"/events/{event.id}/register?lang=es", registration_data(
        name="", adults="500", children="1", childcare_children="3", transportation_seats="500",
        childcare_ages=["4", "x"]))
    html = text_of(response)
    assert response.status_code == 422
    summary = re.search(r'<div class="problems"[^>]*autofocus>(.*?)</div>', html, re.S)[1]
    targets = re.findall(r'<a href="#([\w-]+)">', summary)
    assert targets == ["name", "adults", "childcare_children", "childcare_ages-0", "transportation_seats"]
    assert registration_count(db) == 0


def test_childcare_ages_come_from_one_field_per_child_and_are_stored_as_the_dashboard_reads_them(
        client, db, event):
    response = form_post(client, f"/events/{event.id}/register", registration_data(
        children="3", childcare_children="3", childcare_ages=["5", "", "2", ""]))
    assert response.status_code == 302
    need = db.session.execute(select(Registration)).scalar_one().needs[0]
    assert (need.kind, need.quantity, need.detail) == ("childcare", 3, "5, 2")


def test_grades_offered_are_the_events_own(client, make_event):
    page = text_of(client.get(f"/events/{make_event(grades=['2', 'K']).id}/register"))
    assert re.findall(r'name="grades"[^>]*value="(\w+)"', page) == ["K", "2"]


def test_bad_party_size_for_the_event_is_explained(app, client, db, make_event):
    event = make_event(capacity=4)
    response = form_post(client, f"/events/{event.id}/register?lang=es",
                         registration_data(adults="3", children="2"))
    assert response.status_code == 422
    assert translated_plural(
        app, "es", "This event has room for %(num)d person in all. Please call the school so we can find a way for your family to join.",
        "This event has room for %(num)d people in all. Please call the school so we can find a way for your family to join.",
        4) in text_of(response)
    assert registration_count(db) == 0


@pytest.mark.parametrize("status, days, deadline_passed", [
    (EventStatus.CANCELLED, 7, False), (EventStatus.PUBLISHED, -1, False), (EventStatus.PUBLISHED, 7, True),
])
def test_closed_events_take_no_registration(client, db, make_event, now, status, days, deadline_passed):
    event = make_event(status=status, days=days,
                       registration_deadline=now - timedelta(hours=1) if deadline_passed else None)
    form_page = client.get(f"/events/{event.id}/register")
    assert form_page.status_code == 200 and 'name="adults"' not in text_of(form_page)
    response = client.post(f"/events/{event.id}/register", data=registration_data())
    assert response.status_code == 410
    assert registration_count(db) == 0


def test_draft_event_is_not_found(client, make_event):
    event = make_event(status=EventStatus.DRAFT)
    for url in (f"/events/{event.id}", f"/events/{event.id}/register", f"/events/{event.id}/decline"):
        assert client.get(url).status_code == 404


def test_unknown_and_forged_tokens_get_the_same_not_found(client, registered):
    forged = registered.token[:-2] + ("AA" if not registered.token.endswith("AA") else "BB")
    urls = [f"/r/{token}{suffix}" for token in (forged, "x" * 200, "nothing")
            for suffix in ("", "/edit", "/cancel", "/calendar.ics")]
    pages = {url: client.get(url) for url in urls}
    assert {page.status_code for page in pages.values()} == {404}
    # the same page, but for the language links back to the address asked for
    # and the time-stamped hidden fields (CSRF token, opening time) of the
    # "send my link again" form, which change when the clock ticks a second
    def same_page(url, page):
        return re.sub(r'(<input[^>]*type="hidden"[^>]*value=")[^"]*"', r'\1"', text_of(page).replace(url, "URL"))

    assert len({same_page(url, page) for url, page in pages.items()}) == 1


def test_same_form_sent_twice_makes_one_registration(client, db, event):
    page = client.get(f"/events/{event.id}/register")
    data = dict(hidden_fields(text_of(page)), **registration_data())
    first = client.post(f"/events/{event.id}/register", data=data)
    second = client.post(f"/events/{event.id}/register", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert registration_count(db) == 1


def test_same_contact_again_is_told_without_seeing_the_registration(app, client, db, event, registered):
    other_browser = app.test_client()
    phone = registered.registration.phone
    response = form_post(other_browser, f"/events/{event.id}/register?lang=es",
                         registration_data(name="Someone Else", phone=phone))
    html = text_of(response)
    assert response.status_code == 200
    assert translated(app, "es", "If you are registered, we have sent your link again to that phone or email.") in html
    assert registered.registration.name not in html
    assert registered.registration.checkin_code not in html
    assert registration_count(db) == 1


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_missing_or_wrong_csrf_keeps_the_answers_and_saves_nothing(app, client, db, event, csrf):
    data = registration_data()
    if csrf:
        data["csrf_token"] = csrf
    response = client.post(f"/events/{event.id}/register?lang=es", data=data)
    html = text_of(response)
    assert response.status_code == 422
    assert translated(app, "es", "This page was open for a long time, so for your safety we could not send it. Please check your answers and send it again.") in html
    assert 'value="María González"' in html
    assert registration_count(db) == 0


def test_every_public_form_refuses_a_post_without_csrf(app, client, db, event, registered):
    posts = {
        f"/events/{event.id}/register": registration_data(),
        f"/events/{event.id}/decline": {"reason": "work"},
        f"/r/{registered.token}/edit": registration_data(),
        f"/r/{registered.token}/cancel": {},
        f"/r/{registered.token}/delete": {},
        "/link": {"contact": registered.registration.phone},
    }
    household = make_household(db, event.school, "Rosa", "es", phone="+16125550101")
    invitations.send_invitations(event, None, ["1"], app.config["SECRET_KEY"], utcnow())
    db.session.commit()
    token = invitations.invitation_token(app.config["SECRET_KEY"], event.id, household.id)
    posts[f"/i/{token}"] = registration_data()
    posts[f"/i/{token}/decline"] = {"reason": "work"}
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 422, url
    assert registration_service.find_by_token(registered.token).status == RegistrationStatus.CONFIRMED
    assert db.session.execute(select(func.count()).select_from(Decline)).scalar_one() == 0
    # and the table is complete: every POST route of the public blueprint is
    # listed above, but for the two that a form cannot reach: the signed
    # unsubscribe link (mail clients post it with no page) and the SMS
    # provider's webhook (checked by its signature).
    post_rules = {rule.rule for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and rule.endpoint.startswith("public.")}
    assert post_rules == {"/events/<int:event_id>/register", "/events/<int:event_id>/decline",
                          "/r/<token>/edit", "/r/<token>/cancel", "/r/<token>/delete", "/link",
                          "/i/<token>", "/i/<token>/decline", "/unsubscribe/<token>", "/sms/inbound"}


def test_markup_in_any_script_is_shown_escaped(client, db, event):
    name = "<script>alert('x')</script> محمد 王"
    response = form_post(client, f"/events/{event.id}/register", registration_data(
        name=name, note="<b>bold</b>", phone="612 555 0177"))
    html = text_of(client.get(response.headers["Location"]))
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; محمد 王" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_edit_that_no_longer_fits_is_explained_then_waitlisted_with_consent(app, client, db, make_event, family, now):
    event = make_event(capacity=4)
    result = registration_service.register(event.id, family(adults=2), now)
    registration_service.register(event.id, family(adults=1), now)
    db.session.commit()
    url = f"/r/{result.token}/edit?lang=es"
    bigger = registration_data(adults="2", children="2", childcare_children="0", childcare_ages="",
                               phone=result.registration.phone)
    response = form_post(client, url, bigger)
    assert response.status_code == 422
    assert translated_plural(app, "es", "Only %(num)d place is left, so your family will not all fit. If you save, your family moves to the waiting list, and we will let you know when there is room.",
                             "Only %(num)d places are left, so your family will not all fit. If you save, your family moves to the waiting list, and we will let you know when there is room.",
                             3) in text_of(response)
    assert 'name="accept_waitlist"' in text_of(response)
    assert registration_service.find_by_token(result.token).party_size == 2

    response = form_post(client, url, dict(bigger, accept_waitlist="y"))
    assert response.status_code == 302
    changed = registration_service.find_by_token(result.token)
    assert (changed.status, changed.party_size) == (RegistrationStatus.WAITLISTED, 4)


def test_cancel_from_the_private_page_frees_the_places(client, db, make_event, family, now):
    event = make_event(capacity=2)
    first = registration_service.register(event.id, family(adults=2), now)
    waiting = registration_service.register(event.id, family(adults=2), now)
    db.session.commit()
    response = form_post(client, f"/r/{first.token}/cancel", {})
    assert response.status_code == 302
    assert registration_service.find_by_token(first.token).status == RegistrationStatus.CANCELLED
    assert registration_service.find_by_token(waiting.token).status == RegistrationStatus.CONFIRMED


def test_private_page_opens_in_the_family_language(app, client, registered):
    html = text_of(client.get(f"/r/{registered.token}"))
    assert '<html lang="es"' in html


def test_cant_come_answer_is_recorded(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/decline?lang=ht",
                         {"reason": "work", "note": "I work nights; a morning would work", "name": ""})
    assert response.status_code == 302
    decline = db.session.execute(select(Decline)).scalar_one()
    assert (decline.reason, decline.language, decline.name) == ("work", "ht", "")
    assert "morning" in decline.note


def test_cant_come_needs_a_reason(app, client, db, event):
    response = form_post(client, f"/events/{event.id}/decline?lang=es", {"reason": "bored"})
    assert response.status_code == 422
    assert translated(app, "es", "Please choose a reason from the list.") in text_of(response)
    assert db.session.execute(select(func.count()).select_from(Decline)).scalar_one() == 0


def test_family_pages_fit_the_page_weight_budget_and_call_no_other_host(app, client, event, registered):
    css = len(client.get("/static/portal.css").data)
    js = len(client.get("/static/portal.js").data)
    for name, url in family_pages(event, registered.token).items():
        for language in LANGUAGES:
            html = text_of(client.get(f"{url}{'&' if '?' in url else '?'}lang={language}"))
            weight = len(html.encode()) + css + (js if "portal.js" in html else 0)
            assert weight < 30 * 1024, f"{name} in {language}: {weight} bytes"
            assert not re.search(r'(src|href|action)="(https?:)?//', html), name


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_static_files_are_named_by_content_cached_for_a_year_and_compressed(client, event):
    page = client.get(f"/events/{event.id}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    stylesheet = re.search(r'href="(/static/portal\.[0-9a-f]{12}\.css)"', html)[1]
    for encoding in ("br", "gzip"):
        css = client.get(stylesheet, headers={"Accept-Encoding": encoding})
        assert css.status_code == 200 and css.headers["Content-Encoding"] == encoding
        assert css.headers["Cache-Control"] == "max-age=31536000, public, immutable"
        assert css.headers["X-Content-Type-Options"] == "nosniff"
