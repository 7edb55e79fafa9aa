"""The organizer's workspace through the test client, as a signed-in
organizer: events, the event form, one event's dashboard, registrations,
printouts, the CSV export and reports. Numbers are computed by hand from
the registrations each test makes."""
import csv
import html as html_lib
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import func, select

from portal.clock import to_local
from portal.i18n import language_name
from portal.models import (
    Attendance,
    Event,
    EventStatus,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Source,
    utcnow,
)
from portal.services import declines, registration as registration_service
from portal.services.contact import normalize_phone
from portal.services.schools import ensure_school
from tests.conftest import add_staff, sign_in
from tests.rows import nothing_changes
from tests.web.helpers import form_post, local_times, post, registration_data, text_of, translated

# -- fixtures and helpers -------------------------------------------------------------

@pytest.fixture
def organizer(db, school):
    user = add_staff(school, "olivia@lincoln.example", "Olivia", "organizer")
    db.session.commit()
    return user


@pytest.fixture
def staff(app, organizer):
    """A browser signed in as the organizer."""
    return sign_in(app.test_client(), organizer)


def new_event_data(**overrides):
    day = date.today() + timedelta(days=14)
    data = dict(
        title_en="Kindergarten breakfast", description_en="Coffee, books and a song.",
        title_es="Desayuno de kínder", description_es="Café, libros y una canción.",
        day=day.isoformat(), starts="08:00", ends="09:00", location="School library",
        grades=["K", "1"], capacity="40",
        deadline_day=(day - timedelta(days=2)).isoformat(), deadline_time="17:00",
        offers_childcare="y", childcare_capacity="12", interpreter_languages=["es", "so"],
        offers_transportation="y",
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(event, **overrides):
    """The edit form as the page fills it in for `event`, with `overrides`."""
    tz = event.school.tz
    starts, ends = to_local(event.starts_at, tz), to_local(event.ends_at, tz)
    data = {}
    for text in event.texts:
        data[f"title_{text.language}"] = text.title
        data[f"description_{text.language}"] = text.description
    data.update(day=starts.date().isoformat(), starts=starts.strftime("%H:%M"), ends=ends.strftime("%H:%M"),
                location=event.location, grades=list(event.grades), capacity=str(event.capacity),
                childcare_capacity=str(event.childcare_capacity),
                interpreter_languages=event.interpreter_language_list)
    if event.registration_deadline:
        deadline = to_local(event.registration_deadline, tz)
        data.update(deadline_day=deadline.date().isoformat(), deadline_time=deadline.strftime("%H:%M"))
    for flag in ("offers_childcare", "offers_transportation", "offers_meal"):
        if getattr(event, flag):
            data[flag] = "y"
    data.update(overrides)
    return data


def count(db, model):
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def reload(db, model, row_id):
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, row_id)


