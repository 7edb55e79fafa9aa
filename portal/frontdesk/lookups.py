"""What the front desk's pages and its JSON answers both look up: the event
at the door, one of its families, the staff member at the desk, and a
service's refusal in the desk's words."""
from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import FRONT_DESK
from ..extensions import db
from ..models import Event, EventStatus, Registration, utcnow
from ..services import checkin as service
from ..views import event_of_my_school_or_404
from ..wording import frontdesk_message
from .presenters import family_entry, other_event_text


def frontdesk_event_or_404(event_id):
    """An event of the user's school, not a draft; for the front desk, only
    the door's events (today's and tomorrow's): no other list of families."""
    event = event_of_my_school_or_404(event_id)
    if event.status == EventStatus.DRAFT:
        abort(404)
    if current_user.role == FRONT_DESK and not service.is_frontdesk_event(event, utcnow()):
        abort(404)
    return event


def registration_or_404(event, registration_id):
    return db.first_or_404(select(Registration).filter_by(id=registration_id, event_id=event.id))


def desk_staff():
    return current_user._get_current_object()


def staff_name(checkin):
    return checkin.staff.name if checkin is not None and checkin.staff is not None else None


def entries(registrations, event, present=family_entry):
    names = service.check_in_staff(event.id, [registration.id for registration in registrations])
    return [present(registration, event, names.get(registration.id)) for registration in registrations]


def refusal_text(error):
    """A check-in refusal for the desk; a code of another event names that event."""
    if error.code == "code_other_event" and error.params.get("other_event_id"):
        other = db.session.get(Event, error.params["other_event_id"])
        if other is not None and other.status != EventStatus.DRAFT:
            return other_event_text(other)
    return frontdesk_message(error.code, **error.params)


def walk_in_details(form, event):
    return form.details(event.school.default_language, current_app.config["PORTAL_LANGUAGES"])
