"""A message from the outbox, as the family reads it: in their language,
whoever caused it to be sent."""
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from ..calendar import registration_calendar
from ..i18n import babel_code, format_day, format_moment, format_time_range, lang_attributes, text_direction
from ..models import Channel, MessageKind
from ..need_words import need_sentences

SUBJECTS = {
    MessageKind.CONFIRMATION: _l("You are registered: %(title)s"),
    MessageKind.WAITLISTED: _l("You are on the waiting list: %(title)s"),
    MessageKind.PROMOTED: _l("Good news, there is a place for your family: %(title)s"),
    MessageKind.REMINDER: _l("Reminder: %(title)s"),
    MessageKind.CHANGED: _l("New time or place: %(title)s"),
    MessageKind.CANCELLED: _l("Cancelled: %(title)s"),
    MessageKind.LINK: _l("Your registration link: %(title)s"),
}
LEADS = {
    MessageKind.CONFIRMATION: _l("Thank you for registering. We look forward to seeing you!"),
    MessageKind.WAITLISTED: _l("The event is full right now, so your family is on the waiting list. "
                               "We will write to you as soon as there is a place."),
    MessageKind.PROMOTED: _l("A place opened up, and it is now your family's. We look forward to seeing you!"),
    MessageKind.REMINDER: _l("We look forward to seeing you soon."),
    MessageKind.CHANGED: _l("The event has a new time or place. Here are the details now."),
    MessageKind.CANCELLED: _l("We are sorry: this event is cancelled. We hope to see you at another event soon."),
    MessageKind.LINK: _l("Here is the link to your registration again."),
}
# Text messages name the event without making a word agree with its title
# ("there are no places left at ..."), since a title may be any gender or number.
SMS = {
    MessageKind.CONFIRMATION: _l("%(school)s: you are registered for %(title)s, %(when)s. "
                                 "Code: %(code)s. See or change: %(link)s"),
    MessageKind.WAITLISTED: _l("%(school)s: no places are left at %(title)s, so you are on the waiting list. "
                               "We will text you. %(link)s"),
    MessageKind.PROMOTED: _l("%(school)s: good news, you now have a place at %(title)s, %(when)s. Code: %(code)s"),
    MessageKind.REMINDER: _l("%(school)s: reminder of %(title)s, %(when)s, %(place)s. Code: %(code)s"),
    MessageKind.CHANGED: _l("%(school)s: new time or place for %(title)s: %(when)s, %(place)s"),
    MessageKind.CANCELLED: _l("%(school)s: sorry, we cancelled %(title)s (%(when)s)."),
    MessageKind.LINK: _l("%(school)s: your link for %(title)s: %(link)s"),
}
RIGHT_TO_LEFT_MARK = "\u200f"
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
WITH_CALENDAR = {MessageKind.CONFIRMATION, MessageKind.PROMOTED, MessageKind.CHANGED}
FIRST_TEXTS = {MessageKind.CONFIRMATION, MessageKind.WAITLISTED}


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str
    ics: bytes | None = None
    unsubscribe_url: str | None = None


# A text names the event in a few words; the family's link has the rest.
SMS_TITLE_LENGTH = 40


def shortened(text, length):
    """`text` cut at a word before `length` characters, with "..." (three
    dots keep a text in the GSM alphabet, where an ellipsis would not)."""
    if len(text) <= length:
        return text
    cut = text[:length - 3].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "..."


def isolated(text, text_language, message_language):
    """Plain text (a subject, a text message) has no `dir`: text in the other
    direction than the message is wrapped in Unicode isolates, so an English
    title keeps its punctuation inside an Arabic sentence."""
    if text and text_direction(text_language) != text_direction(message_language):
        return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE
    return text


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(channel, address):
    return _serializer().dumps([channel, address])


def read_unsubscribe_token(token):
    try:
        channel, address = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return channel, address


def public_url(path):
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def render(message):
    """Subject, text, HTML, SMS text and calendar file for an outbox row,
    in the language of the registration."""
    registration = message.registration
    event = registration.event
    school = event.school
    tz = school.tz
    with force_locale(babel_code(message.language)):
        text, _fallback = event.text_for(message.language)
        title = text.title if text else ""
        title_language = text.language if text else message.language
        place, place_language = event.place_for(message.language)
        token = (message.payload or {}).get("token")
        link = public_url(f"/r/{token}") if token else None
        when = format_moment(event.starts_at, tz, message.language, with_year=False)
        # The page opens in the message's language, whatever the phone's language.
        unsubscribe = public_url(f"/unsubscribe/{unsubscribe_token(message.channel, message.recipient)}"
                                 f"?lang={message.language}")
        campaign = message.campaign
        if message.kind == MessageKind.ORGANIZER:
            texts = campaign.texts
            chosen = texts.get(message.language) or texts[event.default_language]
            subject, lead = chosen["subject"], chosen["body"]
            sms = _("%(school)s: %(message)s", school=school.sms_sender, message=chosen["body"])
        else:
            subject = str(SUBJECTS[message.kind]) % {"title": isolated(title, title_language, message.language)}
            lead = str(LEADS[message.kind])
            sms = str(SMS[message.kind]) % {
                "school": school.sms_sender,
                "title": isolated(shortened(title, SMS_TITLE_LENGTH), title_language, message.language),
                "when": when, "place": isolated(place, place_language, message.language),
                "code": registration.checkin_code, "link": link or "",
            }
        position = (message.payload or {}).get("position")
        if message.kind == MessageKind.WAITLISTED and position:
            sms += " " + _("You are number %(position)s on the waiting list.", position=position)
        if message.kind in FIRST_TEXTS or message.kind == MessageKind.ORGANIZER:
            sms += " " + _("Reply STOP to stop messages.")
        # Date formats put no-break spaces before AM/PM; a plain space keeps
        # an English text in the 160-character GSM alphabet.
        sms = sms.replace("\u202f", " ").replace("\u00a0", " ")
        if text_direction(message.language) == "rtl":
            # A text that starts with a Latin school name would be laid out
            # left to right; a right-to-left mark sets the whole bubble.
            sms = RIGHT_TO_LEFT_MARK + sms
        context = dict(
            message=message, registration=registration, event=event, school=school, title=title,
            lead=lead, link=link, unsubscribe_url=unsubscribe, place=place,
            title_attrs=lang_attributes(title_language, message.language),
            place_attrs=lang_attributes(place_language, message.language),
            title_language=title_language if title_language != message.language else None,
            direction=text_direction(message.language),
            day=format_day(event.starts_at, tz, message.language),
            time_range=format_time_range(event.starts_at, event.ends_at, tz, message.language),
            needs=need_sentences(registration) if message.kind != MessageKind.CANCELLED else [],
            # Without a link in this message: where the family finds one (a cancelled registration needs none).
            no_link_note=(_("To change or cancel, use the link in the first message we sent you.")
                          if not link and message.kind != MessageKind.CANCELLED else None),
            show_code=message.kind not in (MessageKind.CANCELLED, MessageKind.WAITLISTED),
            language=message.language,
        )
        text_body = render_template("messages/email.txt", **context)
        html_body = render_template("messages/email.html", **context)
        ics = None
        if message.kind in WITH_CALENDAR and message.channel == Channel.EMAIL:
            ics = registration_calendar(registration, message.language, link)
    return Rendered(subject=subject, text=text_body, html=html_body, sms=sms, ics=ics,
                    unsubscribe_url=unsubscribe)
