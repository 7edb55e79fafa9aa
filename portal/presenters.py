"""Turning an event into what a family reads, in their language."""
from dataclasses import dataclass
from functools import lru_cache

import segno
from flask_babel import gettext as _

from .i18n import format_day, format_moment, format_names, format_time_range, language_name
from .models import EventStatus
from .services.contact import display_phone
from .services.seats import Seats
from .services.windows import DECLINE_FORM, closed_reason, is_open
from .vocabulary import GRADE_NAMES, Channel


@dataclass
class EventView:
    id: int
    title: str
    description: str
    text_language: str
    is_fallback: bool
    day: str
    time_range: str
    location: str
    location_language: str
    grades: list
    supports: list
    places: Seats
    deadline: str | None
    closed_reason: str | None  # why a family may not register now, None when it may
    may_decline: bool
    event: object

    @property
    def cancelled(self):
        return self.event.status == EventStatus.CANCELLED


def grades_label(grades):
    if len(grades) == len(GRADE_NAMES):
        return [_("All grades")]
    return [str(GRADE_NAMES[grade]) for grade in grades]


def supports_offered(event):
    """The help on offer, in words a family reads at a glance."""
    supports = []
    if event.offers_childcare:
        supports.append(_("Childcare for your little ones"))
    if event.interpreter_language_list:
        names = format_names(language_name(code) for code in event.interpreter_language_list)
        supports.append(_("Interpreters: %(languages)s", languages=names))
    if event.offers_transportation:
        supports.append(_("A ride to the event and back"))
    if event.offers_meal:
        supports.append(_("A meal for the whole family"))
    return supports


def event_view(event, language, places, now):
    text, is_fallback = event.text_for(language)
    location, location_language = event.place_for(language)
    tz = event.school.tz
    return EventView(
        id=event.id,
        title=text.title if text else "",
        description=text.description if text else "",
        text_language=text.language if text else language,
        is_fallback=is_fallback,
        day=format_day(event.starts_at, tz, language),
        time_range=format_time_range(event.starts_at, event.ends_at, tz, language),
        location=location,
        location_language=location_language,
        grades=grades_label(event.grades),
        supports=supports_offered(event),
        places=places,
        deadline=format_moment(event.registration_deadline, tz, language) if event.registration_deadline else None,
        closed_reason=closed_reason(event, now),
        may_decline=is_open(event, now, DECLINE_FORM),
        event=event,
    )


def fallback_sentence(text_language):
    """Said where an event's text is shown in another language than the reader's."""
    return _("This event is described in %(language)s; it has not been written in your language yet.",
             language=language_name(text_language))


def open_first(views):
    """Events a family can still register for first, each group in date order:
    a closed or past event sinks below the open ones."""
    return sorted(views, key=lambda view: view.closed_reason is not None)


@lru_cache(maxsize=1024)
def qr_svg(code):
    """The check-in code as an inline SVG: no image request, no script."""
    # A full QR code, not a Micro QR: phone cameras and door scanners read it.
    return segno.make(code, error="m", micro=False).svg_inline(
        scale=6, border=2, dark="#000", light="#fff", omitsize=True)


def contact_in_words(route):
    """('sms', '+16125550142') -> '(612) 555-0142', isolated so that it keeps
    its order inside a right-to-left sentence; None without a route."""
    if route is None:
        return None
    channel, address = route
    return "\u2066" + (display_phone(address) if channel == Channel.SMS else address) + "\u2069"