def error_next_to(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


def en_plural(app, singular, plural, num):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("en"):
        return ngettext(singular, plural, num)


def words(fragment):
    """The text of an HTML fragment, tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def numbers(html):
    """{label: text} of the figures in <dl class="numbers"> (first <dd> of each)."""
    block = re.search(r'<dl class="numbers">(.*?)</dl>', html, re.S).group(1)
    return {words(label): words(value)
            for label, value in re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block, re.S)}


def chart(html, caption):
    """{row name: value} of the bar chart with this caption; each bar is an inline SVG."""
    tables = re.findall(r'<table class="chart">\s*<caption>(.*?)</caption>(.*?)</table>', html, re.S)
    body = next(body for found, body in tables if words(found) == words(caption))
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="bar">(.*?)</td>\s*<td class="num">(\d+)</td>',
                      body, re.S)
    assert all(bar.startswith("<svg") and bar.endswith("</svg>") for _name, bar, _value in rows)
    return {words(name): int(value) for name, _bar, value in rows}


def tile(html, heading):
    match = re.search(rf'<div class="tile( tile-warning)?">\s*<h3>{re.escape(heading)}</h3>(.*?)</div>',
                      html, re.S)
    return bool(match.group(1)), match.group(2)


def table_names(html):
    """The names in the dashboard's registrations table, in order, with their status."""
    return [(words(name), status) for status, name in
            re.findall(r'<tr class="row-(\w+)">\s*<td><a href="[^"]+">(.*?)</a>', html, re.S)]


def plural(app, singular, plural_form, num, **params):
    with app.test_request_context(), force_locale("en"):
        return ngettext(singular, plural_form, num, **params)


def en(app, message, **params):
    return words(translated(app, "en", message, **params))


# -- the event list -------------------------------------------------------------------

def test_event_list_groups_upcoming_drafts_past_and_cancelled_with_counts(app, db, staff, make_event, family, now):
    soon = make_event(texts={"en": ("Soon night", "")}, capacity=10)
    make_event(texts={"en": ("Later night", "")}, days=20)
    make_event(texts={"en": ("Draft dinner", "")}, status=EventStatus.DRAFT)
    make_event(texts={"en": ("Last month's picnic", "")}, days=-30)
    make_event(texts={"en": ("Cancelled concert", "")}, status=EventStatus.CANCELLED)
    registration_service.register(soon.id, family(adults=2, children=1, childcare_children=1), now)
    registration_service.register(soon.id, family(adults=2, children=3), now)
    registration_service.register(soon.id, family(adults=5), now)  # 3 + 5 + 5 > 10: waitlisted
    db.session.commit()

    html = text_of(staff.get("/staff/events"))
    groups = dict(re.findall(r'<section aria-labelledby="group-(\w+)">(.*?)</section>', html, re.S))
    assert list(groups) == ["upcoming", "drafts", "past", "cancelled"]
    titles = {key: re.findall(r'<td><a href="/staff/events/\d+">(.*?)</a></td>', body) for key, body in groups.items()}
    assert titles == {"upcoming": ["Soon night", "Later night"], "drafts": ["Draft dinner"],
                      "past": ["Last month&#39;s picnic"], "cancelled": ["Cancelled concert"]}
    shown_counts = {key: int(re.search(r'<span class="count">\((\d+)\)</span>', body).group(1))
                    for key, body in groups.items()}
    assert shown_counts == {"upcoming": 2, "drafts": 1, "past": 1, "cancelled": 1}
    # Soon night: 8 of 10 people, 1 party waiting, 1 family with a need (childcare)
    row = re.search(rf'<a href="/staff/events/{soon.id}">.*?</tr>', groups["upcoming"], re.S).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["8 / 10", "1", "1"]


def test_other_schools_events_are_not_listed(app, db, staff, make_event):
    other = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    make_event(texts={"en": ("Roosevelt science fair", "")}, school_id=other.id)
    make_event(texts={"en": ("Lincoln art night", "")})
    html = text_of(staff.get("/staff/events"))
    assert "Lincoln art night" in html and "Roosevelt science fair" not in html


# -- creating and editing an event ----------------------------------------------------

def test_create_event_in_two_languages(app, db, school, staff, organizer):
    response = form_post(staff, "/staff/events/new", new_event_data())
    assert response.status_code == 302
    event_id = int(re.fullmatch(r"/staff/events/(\d+)", response.headers["Location"]).group(1))
    event = reload(db, Event, event_id)
    assert event.status == EventStatus.DRAFT and event.created_by_id == organizer.id
    assert {text.language: (text.title, text.description) for text in event.texts} == {
        "en": ("Kindergarten breakfast", "Coffee, books and a song."),
        "es": ("Desayuno de kínder", "Café, libros y una canción."),
    }
    day = date.today() + timedelta(days=14)
    assert to_local(event.starts_at, school.tz).replace(tzinfo=None) == datetime.combine(day, time(8, 0))
    assert to_local(event.ends_at, school.tz).replace(tzinfo=None) == datetime.combine(day, time(9, 0))
    assert to_local(event.registration_deadline, school.tz).replace(tzinfo=None) == \
        datetime.combine(day - timedelta(days=2), time(17, 0))
    assert (event.location, event.grades, event.capacity) == ("School library", ["K", "1"], 40)
    assert (event.offers_childcare, event.childcare_capacity, event.interpreter_languages,
            event.offers_transportation, event.offers_meal) == (True, 12, "es so", True, False)

    dashboard = staff.get(f"/staff/events/{event_id}")
    assert re.search(r"<h1>Kindergarten breakfast</h1>", text_of(dashboard))
    assert re.search(r"<h1>Desayuno de kínder</h1>", text_of(staff.get(f"/staff/events/{event_id}?lang=es")))
    # the edit form comes back filled in, the Spanish text open in its <details>
    form = text_of(staff.get(f"/staff/events/{event_id}/edit?lang=en"))
    assert re.search(r'<details class="language-text" open>\s*<summary>Español', form)
    assert 'value="Desayuno de kínder"' in form
    checked = re.findall(r'<input checked id="grades-\d+" name="grades" type="checkbox" value="(\w+)">', form)
    assert checked == ["K", "1"]
    assert f'value="{day.isoformat()}"' in form and 'value="08:00"' in form


def test_missing_english_title_is_explained_next_to_it_and_nothing_is_saved(app, db, staff):
    response = form_post(staff, "/staff/events/new", new_event_data(title_en=""))
    html = text_of(response)
    assert response.status_code == 422
    assert en(app, "Please give the event a title in the school's main language.") == words(error_next_to(html, "title_en"))
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="title_en"|<input[^>]*id="title_en"[^>]*aria-invalid="true"', html)
    assert count(db, Event) == 0
    assert 'value="Desayuno de kínder"' in html  # what was typed stays


BAD_EVENTS = [
    ("end before start", dict(starts="18:00", ends="17:30"), "ends", "The end time must be after the start time.", {}),
    ("deadline after the start", "deadline+1", "deadline_day", "The registration deadline must be before the event starts.", {}),
    ("deadline day without time", dict(deadline_time=""), "deadline_day", "Please give both a day and a time for the deadline, or neither.", {}),
    ("capacity below zero", dict(capacity="-1"), "capacity", "Please enter a capacity between 1 and %(max)s people.", {"max": 5000}),
    ("capacity above the max", dict(capacity="5001"), "capacity", "Please enter a capacity between 1 and %(max)s people.", {"max": 5000}),
    ("capacity zero", dict(capacity="0"), "capacity", "Please enter a capacity between 1 and %(max)s people.", {"max": 5000}),
    ("capacity in words", dict(capacity="forty"), "capacity", "Please enter a capacity between 1 and %(max)s people.", {"max": 5000}),
    ("missing default-language title", dict(title_en="   "), "title_en", "Please give the event a title in the school's main language.", {}),
    ("unknown interpreter language", dict(interpreter_languages=["es", "xx"]), "interpreter_languages", "Please choose from the list.", {}),
    ("unknown grade", dict(grades=["K", "13"]), "grades", "Please choose from the list.", {}),
    ("no grade", dict(grades=None), "grades", "Please choose at least one grade.", {}),
    ("no place", dict(location=" "), "location", "Please say where the event takes place.", {}),
    ("childcare with no room", dict(childcare_capacity="0"), "childcare_capacity", "Please say how many children the childcare room can take.", {}),
    ("malformed day", dict(day="03/12/2026"), "day", "Please enter a date, like 2026-12-03.", {}),
    ("malformed time", dict(starts="6pm"), "starts", "Please enter a time, like 18:30.", {}),
    ("title too long", dict(title_es="x" * 201), "title_es", "Please make this shorter (at most %(max)s characters).", {"max": 200}),
]
# Days and times the form once passed on to the service, which failed on them:
# 9999-12-31 at 20:00 in the school's time is past the last day in UTC, and
# white space passed the "required" check but read as no value.
DAYS_AND_TIMES_OUT_OF_REACH = [
    ("the calendar's last evening", dict(day="9999-12-31", starts="20:00", ends="21:00"), "day",
     "Please enter a date, like 2026-12-03.", {}),
    ("a deadline on the calendar's last evening", dict(deadline_day="9999-12-31", deadline_time="23:00"),
     "deadline_day", "Please enter a date, like 2026-12-03.", {}),
    ("a day of spaces", dict(day=" "), "day", "Please enter a date, like 2026-12-03.", {}),
    ("a start of spaces", dict(starts=" "), "starts", "Please enter a time, like 18:30.", {}),
    ("an end of spaces", dict(ends=" "), "ends", "Please enter a time, like 18:30.", {}),
]
BAD_EVENTS += DAYS_AND_TIMES_OUT_OF_REACH


@pytest.mark.parametrize("case, change, field, message, params", BAD_EVENTS, ids=[case[0] for case in BAD_EVENTS])
def test_bad_event_input_is_explained_next_to_its_field_and_saves_nothing(
        app, db, staff, case, change, field, message, params):
    if change == "deadline+1":
        day = date.today() + timedelta(days=14)
        change = dict(deadline_day=(day + timedelta(days=1)).isoformat())
    with nothing_changes():
        response = form_post(staff, "/staff/events/new", new_event_data(**change))
    html = text_of(response)
    assert response.status_code == 422
    error = error_next_to(html, field)
    assert error is not None, f"no message next to {field}"
    assert words(error) == en(app, message, **params)
    assert re.search(r'<div class="problems" role="alert"', html)
    assert count(db, Event) == 0


@pytest.mark.parametrize("case, change, field, message, params", DAYS_AND_TIMES_OUT_OF_REACH,
                         ids=[case[0] for case in DAYS_AND_TIMES_OUT_OF_REACH])
def test_an_edit_to_a_day_or_time_out_of_reach_is_explained_and_changes_nothing(
        app, db, school, staff, make_event, case, change, field, message, params):
    event = make_event(**local_times(school, 7))
    data = edit_data(event, **change)
    with nothing_changes():
        response = form_post(staff, f"/staff/events/{event.id}/edit?lang=es", data)
    assert response.status_code == 422
    error = error_next_to(text_of(response), field)
    assert error is not None, f"no message next to {field}"
    assert words(error) == words(translated(app, "es", message, **params))


def test_event_form_errors_speak_spanish_when_the_page_does(app, db, staff):
    response = form_post(staff, "/staff/events/new?lang=es", new_event_data(capacity="-3"))
    html = text_of(response)
    assert response.status_code == 422 and '<html lang="es"' in html
    assert translated(app, "es", "Please enter a capacity between 1 and %(max)s people.", max=5000) \
        in error_next_to(html, "capacity")


def test_capacity_below_the_confirmed_people_is_refused_with_the_number(app, db, school, staff, make_event, family, now):
    event = make_event(capacity=10, **local_times(school, 7))
    registration_service.register(event.id, family(adults=2, children=2), now)
    registration_service.register(event.id, family(adults=1, children=2), now)
    db.session.commit()
    response = form_post(staff, f"/staff/events/{event.id}/edit", edit_data(event, capacity="6"))
    assert response.status_code == 422
    assert words(error_next_to(text_of(response), "capacity")) == en(
        app, "%(confirmed)s people are already confirmed, so the capacity cannot be lower than that. "
             "Cancel registrations first if you must.", confirmed=7)
    assert reload(db, Event, event.id).capacity == 10
    # exactly the confirmed number is allowed
    assert form_post(staff, f"/staff/events/{event.id}/edit", edit_data(event, capacity="7")).status_code == 302
    assert reload(db, Event, event.id).capacity == 7


def test_raising_capacity_promotes_waiting_families_in_order(app, db, school, staff, make_event, family, now):
    event = make_event(capacity=4, **local_times(school, 7))
    registration_service.register(event.id, family(adults=2, children=2), now)
    first = registration_service.register(event.id, family(adults=3), now).registration
    second = registration_service.register(event.id, family(adults=1), now).registration
    third = registration_service.register(event.id, family(adults=2), now).registration
    db.session.commit()
    assert {first.status, second.status, third.status} == {RegistrationStatus.WAITLISTED}

    response = form_post(staff, f"/staff/events/{event.id}/edit", edit_data(event, capacity="8"))
    assert response.status_code == 302
    statuses = [reload(db, Registration, r.id).status for r in (first, second, third)]
    # 4 places more: the 3 first in line, then the 1; the party of 2 keeps waiting
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    html = text_of(staff.get(response.headers["Location"]))
    assert en(app, "%(num)s waiting families now have a place.", num=2) in words(html)


def test_editing_texts_keeps_other_languages_and_drops_emptied_ones(app, db, school, staff, make_event):
    event = make_event(**local_times(school, 7))
    data = edit_data(event, title_en="Math games evening", title_es="", description_es="")
    assert form_post(staff, f"/staff/events/{event.id}/edit", data).status_code == 302
    event = reload(db, Event, event.id)
    assert {text.language: text.title for text in event.texts} == {"en": "Math games evening"}


def test_markup_in_event_text_and_names_is_shown_escaped(app, db, school, staff, make_event, family, now):
    title = '<script>alert("t")</script> Noche'
    event = make_event(texts={"en": (title, "<b>bring</b> snacks")}, **local_times(school, 7))
    name = "<img src=x onerror=alert(1)>"
    registration_service.register(event.id, family(name=name, note="<i>late</i>"), now)
    db.session.commit()
    escaped_title = "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Noche"
    for url in (f"/staff/events/{event.id}", "/staff/events", f"/staff/events/{event.id}/roster"):
        html = text_of(staff.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert escaped_title in html, url
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in dashboard and "&lt;i&gt;late&lt;/i&gt;" in dashboard
    family_page = text_of(staff.get(f"/events/{event.id}"))
    assert "<script>alert" not in family_page and escaped_title in family_page
    assert "&lt;b&gt;bring&lt;/b&gt; snacks" in family_page
    # the CSV is data, not a page: the text comes back as typed, as a download browsers never render
    export = staff.get(f"/staff/events/{event.id}/registrations.csv")
    assert export.mimetype == "text/csv" and export.headers["X-Content-Type-Options"] == "nosniff"
    assert export.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(text_of(export).lstrip("\ufeff"))))
    assert rows[1][0] == name and "<i>late</i>" in rows[1]


