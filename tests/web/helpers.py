import re
from datetime import time, timedelta

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_key|opened)"[^>]*value="([^"]*)"')


def hidden_fields(html):
    return {name: value for name, value in HIDDEN.findall(html)}


def form_post(client, url, data, **kwargs):
    """GET the form, then POST it with its CSRF token and hidden fields."""
    page = client.get(url, **kwargs)
    fields = hidden_fields(page.get_data(as_text=True))
    fields.update(data)
    return client.post(url, data=fields, **kwargs)


def text_of(response):
    return response.get_data(as_text=True)


def post(client, url, data=None):
    """A staff POST with the session's CSRF token, as the page's buttons send it."""
    token = hidden_fields(text_of(client.get("/staff/events")))["csrf_token"]
    return client.post(url, data=dict(data or {}, csrf_token=token))


def registration_data(**overrides):
    data = dict(name="María González", phone="612 555 0123", email="", language="es",
                adults="1", children="2", grades=["K", "3"], childcare_children="1",
                childcare_ages="3", transportation_seats="", interpreter_language="es",
                accessibility="", dietary="", note="Llegaremos 10 minutos tarde")
    data.update(overrides)
    return data


def translated(app, locale, message, **params):
    """The catalog's text for `message` in `locale`, HTML-escaped as a page shows it."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    from portal.i18n import babel_code

    with app.test_request_context(), force_locale(babel_code(locale)):
        return str(escape(gettext(message, **params)))


def translated_plural(app, locale, singular, plural, num):
    from flask_babel import force_locale, ngettext
    from markupsafe import escape

    from portal.i18n import babel_code

    with app.test_request_context(), force_locale(babel_code(locale)):
        return str(escape(ngettext(singular, plural, num)))


def local_times(school, days, start=time(18, 0), hours=2):
    """starts_at/ends_at (UTC) for an event `days` from today at `start`, school time."""
    from portal.clock import to_local, to_utc
    from portal.models import utcnow

    day = to_local(utcnow(), school.tz).date() + timedelta(days=days)
    starts = to_utc(day, start, school.tz)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=hours)}
