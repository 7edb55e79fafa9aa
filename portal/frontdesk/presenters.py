"""What the front desk reads about events and families, in the staff
member's language. The same dictionaries feed the HTML pages and the JSON
the page's script keeps (so that a list drawn by the script offline reads
exactly like the one the server drew)."""
from dataclasses import dataclass

from babel.dates import format_time
from babel.lists import format_list
from flask import url_for
from flask_babel import gettext as _, ngettext

from ..clock import to_local
from ..i18n import babel_locale, current_language, format_day, format_time_range, in_native_digits
from ..need_words import accessibility_line, childcare_line, interpreter_line, need_instruction
from ..services.contact import search_marks_class
from ..services.registration import MAX_ADULTS, MAX_CHILDREN
from ..vocabulary import Attendance, NeedKind, RegistrationStatus, Source
from ..wording import frontdesk_message

# The offline banner is drawn by the script, which cannot pick plural forms
# itself: it gets the sentence for each count up to this one.
WAITING_FORMS = 50


def local_time(utc_naive, tz, language=None):
    if utc_naive is None:
        return ""
    local = to_local(utc_naive, tz)
    language = language or current_language()
    return in_native_digits(format_time(local, "short", locale=babel_locale(language)), language)


def party_text(adults, children, language=None):
    """'2 adults and 1 child', '1 adult', '3 children' in the page's language."""
    parts = []
    if adults or not children:
        parts.append(ngettext("%(num)d adult", "%(num)d adults", adults))
    if children:
        parts.append(ngettext("%(num)d child", "%(num)d children", children))
    return format_list(parts, style="standard", locale=babel_locale(language or current_language()))


def event_title(event, language=None):
    text, is_fallback = event.text_for(language or current_language())
    return (text.title if text else ""), (text.language if text and is_fallback else None)


@dataclass
class DoorEvent:
    id: int
    title: str
    title_language: str | None  # set when the title is not in the page's language
    day: str
    time_range: str
    location: str
    capacity: int
    counts: object
    checkin_open: bool
    event: object


def frontdesk_event(event, counts, checkin_open):
    language = current_language()
    title, title_language = event_title(event, language)
    tz = event.school.tz
    return DoorEvent(
        id=event.id, title=title, title_language=title_language,
        day=format_day(event.starts_at, tz, language),
        time_range=format_time_range(event.starts_at, event.ends_at, tz, language),
        location=event.location, capacity=event.capacity, counts=counts, checkin_open=checkin_open, event=event,
    )


def need_lines(registration, arrived_children=None):
    """What the school arranges for the family, as short instructions."""
    lines = []
    for need in registration.needs:
        if need.kind == NeedKind.CHILDCARE:
            count = need.quantity if arrived_children is None else min(need.quantity, arrived_children)
            if count <= 0:
                continue
            lines.append(need_instruction(need, count))
        else:
            lines.append(need_instruction(need))
    return lines


def state_text(registration, tz, staff_name=None):
    if registration.status == RegistrationStatus.CANCELLED:
        return str(RegistrationStatus.CANCELLED.label)
    if registration.status == RegistrationStatus.WAITLISTED:
        return str(RegistrationStatus.WAITLISTED.label)
    if registration.attendance == Attendance.ATTENDED:
        when = local_time(registration.checked_in_at, tz)
        if staff_name:
            return _("Checked in at %(time)s by %(name)s", time=when, name=staff_name)
        return _("Checked in at %(time)s", time=when)
    if registration.attendance == Attendance.NO_SHOW:
        return _("Marked as no-show")
    return ""


def family_entry(registration, event, staff_name=None):
    """One family as the page shows it and as the script keeps it."""
    tz = event.school.tz
    attended = registration.attendance == Attendance.ATTENDED
    arrived = (registration.arrived_adults or 0, registration.arrived_children or 0) if attended else None
    base = dict(event_id=event.id, registration_id=registration.id)
    return dict(
        id=registration.id,
        name=registration.name,
        code=registration.checkin_code,
        last4=registration.phone_last4 or "",
        email=registration.email or "",
        search=registration.search_name or "",
        status=registration.status,
        attendance=registration.attendance,
        source=registration.source,
        adults=registration.adults,
        children=registration.children,
        party=party_text(registration.adults, registration.children),
        arrived_adults=arrived[0] if arrived else None,
        arrived_children=arrived[1] if arrived else None,
        arrived=party_text(*arrived) if arrived else "",
        checked_in_time=local_time(registration.checked_in_at, tz) if attended else "",
        checked_in_by=(staff_name or "") if attended else "",
        state=state_text(registration, tz, staff_name),
        needs=need_lines(registration),
        todo=need_lines(registration, arrived[1]) if arrived else need_lines(registration),
        note=registration.note or "",
        url=url_for("frontdesk.family", **base),
    )


