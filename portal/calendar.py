"""An .ics file a family adds to the phone's calendar, in the school's timezone."""
from datetime import timezone

from icalendar import Calendar, Event as CalendarEvent
from flask_babel import gettext as _

from .models import utcnow


def registration_calendar(registration, language, manage_url):
    event = registration.event
    tz = event.school.tz
    text, _fallback = event.text_for(language)
    calendar = Calendar()
    calendar.add("prodid", "-//Family Events Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"registration-{registration.id}-event-{event.id}@family-events-portal")
    entry.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    entry.add("dtstart", event.starts_at.replace(tzinfo=timezone.utc).astimezone(tz))
    entry.add("dtend", event.ends_at.replace(tzinfo=timezone.utc).astimezone(tz))
    entry.add("summary", text.title if text else "")
    entry.add("location", event.location)
    lines = [_("Your check-in code: %(code)s", code=registration.checkin_code)]
    if manage_url:
        lines.append(_("See or change your registration: %(url)s", url=manage_url))
        entry.add("url", manage_url)
    entry.add("description", "\n".join(lines))
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