def list_under(html, heading):
    """The first list after the heading with this text."""
    return re.search(rf">\s*{re.escape(heading)}\s*</h\d>.*?(<ul[^>]*>.*?</ul>)", html, re.S).group(1)


def test_what_families_told_us_is_shown_escaped(app, db, staff, event, now):
    declines.record_decline(event, "other", "en", now, note="<i>nights</i>", name="<img src=x onerror=alert(1)>")
    db.session.commit()

    told_us = list_under(text_of(staff.get(f"/staff/events/{event.id}")), "What they told us")

    assert "<img" not in told_us and "<i>" not in told_us
    assert "&lt;img src=x onerror=alert(1)&gt;" in told_us and "&lt;i&gt;nights&lt;/i&gt;" in told_us


def test_undelivered_messages_are_shown_escaped(app, db, staff, event, family, now):
    registration = registration_service.register(event.id, family(name="<b>Bold</b> Family"), now).registration
    message = db.session.execute(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
                                 ).scalar_one()
    message.status, message.last_error = MessageStatus.FAILED, "550 <script>alert(2)</script> mailbox"
    db.session.commit()

    undelivered = list_under(text_of(staff.get(f"/staff/events/{event.id}")), "Could not be delivered")

    assert "<b>" not in undelivered and "<script>" not in undelivered
    assert "&lt;b&gt;Bold&lt;/b&gt; Family" in undelivered
    assert "550 &lt;script&gt;alert(2)&lt;/script&gt; mailbox" in undelivered


# -- publishing, cancelling, duplicating ----------------------------------------------

def test_publish_and_unpublish(app, db, school, staff, make_event):
    event = make_event(texts={"en": ("Poetry tea", "")}, status=EventStatus.DRAFT, **local_times(school, 5))
    family_browser = app.test_client()
    assert "Poetry tea" not in text_of(family_browser.get("/"))
    assert family_browser.get(f"/events/{event.id}").status_code == 404

    response = post(staff, f"/staff/events/{event.id}/status", {"action": "publish"})
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/events/{event.id}"
    assert reload(db, Event, event.id).status == EventStatus.PUBLISHED
    assert f'href="/events/{event.id}"' in text_of(family_browser.get("/"))
    assert family_browser.get(f"/events/{event.id}").status_code == 200
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert 'value="unpublish"' in dashboard and 'value="publish"' not in dashboard

    post(staff, f"/staff/events/{event.id}/status", {"action": "unpublish"})
    assert reload(db, Event, event.id).status == EventStatus.DRAFT
    assert "Poetry tea" not in text_of(family_browser.get("/"))
    assert family_browser.get(f"/events/{event.id}").status_code == 404


def test_a_past_event_cannot_be_published(app, db, school, staff, make_event):
    event = make_event(status=EventStatus.DRAFT, **local_times(school, -2))
    response = post(staff, f"/staff/events/{event.id}/status", {"action": "publish"})
    assert response.status_code == 302
    assert reload(db, Event, event.id).status == EventStatus.DRAFT
    html = text_of(staff.get(response.headers["Location"]))
    assert en(app, "This event has already happened.") in words(html)