def script_entry(registration, event, staff_name=None):
    """One family as the page's script keeps it (in memory and in
    localStorage, so a list of 5,000 must stay small): no empty fields and
    nothing the script words itself from its own translated tables (how
    many came, the state, the link)."""
    attended = registration.attendance == Attendance.ATTENDED
    entry = dict(id=registration.id, name=registration.name, code=registration.checkin_code,
                 search=registration.search_name or "", status=registration.status,
                 adults=registration.adults, children=registration.children)
    optional = dict(
        last4=registration.phone_last4, email=registration.email, note=registration.note,
        attendance=None if registration.attendance == Attendance.UNKNOWN else registration.attendance,
        source=None if registration.source == Source.ONLINE else registration.source,
        needs=need_lines(registration) if registration.needs else None,
    )
    if attended:
        optional.update(
            arrived_adults=registration.arrived_adults or 0, arrived_children=registration.arrived_children or 0,
            checked_in_time=local_time(registration.checked_in_at, event.school.tz), checked_in_by=staff_name,
        )
        todo = need_lines(registration, registration.arrived_children or 0) if registration.needs else None
        if todo != optional["needs"]:
            optional["todo"] = todo or []
    entry.update({key: value for key, value in optional.items() if value})
    return entry


def counts_dict(seats):
    """The numbers the door's script keeps, under the names it draws them by
    (its own recount, `counts()` in frontdesk.js, uses the same names)."""
    return dict(
        capacity=seats.capacity, expected_families=seats.confirmed_families,
        expected_people=seats.confirmed_people, arrived_families=seats.arrived_families,
        arrived_people=seats.arrived_people, waitlisted_families=seats.waitlisted_families,
        no_show_families=seats.no_show_families, walk_in_families=seats.walk_in_families,
        over_capacity=seats.over_capacity,
    )


def over_capacity_text(counts):
    return _("The event is now over capacity (%(people)s people for %(capacity)s places).",
             people=counts.confirmed_people, capacity=counts.capacity)


def outcome_text(result, tz, staff_name=None):
    name = result.registration.name
    if result.outcome == "already_checked_in":
        checkin = result.checkin
        when = local_time(checkin.created_at if checkin else result.registration.checked_in_at, tz)
        if staff_name:
            return _("%(name)s was already checked in at %(time)s by %(staff)s.", name=name, time=when,
                     staff=staff_name)
        return _("%(name)s was already checked in at %(time)s.", name=name, time=when)
    texts = {
        "checked_in": lambda: _("%(name)s is checked in.", name=name),
        "undone": lambda: _("The check-in of %(name)s is undone.", name=name),
        "admitted": lambda: _("%(name)s is admitted from the waitlist and checked in.", name=name),
        "walked_in": lambda: _("%(name)s is registered as a walk-in and checked in.", name=name),
        "waitlisted": lambda: _("%(name)s is on the waitlist. Admit them to check them in.", name=name),
    }
    return texts[result.outcome]()


def other_event_text(other_event):
    title, _language = event_title(other_event)
    return _("This code is for another event: %(event)s, %(day)s. Ask the family which event they came for.",
             event=title, day=format_day(other_event.starts_at, other_event.school.tz))


