"""Messages that belong to no registration: a household's invitation, its
follow-up, and the answers to a family's text messages. Rendered when sent,
in the household's language."""
from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from ..extensions import db
from ..i18n import babel_code, format_day, format_moment, format_time_range, lang_attributes, text_direction
from ..models import MessageKind, School
from ..services.invitations import invitation_token
from ..vocabulary import TextReply
from ..wording import error_message
from .render import (
    RIGHT_TO_LEFT_MARK,
    SMS_TITLE_LENGTH,
    Rendered,
    isolated,
    public_url,
    shortened,
    unsubscribe_token,
)

INVITATION_SMS = {
    MessageKind.INVITATION: _l("%(school)s invites your family to %(title)s, %(when)s, %(place)s. "
                               "Register: %(link)s"),
    MessageKind.FOLLOW_UP: _l("%(school)s: we still hope to see your family at %(title)s, %(when)s. "
                              "Register: %(link)s"),
}
INVITATION_SUBJECT = _l("You are invited: %(title)s")
INVITATION_LEADS = {
    MessageKind.INVITATION: _l("Your family is invited. Your personal link fills in the form for you: "
                               "check the numbers and register in two taps."),
    MessageKind.FOLLOW_UP: _l("We have not heard from you yet, and we would love to see your family."),
}
REPLY_HINT = _l("Reply 1 to come, 2 if you can't.")
REASONS_QUESTION = _l("%(school)s: sorry you can't come. Why? Reply 1 work, 2 time of day, 3 childcare, "
                      "4 a ride, 5 language, 6 health, 7 something else.")
THANKS = _l("Thank you for telling us. It helps us plan events that work for your family.")
EVENTS = _l("%(school)s: see our events and register here: %(link)s")
UNKNOWN_NUMBER = _l("We could not find this phone number on a school's list. "
                    "See the events and register here: %(link)s")


def render_without_registration(message):
    if message.kind == MessageKind.SMS_REPLY:
        return _render_reply(message)
    return _render_invitation(message)


def invitation_link(invitation):
    token = invitation_token(current_app.config["SECRET_KEY"], invitation.event_id, invitation.household_id)
    return public_url(f"/i/{token}")


def _finish_sms(sms, language):
    sms = sms.replace("\u202f", " ").replace("\u00a0", " ")
    if text_direction(language) == "rtl":
        # as render.render does: the whole bubble reads right to left
        sms = RIGHT_TO_LEFT_MARK + sms
    return sms


def _render_invitation(message):
    invitation = message.invitation
    event, household = invitation.event, invitation.household
    school = event.school
    tz = school.tz
    language = message.language
    with force_locale(babel_code(language)):
        text, _fallback = event.text_for(language)
        title = text.title if text else ""
        title_language = text.language if text else language
        place, place_language = event.place_for(language)
        link = invitation_link(invitation)
        when = format_moment(event.starts_at, tz, language, with_year=False)
        unsubscribe = public_url(
            f"/unsubscribe/{unsubscribe_token(message.channel, message.recipient)}?lang={language}")
        sms = str(INVITATION_SMS[message.kind]) % {
            "school": school.sms_sender,
            "title": isolated(shortened(title, SMS_TITLE_LENGTH), title_language, language),
            "when": when, "place": isolated(place, place_language, language), "link": link,
        }
        sms += " " + str(REPLY_HINT) + " " + _("Reply STOP to stop messages.")
        subject = str(INVITATION_SUBJECT) % {"title": isolated(title, title_language, language)}
        context = dict(
            message=message, household=household, event=event, school=school, title=title,
            lead=str(INVITATION_LEADS[message.kind]), link=link, decline_link=link + "/decline",
            unsubscribe_url=unsubscribe, place=place,
            title_attrs=lang_attributes(title_language, language),
            place_attrs=lang_attributes(place_language, language),
            title_language=title_language if title_language != language else None,
            direction=text_direction(language),
            day=format_day(event.starts_at, tz, language),
            time_range=format_time_range(event.starts_at, event.ends_at, tz, language),
            language=language,
        )
        text_body = render_template("messages/invitation.txt", **context)
        html_body = render_template("messages/invitation.html", **context)
    return Rendered(subject=subject, text=text_body, html=html_body, sms=_finish_sms(sms, language),
                          unsubscribe_url=unsubscribe)


def reply_school(message):
    school_id = (message.payload or {}).get("school_id")
    return db.session.get(School, school_id) if school_id else None


def _render_reply(message):
    """The answer to a text message: its payload names what to say."""
    payload = message.payload or {}
    reply = payload.get("reply")
    language = message.language
    school = reply_school(message)
    sender = school.sms_sender if school else ""
    invitation = message.invitation
    with force_locale(babel_code(language)):
        link = invitation_link(invitation) if invitation is not None else public_url("/")
        if reply == TextReply.REASONS:
            sms = str(REASONS_QUESTION) % {"school": sender}
        elif reply == TextReply.THANKS:
            sms = _("%(school)s: %(message)s", school=sender, message=str(THANKS))
        elif reply == TextReply.EVENTS:
            sms = str(EVENTS) % {"school": sender, "link": link}
        elif reply == TextReply.UNKNOWN_NUMBER:
            sms = str(UNKNOWN_NUMBER) % {"link": link}
        elif reply == TextReply.ERROR:
            problem = error_message(payload.get("error", "event_closed"), **payload.get("params", {}))
            sms = _("%(school)s: %(message)s", school=sender, message=problem) + " " + link
        else:
            sms = _("%(school)s: %(message)s", school=sender, message=str(REPLY_HINT)) + " " + link \
                + " " + _("Reply STOP to stop messages.")
    return Rendered(subject="", text=sms, html="", sms=_finish_sms(sms, language))