def test_an_unknown_status_action_is_a_bad_request(app, db, staff, event):
    assert post(staff, f"/staff/events/{event.id}/status", {"action": "delete"}).status_code == 400
    assert reload(db, Event, event.id).status == EventStatus.PUBLISHED


def test_cancel_keeps_registrations_and_families_see_it_was_cancelled(app, db, staff, event, family, now):
    confirmed = registration_service.register(event.id, family(adults=2), now)
    db.session.commit()
    response = post(staff, f"/staff/events/{event.id}/status", {"action": "cancel"})
    assert response.status_code == 302
    event = reload(db, Event, event.id)
    assert event.status == EventStatus.CANCELLED and event.cancelled_at is not None
    assert reload(db, Registration, confirmed.registration.id).status == RegistrationStatus.CONFIRMED
    assert count(db, Registration) == 1

    page = app.test_client().get(f"/r/{confirmed.token}?lang=es")
    assert page.status_code == 200
    assert translated(app, "es", "This event was cancelled. We are sorry for the trouble.") in text_of(page)
    # no more registrations; not on the public list
    family_browser = app.test_client()
    assert f'href="/events/{event.id}"' not in text_of(family_browser.get("/"))
    assert family_browser.post(f"/events/{event.id}/register", data=registration_data()).status_code == 410
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert 'value="cancel"' not in dashboard and 'value="publish"' not in dashboard
    assert numbers(dashboard)[en(app, "People expected")].startswith("2")


def test_family_page_of_a_cancelled_event_no_longer_expects_them(app, db, staff, event, family, now):
    confirmed = registration_service.register(event.id, family(adults=2), now)
    db.session.commit()
    post(staff, f"/staff/events/{event.id}/status", {"action": "cancel"})
    html = text_of(app.test_client().get(f"/r/{confirmed.token}?lang=es"))
    assert translated(app, "es", "This event was cancelled. We are sorry for the trouble.") in html
    assert translated(app, "es", "You are registered. We look forward to seeing you!") not in html
    assert '<section class="checkin">' not in html and f"/r/{confirmed.token}/calendar.ics" not in html


def test_duplicate_makes_a_draft_a_week_later_with_the_same_texts(app, db, staff, make_event, family, now):
    event = make_event(registration_deadline=utcnow().replace(microsecond=0) + timedelta(days=5))
    registration_service.register(event.id, family(), now)
    db.session.commit()
    response = post(staff, f"/staff/events/{event.id}/duplicate")
    assert response.status_code == 302
    copy_id = int(re.fullmatch(r"/staff/events/(\d+)/edit", response.headers["Location"]).group(1))
    original, copy = reload(db, Event, event.id), db.session.get(Event, copy_id)
    assert copy_id != original.id and copy.status == EventStatus.DRAFT
    assert copy.starts_at - original.starts_at == copy.ends_at - original.ends_at == timedelta(days=7)
    assert copy.registration_deadline - original.registration_deadline == timedelta(days=7)
    texts = lambda e: {t.language: (t.title, t.description) for t in e.texts}  # noqa: E731
    assert texts(copy) == texts(original) and len(texts(copy)) == 2
    same = ("location", "grades", "capacity", "offers_childcare", "childcare_capacity", "interpreter_languages",
            "offers_transportation", "offers_meal", "school_id", "default_language")
    assert {f: getattr(copy, f) for f in same} == {f: getattr(original, f) for f in same}
    assert db.session.execute(select(func.count()).select_from(Registration)
                              .where(Registration.event_id == copy_id)).scalar_one() == 0
    assert staff.get(response.headers["Location"]).status_code == 200


# -- the dashboard --------------------------------------------------------------------

def test_dashboard_numbers_match_the_registrations(app, db, school, staff, make_event, family, now):
    event = make_event(capacity=12, childcare_capacity=3, interpreter_languages="es vi",
                       **local_times(school, 7))
    early = registration_service.register(event.id, family(name="Eve Early", adults=1), now).registration
    registration_service.register(event.id, family(
        name="Ana López", adults=2, children=2, childcare_children=2, childcare_ages=[1, 4],
        interpreter_language="es", dietary="vegetarian"), now)
    registration_service.register(event.id, family(
        name="Bao Tran", adults=1, children=3, childcare_children=2, childcare_ages=[7, 12],
        interpreter_language="vi", transportation_seats=2, accessibility="wheelchair space"), now)
    registration_service.register(event.id, family(
        name="Chidi Okafor", adults=2, children=1, childcare_children=1, childcare_ages=[]), now)
    waiting = registration_service.register(event.id, family(
        name="Dana Waits", adults=1, children=1, childcare_children=1, childcare_ages=[3],
        transportation_seats=2), now).registration
    assert waiting.status == RegistrationStatus.WAITLISTED  # 1 + 4 + 4 + 3 = 12 are confirmed
    registration_service.cancel_registration(early.id, now)  # 1 place free: Dana's 2 still wait
    for reason in ("work", "work", "childcare"):
        declines.record_decline(event, reason, "es", now)
    event.interpreter_languages = "vi"  # Spanish is no longer on offer, but Ana asked for it
    db.session.commit()

    html = text_of(staff.get(f"/staff/events/{event.id}"))
    figures = numbers(html)
    assert figures[en(app, "People expected")] == "11 / 12"
    assert figures[en(app, "Places left")] == "1"
    assert figures[en(app, "Waitlist")] == "1"
    assert figures[en(app, "Cancelled")] == "1"
    assert figures[en(app, "Can't come")] == "3"
    detail = words(re.search(r'<dd class="detail">(.*?)</dd>', html, re.S).group(1))
    assert re.findall(r"\d+", detail) == ["3", "5", "6"]  # families, adults, children

    # childcare: 2 + 2 + 1 children for a room of 3; Dana's child waits and is not counted
    warning, childcare = tile(html, en(app, "Childcare"))
    assert warning
    assert words(re.search(r'<p class="big">(.*?)</p>', childcare).group(1)) == plural(
        app, "%(num)d child", "%(num)d children", 5)
    bands = dict(re.findall(r'<th scope="row">(.*?)</th><td class="num">(\d+)</td>', childcare))
    assert bands == {en(app, "Ages %(band)s", band="0-2"): "1", en(app, "Ages %(band)s", band="3-5"): "1",
                     en(app, "Ages %(band)s", band="6-10"): "1", en(app, "Ages %(band)s", band="11-17"): "1",
                     en(app, "Age not given"): "1"}
    assert en(app, "More children than the childcare room can take: plan more helpers or a bigger room.") \
        in words(childcare)

    warning, interpreters = tile(html, en(app, "Interpreters"))
    items = [words(item) for item in re.findall(r"<li>(.*?)</li>", interpreters, re.S)]
    with app.test_request_context(), force_locale("en"):
        spanish, vietnamese = language_name("es"), language_name("vi")
    assert warning and sorted(items) == sorted([
        plural(app, "%(language)s: %(num)d family", "%(language)s: %(num)d families", 1, language=spanish)
        + " " + en(app, "(not on offer)"),
        plural(app, "%(language)s: %(num)d family", "%(language)s: %(num)d families", 1, language=vietnamese),
    ])

    warning, rides = tile(html, en(app, "Transportation"))
    assert not warning
    assert words(re.search(r'<p class="big">(.*?)</p>', rides).group(1)) == plural(app, "%(num)d seat", "%(num)d seats", 2)

    lists = re.search(r'<div class="lists">(.*?)</section>', html, re.S).group(1)
    accessibility, dietary = re.findall(r"<h3>.*?</h3>\s*(.*?)\s*</div>", lists, re.S)
    assert [words(item) for item in re.findall(r"<li>(.*?)</li>", accessibility)] == ["Bao Tran: wheelchair space"]
    assert [words(item) for item in re.findall(r"<li>(.*?)</li>", dietary)] == ["Ana López: vegetarian"]

    reasons = chart(html, en(app, "Why families can't come"))
    assert reasons == {en(app, "My work schedule"): 2, en(app, "No one to care for my other children"): 1}