def script_strings(event):
    """The sentences the page's script needs, in the page's language, and
    the marks a search ignores."""
    interpreters = {code: interpreter_line(code) for code in event.interpreter_language_list}
    return dict(
        check_in=_("Check in"),
        check_in_name=_("Check in %(name)s"),
        undo=_("Undo check-in"),
        undo_name=_("Undo check-in of %(name)s"),
        admit_short=_("Admit"),
        admit_over=_("Admitting this family puts the event over capacity (%(people)s people for %(capacity)s places)."),
        over_capacity=_("The event is now over capacity (%(people)s people for %(capacity)s places)."),
        code_label=_("Check-in code"),
        registered=_("Registered"),
        came=_("Came"),
        phone_ends=_("Phone ends in"),
        email=_("Email"),
        note_label=_("Their note"),
        at_the_door=_("Registered at the door"),
        yes=_("Yes"),
        asked=_("What they asked for"),
        not_open=frontdesk_message("checkin_not_open"),
        back=_("Back to the list"),
        nobody=frontdesk_message("nobody_arrived"),
        no_families=_("No families have registered yet."),
        admit=_("Admit and check in"),
        admit_name=_("Admit %(name)s"),
        arrived_adults=_("Adults who came"),
        arrived_children=_("Children who came"),
        todo=_("What to do now"),
        nothing_to_arrange=_("Nothing to arrange."),
        checked_in=_("%(name)s is checked in."),
        already=_("%(name)s was already checked in at %(time)s by %(staff)s."),
        already_no_staff=_("%(name)s was already checked in at %(time)s."),
        checked_in_at=_("Checked in at %(time)s by %(name)s"),
        checked_in_at_no_staff=_("Checked in at %(time)s"),
        undone=_("The check-in of %(name)s is undone."),
        admitted=_("%(name)s is admitted from the waitlist and checked in."),
        walked_in=_("%(name)s is registered as a walk-in and checked in."),
        waitlisted_scan=_("%(name)s is on the waitlist. Admit them to check them in."),
        cancelled=frontdesk_message("registration_cancelled"),
        no_show=_("Marked as no-show"),
        waitlisted=str(RegistrationStatus.WAITLISTED.label),
        results_for=_("Families matching “%(query)s”"),
        all_families=_("Families"),
        no_match=_("No family found. Check the spelling, or try the last 4 digits of their phone."),
        partial_list=_("Only part of the list is shown. Search to find a family."),
        unknown_code_offline=_("No family of this event has this code. Try their name."),
        unknown_code=_("Nobody checked in: no family has the code %(code)s. Check the code, or search by name."),
        nobody_found=_("Nobody checked in: no family matches “%(query)s”."),
        offline=_("Offline: check-ins are saved on this device and sent when the connection returns."),
        waiting=[""] + [ngettext("Offline: %(num)d check-in waiting to be sent",
                                 "Offline: %(num)d check-ins waiting to be sent", n)
                        for n in range(1, WAITING_FORMS + 1)],
        waiting_many=_("Offline. Check-ins waiting to be sent: %(num)s"),
        unsent_sign_out=[""] + [ngettext(
            "%(num)d check-in has not been sent yet. If you sign out now, it is lost. Sign out anyway?",
            "%(num)d check-ins have not been sent yet. If you sign out now, they are lost. Sign out anyway?", n)
            for n in range(1, WAITING_FORMS + 1)],
        unsent_sign_out_many=_("Check-ins not sent yet: %(num)s. If you sign out now, they are lost. Sign out anyway?"),
        signed_out=_("You were signed out. Sign in again to send what is waiting; it stays saved on this device."),
        sign_in=_("Sign in again"),
        reload=_("This page is out of date. Reload it to send what is waiting; it stays saved on this device."),
        not_sent=_("Not sent: %(name)s. %(reason)s"),
        error=_("Something went wrong. Please try again."),
        name_missing=_("Please enter the family's name."),
        number_invalid=frontdesk_message("number_invalid"),
        childcare_too_many=_("Childcare can be for at most the number of children who came."),
        adults=[ngettext("%(num)d adult", "%(num)d adults", n) for n in range(0, MAX_ADULTS + 1)],
        children=[ngettext("%(num)d child", "%(num)d children", n) for n in range(0, MAX_CHILDREN + 1)],
        childcare=[""] + [childcare_line(n) for n in range(1, MAX_CHILDREN + 1)],
        party_pattern=format_list(["%(adults)s", "%(children)s"], style="standard",
                                  locale=babel_locale(current_language())),
        interpreters=interpreters,
        accessibility=accessibility_line(),
        language=current_language(),
        search_marks=search_marks_class(),
    )
