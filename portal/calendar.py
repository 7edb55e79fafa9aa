"""An .ics file a family adds to the phone's calendar, in the school's timezone."""
from flask_babel import gettext as _
from icalendar import Calendar, Event as CalendarEvent

from .clock import aware_utc, to_local, utcnow
from .i18n import html_lang


def registration_calendar(registration, language, manage_url):
    event = registration.event
    tz = event.school.tz
    text, _fallback = event.text_for(language)
    place, place_language = event.place_for(language)
    calendar = Calendar()
    calendar.add("prodid", "-//Family Events Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"registration-{registration.id}-event-{event.id}@family-events-portal")
    entry.add("dtstamp", aware_utc(utcnow()))
    entry.add("dtstart", to_local(event.starts_at, tz))
    entry.add("dtend", to_local(event.ends_at, tz))
    # LANGUAGE tells calendar apps (and their screen readers) which
    # language each text is in, also when it is not the family's.
    entry.add("summary", text.title if text else "",
              parameters={"LANGUAGE": html_lang(text.language if text else language)})
    entry.add("location", place, parameters={"LANGUAGE": html_lang(place_language)})
    lines = [_("Your code for the door: %(code)s", code=registration.checkin_code)]
    if manage_url:
        lines.append(_("See or change your registration: %(url)s", url=manage_url))
        entry.add("url", manage_url)
    entry.add("description", "\n".join(lines))
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