def test_dashboard_of_an_event_with_no_registrations(app, db, staff, event):
    html = text_of(staff.get(f"/staff/events/{event.id}"))
    figures = numbers(html)
    assert figures[en(app, "People expected")] == f"0 / {event.capacity}"
    assert figures[en(app, "Waitlist")] == "0"
    assert not tile(html, en(app, "Childcare"))[0] and not tile(html, en(app, "Interpreters"))[0]
    assert table_names(html) == []


@pytest.fixture
def table_event(db, school, make_event, family, now):
    """Four families, registered in this order: Nguyễn (4 people, ride),
    José (2, childcare), Fatima (3, waitlisted), Zoe (1, then cancelled)."""
    event = make_event(capacity=7, **local_times(school, 7))
    mai = registration_service.register(event.id, family(
        name="Mai Nguyễn", phone="6125550101", adults=2, children=2, transportation_seats=2), now)
    jose = registration_service.register(event.id, family(
        name="José Núñez", phone="+16125550102", email="jose.nunez@example.org", adults=1, children=1,
        childcare_children=1, childcare_ages=[3]), now)
    fatima = registration_service.register(event.id, family(
        name="Fatima Ali", phone=None, email="Fatima@Example.org".lower(), adults=2, children=1), now)
    zoe = registration_service.register(event.id, family(name="Zoe Smith", phone="6125550104", adults=1), now)
    registration_service.cancel_registration(zoe.registration.id, now)
    db.session.commit()
    assert fatima.registration.status == RegistrationStatus.WAITLISTED
    return event, {"mai": mai.registration, "jose": jose.registration, "fatima": fatima.registration,
                   "zoe": zoe.registration}


def names_for(staff, event, **params):
    from urllib.parse import urlencode

    return [name for name, _status in table_names(text_of(staff.get(f"/staff/events/{event.id}?{urlencode(params)}")))]


def test_registrations_table_search(app, db, staff, table_event):
    event, people = table_event
    assert names_for(staff, event) == ["Fatima Ali", "José Núñez", "Mai Nguyễn", "Zoe Smith"]
    assert names_for(staff, event, q="jose") == ["José Núñez"]
    assert names_for(staff, event, q="NÚÑEZ") == ["José Núñez"]
    assert names_for(staff, event, q="nguyen") == ["Mai Nguyễn"]
    assert names_for(staff, event, q="Nguyễn") == ["Mai Nguyễn"]
    assert names_for(staff, event, q="(612) 555-0102") == ["José Núñez"]
    assert names_for(staff, event, q="0101") == ["Mai Nguyễn"]
    assert names_for(staff, event, q="FATIMA@example") == ["Fatima Ali"]
    assert names_for(staff, event, q="jose.nunez@") == ["José Núñez"]
    code = people["fatima"].checkin_code
    assert names_for(staff, event, q=f" {code.lower()[:3]} {code.lower()[3:]} ") == ["Fatima Ali"]
    assert names_for(staff, event, q="nobody at all") == []
    assert names_for(staff, event, q="%") == []  # a wildcard is a plain character


def test_a_search_longer_than_sqlite_can_match_finds_nobody(app, db, staff, table_event):
    """SQLite refuses a LIKE pattern of more than 50,000 bytes: the search is cut first."""
    event, _people = table_event
    assert names_for(staff, event, q="x" * 60000) == []


def test_registrations_table_filters_and_sorts(app, db, staff, table_event):
    event, _people = table_event
    assert names_for(staff, event, status="waitlisted") == ["Fatima Ali"]
    assert names_for(staff, event, status="cancelled") == ["Zoe Smith"]
    assert names_for(staff, event, status="confirmed") == ["José Núñez", "Mai Nguyễn"]
    assert names_for(staff, event, need="childcare") == ["José Núñez"]
    assert names_for(staff, event, need="transportation") == ["Mai Nguyễn"]
    assert names_for(staff, event, need="dietary") == []
    assert names_for(staff, event, sort="oldest") == ["Mai Nguyễn", "José Núñez", "Fatima Ali", "Zoe Smith"]
    assert names_for(staff, event, sort="newest") == ["Zoe Smith", "Fatima Ali", "José Núñez", "Mai Nguyễn"]
    assert names_for(staff, event, sort="party") == ["Mai Nguyễn", "Fatima Ali", "José Núñez", "Zoe Smith"]
    assert names_for(staff, event, status="confirmed", sort="party", q="n") == ["Mai Nguyễn", "José Núñez"]
    # Digits find the end of a phone, as at the front desk: not its area code.
    assert names_for(staff, event, q="612555") == []
    # unknown values fall back to everything, by name
    assert names_for(staff, event, status="lost", need="pony", sort="x") == names_for(staff, event)
    html = text_of(staff.get(f"/staff/events/{event.id}?status=waitlisted"))
    assert re.search(r'<option value="waitlisted" selected>', html)
    assert "(" + en(app, "no. %(position)s", position=1) + ")" in words(html)


# -- registrations made and changed by staff ------------------------------------------

def test_staff_register_a_family_by_phone_after_the_deadline(app, db, staff, make_event, now):
    event = make_event(registration_deadline=now - timedelta(hours=1))
    assert app.test_client().post(f"/events/{event.id}/register", data=registration_data()).status_code == 410
    response = form_post(staff, f"/staff/events/{event.id}/registrations/new",
                         registration_data(name="Grandma Rosa", phone="612 555 0199"))
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/events/{event.id}"
    registration = db.session.execute(select(Registration)).scalar_one()
    assert (registration.name, registration.source, registration.status, registration.phone) == (
        "Grandma Rosa", Source.STAFF, RegistrationStatus.CONFIRMED, normalize_phone("612 555 0199"))
    assert (registration.adults, registration.children) == (1, 2)


def flashed(client, response):
    return [words(text) for text in re.findall(r'<p class="notice notice-\w+" role="status">(.*?)</p>',
                                               text_of(client.get(response.headers["Location"])), re.S)]


