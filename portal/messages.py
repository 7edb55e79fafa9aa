"""Words for the codes that services raise, and for the names of things,
in one place so that every page says them the same way."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p, ngettext

ERROR_MESSAGES = {
    "name_missing": _l("Please tell us your name."),
    "contact_missing": _l("Please give us a phone number or an email address, so we can reach you."),
    "adults_out_of_range": _l("Please enter between 1 and %(max)s adults."),
    "children_out_of_range": _l("Please enter between 0 and %(max)s children."),
    "unknown_grade": _l("Please choose grades from the list."),
    "support_not_offered": _l("This event does not offer this help."),
    "childcare_ages_too_many": _l("Please give one age for each child in childcare."),
    "childcare_age_invalid": _l("Please write each age as a number from 0 to %(max)s."),
    "interpreter_language_not_offered": _l("Please choose one of the languages on the list."),
    "already_registered": _l("This phone number or email is already registered for this event. Please use the link from your confirmation to see or change it."),
    "duplicate_submission": _l("We already have this registration."),
    "event_not_found": _l("We could not find this event."),
    "event_cancelled": _l("This event was cancelled."),
    "event_past": _l("This event has already happened."),
    "registration_closed": _l("Registration for this event is closed."),
    "event_closed": _l("This event is no longer taking answers."),
    "registration_cancelled": _l("This registration was cancelled, so it can no longer be changed."),
    "edit_needs_waitlist": _l("There are not enough places left for your whole family. If you save, your family moves to the waiting list, and we will let you know when there is room."),
    "unknown_reason": _l("Please choose a reason from the list."),
    "csrf": _l("This page was open for a long time, so for your safety we could not send it. Please check your answers and send it again."),
    "number_invalid": _l("Please enter a number, like 2."),
    "number_out_of_range": _l("Please enter a number from %(min)s to %(max)s."),
    "choice_invalid": _l("Please choose from the list."),
    "phone_invalid": _l("Please check the phone number. Use only digits, like 555 201 3344."),
    "phone_country_not_allowed": _l("We can only send text messages to phones in %(countries)s. Please give us your email address instead, and we will write to you there."),
    "phone_country_not_allowed_walk_in": _l("We can only send text messages to phones in %(countries)s. Leave the phone empty, or write a local number."),
    "party_larger_than_limit": _l("For this event, each family can bring up to %(max)s people. Please call the school if more of your family would like to come."),
    "max_party_size_out_of_range": _l("Please enter a largest family size between 1 and %(max)s people."),
    "looks_automated": _l("Sorry, we could not take this registration. Please check your answers, wait a moment, and send the form again."),
    "too_many_registrations": _l("Many registrations have come from your internet connection in the last hour, so we cannot take more right now. Please try again later, or call the school and we will register your family."),
    "email_invalid": _l("Please check the email address, like name@example.com."),
    "contact_invalid": _l("Please enter the phone number or the email address you registered with, like 555 201 3344 or name@example.com."),
    "too_long": _l("Please make this shorter (at most %(max)s characters)."),
    "line_break": _l("Please write this on one line."),
    "email_taken": _l("An account with this email already exists."),
    "role_invalid": _l("Please choose a role from the list."),
    "password_too_short": _l("Please choose a password of at least %(min)s characters."),
    "password_too_long": _l("Please choose a password of at most %(max)s characters."),
    "password_is_email": _l("Please choose a password that is not your email address."),
    "password_too_common": _l("This password is too easy to guess. Try a few words that do not belong together, or a longer password."),
    "login_wait": _l("There were several wrong tries for this email. Please wait a minute, then try again."),
    "date_invalid": _l("Please enter a date, like 2026-12-03."),
    "time_invalid": _l("Please enter a time, like 18:30."),
    "default_title_missing": _l("Please give the event a title in the school's main language."),
    "language_unknown": _l("Please write the event in the languages on the list."),
    "ends_before_start": _l("The end time must be after the start time."),
    "location_missing": _l("Please say where the event takes place."),
    "grades_missing": _l("Please choose at least one grade."),
    "capacity_out_of_range": _l("Please enter a capacity between 1 and %(max)s people."),
    "childcare_capacity_out_of_range": _l("Please say how many children the childcare room can take."),
    "interpreter_language_unknown": _l("Please choose interpreter languages from the list."),
    "deadline_incomplete": _l("Please give both a day and a time for the deadline, or neither."),
    "deadline_after_start": _l("The registration deadline must be before the event starts."),
    "event_not_published": _l("This event is not published."),
    "not_enough_places": _l("There are not enough places left for this family. Raise the capacity first."),
    "not_waitlisted": _l("This family is not on the waitlist."),
    "not_cancelled": _l("This registration is not cancelled."),
    "restore_no_room": _l("The family's places have gone to waiting families, so the registration cannot be restored. Raise the capacity first."),
    "campaign_subject_missing": _l("Please write a subject in the school's main language."),
    "campaign_body_missing": _l("Please write the message in the school's main language."),
    "campaign_text_incomplete": _l("Please write both a subject and a message in this language, or leave both empty."),
    "campaign_no_recipients": _l("No family matches these choices, so there is no one to send to."),
    "invitation_no_households": _l("No household in these grades is left to invite."),
    "follow_up_in_past": _l("Please choose a time still to come."),
    "follow_up_after_event": _l("The follow-up must go before the event starts."),
    "cannot_demote_self": _l("You cannot take away your own admin role or sign-in. Ask another admin."),
}


# Messages that state a number, said with the plural form it needs:
# code -> (the parameter holding the number, the sentence for it).
COUNTED_MESSAGES = {
    "party_larger_than_event": ("capacity", lambda n: ngettext(
        "This event has room for %(num)d person in all. Please call the school so we can find a way for your family to join.",
        "This event has room for %(num)d people in all. Please call the school so we can find a way for your family to join.",
        n)),
    "childcare_more_than_children": ("children", lambda n: ngettext(
        "You told us %(num)d child is coming. Childcare can be for that many children at most.",
        "You told us %(num)d children are coming. Childcare can be for that many children at most.", n)),
    "seats_more_than_party": ("party", lambda n: ngettext(
        "Please ask for %(num)d seat at most.", "Please ask for %(num)d seats at most.", n)),
    "capacity_below_confirmed": ("confirmed", lambda n: ngettext(
        "%(num)d person is already confirmed, so the capacity cannot be lower than that. Cancel registrations first if you must.",
        "%(num)d people are already confirmed, so the capacity cannot be lower than that. Cancel registrations first if you must.",
        n)),
    "edit_needs_waitlist": ("places", lambda n: ngettext(
        "Only %(num)d place is left, so your family will not all fit. If you save, your family moves to the waiting list, and we will let you know when there is room.",
        "Only %(num)d places are left, so your family will not all fit. If you save, your family moves to the waiting list, and we will let you know when there is room.",
        n)),
    "not_enough_places": ("places", lambda n: ngettext(
        "Only %(num)d place is left, not enough for this family. Raise the capacity first.",
        "Only %(num)d places are left, not enough for this family. Raise the capacity first.", n)),
    "restore_no_room": ("places", lambda n: ngettext(
        "Only %(num)d place is free now: the family's places have gone to waiting families. Raise the capacity first.",
        "Only %(num)d places are free now: the family's places have gone to waiting families. Raise the capacity first.",
        n)),
}


def error_message(code, **params):
    if code in COUNTED_MESSAGES and COUNTED_MESSAGES[code][0] in params:
        key, say = COUNTED_MESSAGES[code]
        return say(params[key])
    message = ERROR_MESSAGES.get(code, ERROR_MESSAGES["event_not_found"])
    return str(message) % params if params else str(message)


GRADE_NAMES = {
    "PK": _l("Pre-K"),
    "K": _l("Kindergarten"),
    "1": _l("Grade 1"),
    "2": _l("Grade 2"),
    "3": _l("Grade 3"),
    "4": _l("Grade 4"),
    "5": _l("Grade 5"),
    "6": _l("Grade 6"),
    "7": _l("Grade 7"),
    "8": _l("Grade 8"),
    "9": _l("Grade 9"),
    "10": _l("Grade 10"),
    "11": _l("Grade 11"),
    "12": _l("Grade 12"),
}

DECLINE_REASON_NAMES = {
    "work": _l("My work schedule"),
    "time": _l("The time of day does not work for us"),
    "childcare": _l("No one to care for my other children"),
    "transportation": _l("No way to get there"),
    "language": _l("The event is not in my language"),
    "health": _p("reason for not coming", "Health"),
    "other": _l("Something else"),
}

# The same English word is a different word in many languages (gender,
# number), so each kind of status has its own context.
STATUS_NAMES = {
    "confirmed": _p("registration status", "Confirmed"),
    "waitlisted": _p("registration status", "On the waiting list"),
    "cancelled": _p("registration status", "Cancelled"),
}

ROLE_NAMES = {
    "admin": _l("Admin"),
    "organizer": _l("Organizer"),
    "frontdesk": _l("Front desk"),
}

NEED_NAMES = {
    "childcare": _l("Childcare"),
    "transportation": _l("Transportation"),
    "interpreter": _l("Interpreter"),
    "accessibility": _l("Help to take part"),
    "dietary": _l("Dietary"),
}

EVENT_STATUS_NAMES = {
    "draft": _p("event status", "Draft"),
    "published": _p("event status", "Published"),
    "cancelled": _p("event status", "Cancelled"),
}


MESSAGE_KIND_NAMES = {
    "confirmation": _l("Confirmation"),
    "waitlisted": _l("Waitlist notice"),
    "promoted": _l("A place opened"),
    "reminder": _l("Reminder"),
    "changed": _l("Change notice"),
    "cancelled": _l("Cancellation notice"),
    "link": _l("Link sent again"),
    "organizer": _l("Message from the organizers"),
}

MESSAGE_STATUS_NAMES = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Could not be delivered"),
    "suppressed": _l("Not sent: the family asked for no messages"),
}

SOURCE_NAMES = {
    "online": _l("Online"),
    "staff": _l("By staff"),
    "walk_in": _l("Walk-in"),
}

# Where a household stands for one event (services.reach.ReachStatus).
REACH_STATUS_NAMES = {
    "registered": _p("household status", "Registered"),
    "cant_come": _p("household status", "Can't come"),
    "no_answer": _p("household status", "No answer yet"),
    "message_failed": _p("household status", "Message failed"),
    "no_contact": _p("household status", "No contact on file"),
    "opted_out": _p("household status", "Opted out"),
    "not_invited": _p("household status", "Not invited yet"),
}

# What a call to a household gave (models.CallResult).
CALL_RESULT_NAMES = {
    "reached_coming": _l("Reached: coming"),
    "reached_cant_come": _l("Reached: can't come"),
    "no_answer": _p("call result", "No answer"),
    "wrong_number": _l("Wrong number"),
}
