"""The front desk's JSON: what the page's script (static/frontdesk.js)
reads (the list to keep offline, searches, counts) and the answers to the
actions it posts as JSON with the X-CSRFToken header (scan, check in, admit,
undo, walk in). The same URLs answer plain forms from views.py."""
from datetime import datetime

from flask import jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..auth.access import FRONTDESK_STAFF, staff_required
from ..error_pages import error_page
from ..models import utcnow
from ..services import checkin as service
from ..services.search import search
from ..services.seats import seats
from ..services.windows import checkin_open
from ..views import service_call
from . import bp
from .forms import WalkInForm, json_body
from .lookups import desk_staff, entries, frontdesk_event_or_404, refusal_text, staff_name, walk_in_details
from .presenters import counts_dict, outcome_text, over_capacity_text, script_entry


@bp.errorhandler(CSRFError)
def csrf_failed(_error):
    """The script's posts get a JSON answer it understands (reload the page)."""
    if request.is_json:
        return jsonify(ok=False, code="csrf", message=_("This page is out of date. Please reload it.")), 400
    return error_page("csrf", 400)


# -- reading -----------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/search.json")
@staff_required(*FRONTDESK_STAFF)
def search_json(event_id):
    event = frontdesk_event_or_404(event_id)
    return search_answer(event, (request.args.get("q") or "").strip())


@bp.get("/events/<int:event_id>/counts.json")
@staff_required(*FRONTDESK_STAFF)
def counts_json(event_id):
    event = frontdesk_event_or_404(event_id)
    return jsonify(counts=counts_dict(seats(event)), stamp=service.changes_stamp(event.id))


@bp.get("/events/<int:event_id>/roster.json")
@staff_required(*FRONTDESK_STAFF)
def roster_json(event_id):
    """The whole list, for the page to keep (search and check-in offline);
    with ?since=<time>, only the families changed since then."""
    event = frontdesk_event_or_404(event_id)
    now = utcnow()
    since = _parse_since(request.args.get("since"))
    stamp = service.changes_stamp(event.id)
    registrations = service.roster(event.id, changed_since=since)
    return jsonify(
        event_id=event.id, full=since is None, stamp=stamp, now=now.isoformat(),
        checkin_open=checkin_open(event, now),
        counts=counts_dict(seats(event)),
        registrations=entries(registrations, event, script_entry),
    )


def _parse_since(text):
    """The time the page last asked; anything else (or a time no page could
    have been given, like year 1) means "the whole list"."""
    if not text:
        return None
    try:
        since = datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None
    return since if since.year >= 2000 else None


def search_answer(event, text, outcome=None):
    results = search(event.id, text)
    payload = dict(query=text, registrations=entries(results.registrations, event, script_entry), more=results.more)
    if outcome:
        payload.update(ok=True, outcome=outcome)
    return jsonify(payload)


# -- the answers to the actions the script posts -----------------------------------------

def scan(event):
    """A check-in code of this event checks the family in; anything else is a search."""
    body = json_body()
    text = (body.get("q") or "").strip()
    with service_call(flash_category=None) as call:
        result = service.scan(event, text, desk_staff(), utcnow(), client_key=body.get("client_key"))
    if not call.succeeded:
        return refusal(call.error)
    if result is None:
        return search_answer(event, text, outcome="search")
    return result_answer(result, event)


def frontdesk_action(event, registration_id, action, form_class):
    """Check in, admit or undo."""
    form = form_class(formdata=json_body(), meta={"csrf": False})
    if not form.validate():
        return form_problems(form)
    with service_call(flash_category=None) as call:
        result = action(event, registration_id, desk_staff(), utcnow(), client_key=form.client_key.data or None,
                        **form.arrived_counts())
    return result_answer(result, event) if call.succeeded else refusal(call.error)


def walk_in(event):
    form = WalkInForm(event, formdata=json_body(), meta={"csrf": False})
    if not form.validate():
        return form_problems(form)
    with service_call(flash_category=None) as call:
        result = service.walk_in(event, walk_in_details(form, event), desk_staff(), utcnow(),
                                 client_key=form.client_key.data or None)
    return result_answer(result, event) if call.succeeded else refusal(call.error)


def refusal(error, status=422):
    return jsonify(ok=False, code=error.code, field=error.field, message=refusal_text(error)), status


def form_problems(form):
    errors = {form[name].name: [str(message) for message in messages] for name, messages in form.errors.items()}
    first = next(iter(errors.values()))[0] if errors else _("Please check the answers marked below.")
    return jsonify(ok=False, code="invalid", errors=errors, message=first), 422


def result_answer(result, event):
    counts = seats(event)
    name = staff_name(result.checkin)
    return jsonify(
        ok=True,
        outcome=result.outcome,
        replayed=result.replayed,
        message=outcome_text(result, event.school.tz, name),
        warning=over_capacity_text(counts) if result.over_capacity else None,
        registration=script_entry(result.registration, event, name),
        counts=counts_dict(counts),
    )