def test_staff_are_told_when_a_family_they_register_goes_on_the_waitlist(app, db, staff, make_event, family, now):
    roomy, full = make_event(capacity=10), make_event(capacity=3)
    registration_service.register(full.id, family(adults=3), now)
    db.session.commit()
    told_confirmed = flashed(staff, form_post(staff, f"/staff/events/{roomy.id}/registrations/new",
                                              registration_data()))
    told_waitlisted = flashed(staff, form_post(staff, f"/staff/events/{full.id}/registrations/new",
                                               registration_data()))
    assert [r.status for r in db.session.execute(select(Registration).where(Registration.source == Source.STAFF)
                                                 .order_by(Registration.id)).scalars()] == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert len(told_confirmed) == len(told_waitlisted) == 1
    assert told_waitlisted != told_confirmed


def test_one_promoted_family_is_told_in_the_singular(app, db, staff, make_event, family, now):
    event = make_event(capacity=2)
    first = registration_service.register(event.id, family(adults=2), now).registration
    registration_service.register(event.id, family(adults=1), now)
    db.session.commit()
    notices = flashed(staff, post(staff, f"/staff/events/{event.id}/registrations/{first.id}/cancel"))
    assert len(notices) == 2
    assert "1 waiting families" not in notices[1]


def test_staff_registration_form_explains_bad_input(app, db, staff, event):
    response = form_post(staff, f"/staff/events/{event.id}/registrations/new",
                         registration_data(phone="", email=""))
    assert response.status_code == 422
    assert en(app, "Please give us a phone number or an email address, so we can reach you.") == \
        words(error_next_to(text_of(response), "phone"))
    assert count(db, Registration) == 0


def test_staff_registration_with_an_age_of_5000_digits_is_explained_and_saves_nothing(app, db, staff, event):
    """More than 4300 digits: Python's int() refuses them with its own English message."""
    with nothing_changes():
        response = form_post(staff, f"/staff/events/{event.id}/registrations/new?lang=es",
                             registration_data(childcare_children="1", childcare_ages="9" * 5000))
    assert response.status_code == 422
    assert words(error_next_to(text_of(response), "childcare_ages")) == words(
        translated(app, "es", "Please write each age as a number from 0 to %(max)s.", max=17))


def test_staff_registration_of_a_name_whose_search_form_is_longer_saves_it_whole(db, staff, event):
    """'ß' is searched as 'ss': the search form is cut to fit its column."""
    name = "ß" * 200
    response = form_post(staff, f"/staff/events/{event.id}/registrations/new", registration_data(name=name))
    assert response.status_code == 302
    saved = db.session.execute(select(Registration).where(Registration.name == name)).scalar_one()
    assert saved.search_name == "ss" * 100


def test_staff_registration_ignores_a_submission_key_longer_than_any_the_page_makes(db, staff, event):
    response = form_post(staff, f"/staff/events/{event.id}/registrations/new",
                         registration_data(submission_key="k" * 65))
    assert response.status_code == 302
    [saved] = db.session.execute(select(Registration)).scalars().all()
    assert saved.submission_key is None


def test_staff_edit_a_registration(app, db, staff, event, family, now):
    registered = registration_service.register(event.id, family(name="Maria", adults=1, children=2,
                                                                childcare_children=1, childcare_ages=[3]), now)
    db.session.commit()
    url = f"/staff/events/{event.id}/registrations/{registered.registration.id}"
    page = text_of(staff.get(url))
    assert 'value="Maria"' in page and 'value="3"' in page  # filled in
    data = registration_data(name="Maria Gómez", phone=registered.registration.phone, adults="2",
                             children="2", childcare_children="2", childcare_ages="3, 5")
    response = form_post(staff, url, data)
    assert response.status_code == 302
    changed = reload(db, Registration, registered.registration.id)
    assert (changed.name, changed.adults, changed.children) == ("Maria Gómez", 2, 2)
    assert (changed.need("childcare").quantity, changed.need("childcare").detail) == (2, "3, 5")
    assert changed.source == Source.ONLINE


def test_staff_cancel_a_registration_promotes_the_next_family(app, db, staff, make_event, family, now):
    event = make_event(capacity=4)
    first = registration_service.register(event.id, family(adults=2, children=2), now).registration
    waiting = registration_service.register(event.id, family(adults=3), now).registration
    db.session.commit()
    response = post(staff, f"/staff/events/{event.id}/registrations/{first.id}/cancel")
    assert response.status_code == 302
    assert reload(db, Registration, first.id).status == RegistrationStatus.CANCELLED
    assert reload(db, Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    notices = re.findall(r'<p class="notice notice-success" role="status">(.*?)</p>',
                         text_of(staff.get(response.headers["Location"])))
    assert len(notices) == 2 and "1" in notices[1]  # cancelled; 1 family promoted
    # cancelling again changes nothing
    assert post(staff, f"/staff/events/{event.id}/registrations/{first.id}/cancel").status_code == 302
    assert reload(db, Registration, waiting.id).status == RegistrationStatus.CONFIRMED


def test_cancelling_a_registration_of_a_cancelled_event_promotes_no_one(app, db, staff, make_event, family, now):
    from portal.models import MessageKind, OutboxMessage

    event = make_event(capacity=2)
    first = registration_service.register(event.id, family(adults=2), now).registration
    waiting = registration_service.register(event.id, family(adults=1), now).registration
    db.session.commit()
    post(staff, f"/staff/events/{event.id}/status", {"action": "cancel"})
    assert post(staff, f"/staff/events/{event.id}/registrations/{first.id}/cancel").status_code == 302
    assert reload(db, Registration, first.id).status == RegistrationStatus.CANCELLED
    promoted_messages = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.registration_id == waiting.id, OutboxMessage.kind == MessageKind.PROMOTED)).scalars().all()
    assert (reload(db, Registration, waiting.id).status, promoted_messages) == (RegistrationStatus.WAITLISTED, [])


