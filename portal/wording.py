"""Words for the codes that services raise, in one catalog so that every
page says them the same way. The names of things (statuses, roles, kinds)
are in portal.vocabulary."""
from flask_babel import lazy_gettext as _l, ngettext

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
    # A roster file and its columns, refused.
    "roster_no_file": _l("Please choose the roster file exported from your student information system."),
    "roster_empty": _l("This file has no students in it. Please export the roster again and choose that file."),
    "roster_too_big": _l("This file is larger than %(max_mb)s MB. Please export only the columns the roster "
                         "needs, or one part of the school at a time."),
    "roster_too_many_rows": _l("This file has more than %(max)s rows. Please import one part of the school at a time."),
    "roster_not_csv": _l("This is not a CSV file. In your spreadsheet or student information system, choose "
                         "“Export” or “Save as”, then CSV, and choose that file."),
    "oneroster_no_users": _l("This zip file has no OneRoster users.csv in it."),
    "roster_mapping_needs": _l("Please choose the column for: %(field)s."),
    "roster_mapping_twice": _l("Each column can be chosen for one thing only."),
    "roster_mapping_invalid": _l("Please choose from the list."),
    "cannot_demote_self": _l("You cannot take away your own admin role or sign-in. Ask another admin."),
    # Raised at the door only.
    "registration_not_found": _l("We could not find this family in this event's list."),
    "registration_waitlisted": _l("This family is on the waitlist. Admit them to check them in."),
    "not_checked_in": _l("This family is not checked in, so there is nothing to undo."),
    "checkin_not_open": _l("Check-in for this event opens on the day of the event."),
    "event_not_started": _l("You can mark no-shows once the event has started."),
    "code_other_event": _l("This code is for a different event. Ask the family which event they registered for."),
    "arrived_adults_out_of_range": _l("Please enter between 0 and %(max)s adults."),
    "arrived_children_out_of_range": _l("Please enter between 0 and %(max)s children."),
    "nobody_arrived": _l("At least one person must have come. If nobody came, do not check the family in."),
    "client_key_invalid": _l("This request could not be matched. Please reload the page and try again."),
}

# The same codes as front-desk staff read them, where a family's words
# would tell staff the wrong thing to do.
FRONTDESK_MESSAGES = {
    "registration_cancelled": _l("This registration was cancelled. If the family is here, register them as a walk-in."),
    "already_registered": _l("A family with this phone number is already registered for this event. "
                             "Find them in the list to check them in."),
}


# What is wrong with one row of a roster file: said beside the row in the
# import's preview, so the same codes as a form's errors ("phone_invalid")
# have other words here.
ROSTER_ROW_PROBLEMS = {
    "missing_student_id": _l("No student ID: not imported."),
    "missing_name": _l("No student name: not imported."),
    "unknown_grade": _l("Unknown grade “%(value)s”: not imported."),
    "duplicate_student_id": _l("Student ID %(value)s is in the file twice: only its first row is imported."),
    "phone_invalid": _l("“%(value)s” is not a phone number: left out."),
    "email_invalid": _l("“%(value)s” is not an email address: left out."),
    "unknown_language": _l("Unknown language “%(value)s”: messages go in the school's language."),
    "no_contact": _l("No phone or email: the school can reach this family only in person."),
}


def roster_problem(code, value):
    """The words for a problem of one roster row; `value` is what the row held."""
    message = str(ROSTER_ROW_PROBLEMS[code])
    return message % {"value": value} if "%(value)s" in message else message


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
    """The sentence for a service's error code, for the family (or the
    staff member) filling in a form."""
    if code in COUNTED_MESSAGES and COUNTED_MESSAGES[code][0] in params:
        key, say = COUNTED_MESSAGES[code]
        return say(params[key])
    message = ERROR_MESSAGES.get(code, ERROR_MESSAGES["event_not_found"])
    return str(message) % params if params else str(message)


# The only numbers a door sentence states.
FRONTDESK_PARAMS = ("max", "capacity", "children", "party", "places")


def frontdesk_message(code, **params):
    """The sentence for a service's error code, for front-desk staff."""
    params = {key: value for key, value in params.items() if key in FRONTDESK_PARAMS}
    if code in FRONTDESK_MESSAGES:
        return str(FRONTDESK_MESSAGES[code])
    if code in ERROR_MESSAGES or code in COUNTED_MESSAGES:
        return error_message(code, **params)
    return str(ERROR_MESSAGES["registration_not_found"])
