"""Words for the codes the check-in service raises, as the front desk reads
them (the family-facing words for registration codes are in portal.messages)."""
from flask_babel import lazy_gettext as _l

from ..messages import COUNTED_MESSAGES, ERROR_MESSAGES, error_message

DOOR_MESSAGES = {
    "registration_not_found": _l("We could not find this family in this event's list."),
    "registration_cancelled": _l("This registration was cancelled. If the family is here, register them as a walk-in."),
    "registration_waitlisted": _l("This family is on the waitlist. Admit them to check them in."),
    "not_checked_in": _l("This family is not checked in, so there is nothing to undo."),
    "checkin_not_open": _l("Check-in for this event opens on the day of the event."),
    "event_not_started": _l("You can mark no-shows once the event has started."),
    "event_cancelled": _l("This event was cancelled."),
    "event_not_found": _l("We could not find this event."),
    "code_other_event": _l("This code is for a different event. Ask the family which event they registered for."),
    "arrived_adults_out_of_range": _l("Please enter between 0 and %(max)s adults."),
    "arrived_children_out_of_range": _l("Please enter between 0 and %(max)s children."),
    "nobody_arrived": _l("At least one person must have come. If nobody came, do not check the family in."),
    "client_key_invalid": _l("This request could not be matched. Please reload the page and try again."),
    "already_registered": _l("A family with this phone number is already registered for this event. "
                             "Find them in the list to check them in."),
}


def door_message(code, **params):
    """The sentence for a service's error code, for front-desk staff."""
    params = {key: value for key, value in params.items() if key in ("max", "capacity", "children", "party", "places")}
    if code not in DOOR_MESSAGES and (code in ERROR_MESSAGES or code in COUNTED_MESSAGES):
        return error_message(code, **params)
    message = DOOR_MESSAGES.get(code, DOOR_MESSAGES["registration_not_found"])
    return str(message) % params if "%(" in str(message) else str(message)