def test_promote_by_hand_only_when_the_family_fits(app, db, school, staff, make_event, family, now):
    event = make_event(capacity=4, **local_times(school, 7))
    registration_service.register(event.id, family(adults=3), now)
    waiting = registration_service.register(event.id, family(name="Big Family", adults=2), now).registration
    db.session.commit()
    url = f"/staff/events/{event.id}/registrations/{waiting.id}/promote"
    response = post(staff, url)
    assert response.status_code == 302
    assert reload(db, Registration, waiting.id).status == RegistrationStatus.WAITLISTED
    html = text_of(staff.get(response.headers["Location"]))
    assert words(en_plural(app, "Only %(num)d place is left, not enough for this family. Raise the capacity first.",
                           "Only %(num)d places are left, not enough for this family. Raise the capacity first.",
                           1)) in words(html)

    # While the event is a draft, more room promotes no one by itself: the organizer chooses.
    post(staff, f"/staff/events/{event.id}/status", {"action": "unpublish"})
    assert form_post(staff, f"/staff/events/{event.id}/edit", edit_data(event, capacity="5")).status_code == 302
    assert reload(db, Registration, waiting.id).status == RegistrationStatus.WAITLISTED
    response = post(staff, url)
    assert reload(db, Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    assert en(app, "%(name)s now has a place.", name="Big Family") in words(text_of(staff.get(response.headers["Location"])))
    # a family that is not waiting cannot be promoted
    response = post(staff, url)
    assert en(app, "This family is not on the waitlist.") in words(text_of(staff.get(response.headers["Location"])))


def test_registration_of_another_event_is_not_found(app, db, staff, make_event, family, now):
    one, other = make_event(), make_event()
    registered = registration_service.register(other.id, family(), now).registration
    db.session.commit()
    assert staff.get(f"/staff/events/{one.id}/registrations/{registered.id}").status_code == 404
    assert post(staff, f"/staff/events/{one.id}/registrations/{registered.id}/cancel").status_code == 404
    assert reload(db, Registration, registered.id).status == RegistrationStatus.CONFIRMED


# -- printouts ------------------------------------------------------------------------

def test_roster_and_needs_sheet_list_the_confirmed_families_with_tick_boxes(app, db, staff, table_event):
    event, people = table_event
    roster = text_of(staff.get(f"/staff/events/{event.id}/roster"))
    assert '<body class="staff printable">' in roster
    tables = re.findall(r'<table class="roster">(.*?)</table>', roster, re.S)
    assert len(tables) == 2  # the confirmed families, then the waitlist
    confirmed_rows = re.findall(r"<tr>\s*<td class=\"tick\"><span class=\"box\" aria-hidden=\"true\"></span></td>"
                                r"\s*<td>(.*?)</td>.*?<td class=\"code-cell\">(\w+)</td>", tables[0], re.S)
    assert confirmed_rows == [("José Núñez", people["jose"].checkin_code), ("Mai Nguyễn", people["mai"].checkin_code)]
    assert people["fatima"].checkin_code in tables[1] and "Fatima Ali" in tables[1]
    assert "Zoe Smith" not in roster  # cancelled
    assert roster.count('<span class="box"') == 3

    sheet = text_of(staff.get(f"/staff/events/{event.id}/needs-sheet"))
    assert '<body class="staff printable">' in sheet
    childcare_room, interpreters = re.findall(r'<section class="sheet">(.*?)</section>', sheet, re.S)
    rows = re.findall(r'<tr><td class="tick"><span class="box" aria-hidden="true"></span></td>'
                      r'<td>(.*?)</td><td class="num">(\d+)</td><td>(.*?)</td>', childcare_room)
    assert rows == [("José Núñez", "1", "3")]
    assert "Fatima Ali" not in sheet and "Zoe Smith" not in sheet
    assert en(app, "None asked for.") in words(interpreters)


def test_roster_prints_the_waitlist_in_line_order(app, db, staff, make_event, family, now):
    event = make_event(capacity=4)
    grew = registration_service.register(event.id, family(name="Ana Grew", adults=2), now).registration
    registration_service.register(event.id, family(name="Carl Stays", adults=2), now)
    registration_service.register(event.id, family(name="Bea Waits", adults=3), now)
    db.session.commit()
    # Ana's family grows: it no longer fits, and joins the line behind Bea
    registration_service.update_registration(grew.id, family(name="Ana Grew", adults=3, phone=grew.phone),
                                             utcnow(), accept_waitlist=True)
    db.session.commit()
    dashboard = text_of(staff.get(f"/staff/events/{event.id}?status=waitlisted&sort=name"))
    assert "Bea Waits" in dashboard and "(" + en(app, "no. %(position)s", position=1) + ")" in words(
        re.search(r'<tr class="row-waitlisted">.*?Bea Waits.*?</tr>', dashboard, re.S).group(0))
    roster = text_of(staff.get(f"/staff/events/{event.id}/roster"))
    waiting = re.findall(r'<table class="roster">(.*?)</table>', roster, re.S)[1]
    assert re.findall(r"<td>([A-Z][a-z]+ [A-Z][a-z]+)</td>", waiting) == ["Bea Waits", "Ana Grew"]


# -- CSV export -----------------------------------------------------------------------

CSV_HEADER = ["Name", "Status", "Adults", "Children", "Phone number", "Email", "Language", "Grades",
              "Childcare: children", "Childcare: ages", "Ride: seats", "Interpreter", "Help to take part",
              "Food needs", "Note", "Check-in code", "Registered at", "Source"]


def test_csv_export_opens_in_excel_and_cannot_run_formulas(app, db, staff, make_event, family, now):
    event = make_event(capacity=6)
    ana = registration_service.register(event.id, family(
        name="Ana López", phone="6125550111", email="ana@example.org", language="es", adults=2, children=2,
        grades=["K", "3"], childcare_children=2, childcare_ages=[2, 4], transportation_seats=3,
        interpreter_language="es", accessibility="ramp", dietary="halal", note="Llegamos tarde"), now).registration
    dangerous = ['=HYPERLINK("http://x")', "+1 555", "-2", "@cmd"]
    for name in dangerous:
        registration_service.register(event.id, family(name=name, note="=1+1"), now)
    db.session.commit()

    response = staff.get(f"/staff/events/{event.id}/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}-registrations.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == [en(app, column) for column in CSV_HEADER]
    assert len(rows) == 1 + 5 and all(len(row) == len(CSV_HEADER) for row in rows)

    first = dict(zip(CSV_HEADER, rows[1]))  # oldest first
    with app.test_request_context(), force_locale("en"):
        spanish = language_name("es")
    assert first == dict(first, **{
        "Name": "Ana López", "Status": en(app, "Confirmed"), "Adults": "2", "Children": "2",
        "Phone number": "6125550111", "Email": "ana@example.org", "Language": spanish,
        "Grades": f'{en(app, "Kindergarten")}, {en(app, "Grade 3")}', "Childcare: children": "2",
        "Childcare: ages": "2, 4", "Ride: seats": "3", "Interpreter": spanish, "Help to take part": "ramp",
        "Food needs": "halal", "Note": "Llegamos tarde", "Check-in code": ana.checkin_code, "Source": "Online",
    })
    assert re.search(r"\d", first["Registered at"])
    # the dangerous names stay text in a spreadsheet (4 + 1 + 1 fill the 6 places; 2 wait)
    assert [row[0] for row in rows[2:]] == ["'" + name for name in dangerous]
    assert all(row[CSV_HEADER.index("Note")] == "'=1+1" for row in rows[2:])
    assert [row[1] for row in rows[1:]] == ["Confirmed"] * 3 + ["On the waiting list"] * 2


def test_csv_export_keeps_international_phone_numbers_from_running_as_formulas(app, db, staff, event, family, now):
    """'+1612...' would be read as a formula (and lose its '+'): it must come
    back quoted, or written in a form that does not start like a formula."""
    registration_service.register(event.id, family(phone="+16125550123"), now)
    db.session.commit()
    rows = list(csv.reader(io.StringIO(text_of(staff.get(f"/staff/events/{event.id}/registrations.csv"))[1:])))
    cell = rows[1][CSV_HEADER.index("Phone number")]
    assert cell == "'+16125550123" or not cell.startswith(("=", "+", "-", "@")), cell
    assert re.sub(r"\D", "", cell).endswith("6125550123"), cell


# -- reports --------------------------------------------------------------------------

def test_reports_for_a_date_range(app, db, school, staff, make_event, family, now):
    def held(days_ago, status=EventStatus.PUBLISHED, registrations=(), **fields):
        """An event that took place `days_ago` (families registered while it was ahead)."""
        event = make_event(capacity=6, **local_times(school, 3), **fields)
        made = [registration_service.register(event.id, family(**details), now).registration
                for details in registrations]
        shift = local_times(school, -days_ago)
        event.starts_at, event.ends_at, event.status = shift["starts_at"], shift["ends_at"], status
        return made

    a, b, c, d = held(3, registrations=[
        dict(adults=2, children=1, language="es", grades=["K", "3"], childcare_children=1),
        dict(adults=1, language="en", grades=["K"]),
        dict(adults=4, language="es", grades=["1"]),  # 3 + 1 + 4 > 6: waitlisted
        dict(adults=1, language="so"),
    ])
    registration_service.cancel_registration(d.id, now)
    (f,) = held(10, registrations=[dict(adults=1, children=2, language="vi", grades=["3"], transportation_seats=1)])
    held(5, status=EventStatus.CANCELLED, registrations=[dict(adults=2, language="ar")])
    held(40, registrations=[dict(adults=3, language="ko")])  # before the period
    held(2, status=EventStatus.DRAFT)
    roosevelt = ensure_school("Roosevelt Middle School", "roosevelt", "America/Chicago", "en")
    held(4, school_id=roosevelt.id, registrations=[dict(adults=2, language="en", grades=["K"])])  # not ours
    upcoming = make_event(capacity=6, **local_times(school, 5))
    registration_service.register(upcoming.id, family(adults=1, language="en", grades=["5"]), now)
    for reason in ("work", "work", "transportation"):
        declines.record_decline(upcoming, reason, "en", now)
    db.session.commit()
    assert c.status == RegistrationStatus.WAITLISTED

    today = to_local(utcnow(), school.tz).date()
    url = f"/staff/reports?start={today - timedelta(days=20)}&end={today + timedelta(days=7)}"
    html = text_of(staff.get(url))
    figures = numbers(html)
    assert figures[en(app, "Events held")] == "2"  # 3 and 10 days ago
    assert figures[en(app, "Families registered")] == "4"  # a, b, f and the upcoming one
    detail = words(re.findall(r'<dd class="detail">(.*?)</dd>', html, re.S)[1])
    assert re.findall(r"\d+", detail) == ["8", "1"]  # people: 3 + 1 + 3 + 1; one family waiting
    assert figures[en(app, "Attendance rate")] == "—"
    assert figures[en(app, "Came")] == en(
        app, "Not yet recorded: attendance is counted once families are checked in at the door.")

    by_grade = chart(html, en(app, "Families reached, by grade"))
    assert {grade: n for grade, n in by_grade.items() if n} == {
        en(app, "Kindergarten"): 2, en(app, "Grade 3"): 2, en(app, "Grade 5"): 1}  # waiting families not counted
    with app.test_request_context(), force_locale("en"):
        names = {code: language_name(code) for code in ("en", "es", "vi")}
    assert chart(html, en(app, "Families reached, by preferred language")) == {
        names["es"]: 1, names["en"]: 2, names["vi"]: 1}
    assert chart(html, en(app, "Most common reasons for not coming")) == {
        en(app, "My work schedule"): 2, en(app, "No way to get there"): 1}
    assert len(re.findall(r'<table class="chart">', html)) == 4  # grade, language, needs, reasons

    # The front desk records who came at the first event: a came with all 3, b did not.
    for registration, attendance, arrived in ((a, Attendance.ATTENDED, (2, 1)), (b, Attendance.NO_SHOW, (None, None))):
        row = db.session.get(Registration, registration.id)
        row.attendance, (row.arrived_adults, row.arrived_children) = attendance, arrived
    db.session.commit()
    html = text_of(staff.get(url))
    figures = numbers(html)
    assert figures[en(app, "Came")] == "1"
    assert figures[en(app, "Attendance rate")] == "50%"  # 1 of the 2 confirmed families there


def test_reports_to_a_day_beyond_the_century_run_to_today(app, db, school, staff):
    today = to_local(utcnow(), school.tz).date()
    html = text_of(staff.get("/staff/reports?start=2026-01-01&end=9999-12-31"))
    assert 'value="2026-01-01"' in html and f'value="{today.isoformat()}"' in html


def test_reports_period_the_wrong_way_round_is_explained_and_swapped(app, db, staff):
    html = text_of(staff.get("/staff/reports?start=2026-03-01&end=2026-01-01"))
    assert en(app, "The end of the period must be after its start.") in words(html)
    assert 'value="2026-01-01"' in html and 'value="2026-03-01"' in html
    assert staff.get("/staff/reports?start=garbage&end=").status_code == 200


# -- CSRF -----------------------------------------------------------------------------

def test_organizer_posts_without_the_csrf_token_change_nothing(app, db, school, staff, make_event, family, now):
    event = make_event(capacity=2, **local_times(school, 7))
    first = registration_service.register(event.id, family(adults=2), now).registration
    waiting = registration_service.register(event.id, family(adults=1), now).registration
    db.session.commit()
    base = f"/staff/events/{event.id}"
    for url, data in ((f"{base}/status", {"action": "cancel"}), (f"{base}/duplicate", {}),
                      (f"{base}/edit", edit_data(event, capacity="9")), ("/staff/events/new", new_event_data()),
                      (f"{base}/registrations/{first.id}/cancel", {}),
                      (f"{base}/registrations/{waiting.id}/promote", {}),
                      (f"{base}/registrations/new", registration_data())):
        assert staff.post(url, data=data).status_code == 400, url
    event = reload(db, Event, event.id)
    assert (event.status, event.capacity, count(db, Event)) == (EventStatus.PUBLISHED, 2, 1)
    assert [reload(db, Registration, r.id).status for r in (first, waiting)] == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert count(db, Registration) == 2


# -- another school -------------------------------------------------------------------

def test_an_organizer_of_another_school_gets_404_on_this_schools_event(app, db, staff, event, family, now):
    registered = registration_service.register(event.id, family(), now).registration
    other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")
    outsider = add_staff(other_school, "oscar@roosevelt.example", "Oscar", "organizer")
    db.session.commit()
    client = sign_in(app.test_client(), outsider)
    base = f"/staff/events/{event.id}"
    for url in (base, f"{base}/edit", f"{base}/roster", f"{base}/needs-sheet", f"{base}/registrations.csv",
                f"{base}/registrations/new", f"{base}/registrations/{registered.id}"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"{base}/status", {"action": "cancel"}), (f"{base}/duplicate", {}),
                      (f"{base}/edit", new_event_data()),
                      (f"{base}/registrations/{registered.id}/cancel", {}),
                      (f"{base}/registrations/{registered.id}/promote", {})):
        assert post(client, url, data).status_code == 404, url
    assert reload(db, Event, event.id).status == EventStatus.PUBLISHED
    assert reload(db, Registration, registered.id).status == RegistrationStatus.CONFIRMED
    assert count(db, Event) == 1
    html = text_of(client.get("/staff/events"))
    assert f'href="{base}"' not in html
