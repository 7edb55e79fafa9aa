"""The front desk: today's events, the check-in screen, walk-ins, no-shows.

Every page works without JavaScript (plain forms, Post/Redirect/Get). The
page's script (static/frontdesk.js) posts the same actions as JSON with the
X-CSRFToken header and gets JSON back; it keeps the event's list to search
and check in while offline, and replays what it queued with its client_key."""
from datetime import datetime

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .. import error_page
from ..auth.access import DOOR_STAFF, FRONT_DESK, school_event_or_404, staff_required
from ..extensions import db
from ..models import Attendance, Event, EventStatus, Registration, RegistrationStatus, utcnow
from ..services import checkin as service
from ..services.errors import DomainError
from ..services.search import search
from ..services.seats import confirmed_people, seats, seats_for
from ..services.windows import door_open
from . import bp
from .forms import ArrivedForm, ClientKeyForm, WalkInForm, door_form, json_body
from .messages import door_message
from .presenters import (
    counts_dict,
    door_event,
    family_entry,
    other_event_text,
    outcome_text,
    over_capacity_text,
    script_entry,
    script_strings,
)

PER_PAGE = 100


# -- helpers ---------------------------------------------------------------------------

def _event_or_404(event_id):
    """An event of the user's school, not a draft; for the front desk, only
    the door's events (today's and tomorrow's): no other list of families."""
    event = school_event_or_404(event_id)
    if event.status == EventStatus.DRAFT:
        abort(404)
    if current_user.role == FRONT_DESK and not service.is_door_event(event, utcnow()):
        abort(404)
    return event


def _registration_or_404(event, registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _staff():
    return current_user._get_current_object()


def _wants_json():
    return request.is_json


def _staff_name(checkin):
    return checkin.staff.name if checkin is not None and checkin.staff is not None else None


def _entry(registration, event, checkin=None):
    name = None
    if registration.attendance == Attendance.ATTENDED:
        if checkin is None:
            checkin = service.last_check_in(registration.id)
        name = _staff_name(checkin)
    return family_entry(registration, event, name)


def _entries(registrations, event, present=family_entry):
    names = service.check_in_staff(event.id, [registration.id for registration in registrations])
    return [present(registration, event, names.get(registration.id)) for registration in registrations]


def _error_message(error, event=None):
    if error.code == "code_other_event" and error.params.get("other_event_id"):
        other = db.session.get(Event, error.params["other_event_id"])
        if other is not None and other.status != EventStatus.DRAFT:
            return other_event_text(other)
    return door_message(error.code, **error.params)


def _json_error(error, event=None, status=422):
    return jsonify(ok=False, code=error.code, field=error.field, message=_error_message(error, event)), status


def _form_errors_json(form):
    errors = {form[name].name: [str(message) for message in messages] for name, messages in form.errors.items()}
    first = next(iter(errors.values()))[0] if errors else _("Please check the answers marked below.")
    return jsonify(ok=False, code="invalid", errors=errors, message=first), 422


def _result_json(result, event):
    counts = seats(event)
    staff_name = _staff_name(result.checkin)
    return jsonify(
        ok=True,
        outcome=result.outcome,
        replayed=result.replayed,
        message=outcome_text(result, event.school.tz, staff_name),
        warning=over_capacity_text(counts) if result.over_capacity else None,
        registration=script_entry(result.registration, event, staff_name),
        counts=counts_dict(counts),
    )


def _flash_result(result, event):
    flash(outcome_text(result, event.school.tz, _staff_name(result.checkin)),
          "warning" if result.outcome == "already_checked_in" else "success")
    if result.over_capacity:
        flash(over_capacity_text(seats(event)), "warning")


def _family_url(event, registration):
    return url_for(".family", event_id=event.id, registration_id=registration.id)


def _screen(event, now):
    """What every check-in page shows at its top: the event, its counts,
    the search box, and what the page's script needs."""
    counts = seats(event)
    return dict(
        event=door_event(event, counts, door_open(event, now)),
        strings=script_strings(event),
        walk_in_form=WalkInForm(event, meta={"csrf": False}, formdata=None),
    )


@bp.after_request
def keep_out_of_caches(response):
    """Families' names and needs: never kept by a shared browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(CSRFError)
def csrf_failed(_error):
    """The script's posts get a JSON answer it understands (reload the page)."""
    if _wants_json():
        return jsonify(ok=False, code="csrf", message=_("This page is out of date. Please reload it.")), 400
    return error_page("csrf", 400)


# -- pages ------------------------------------------------------------------------------

@bp.get("/")
@staff_required(*DOOR_STAFF)
def today():
    now = utcnow()
    events = service.door_events(g.school, now)
    counts = seats_for(events)
    return render_template("frontdesk/today.html", events=[
        door_event(event, counts[event.id], door_open(event, now)) for event in events
    ])


@bp.get("/events/<int:event_id>")
@staff_required(*DOOR_STAFF)
def event(event_id):
    event = _event_or_404(event_id)
    now = utcnow()
    query = (request.args.get("q") or "").strip()
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) < 5 and 0 < int(page) < 10_000 else 1
    if query:
        results = search(event.id, query)
        registrations, more = results.registrations, results.more
    else:
        registrations, more = service.roster_page(event.id, page, PER_PAGE)
    return render_template(
        "frontdesk/event.html", query=query, page=page, more=more,
        families=_entries(registrations, event), **_screen(event, now),
    )


@bp.get("/events/<int:event_id>/registrations/<int:registration_id>")
@staff_required(*DOOR_STAFF)
def family(event_id, registration_id):
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    return _family_page(event, registration, ArrivedForm(meta={"csrf": False}, formdata=None))


def _family_page(event, registration, form, status=200):
    now = utcnow()
    screen = _screen(event, now)
    admitting = registration.status == RegistrationStatus.WAITLISTED
    people_after_admit = confirmed_people(event.id) + registration.party_size if admitting else None
    return render_template(
        "frontdesk/family.html", family=_entry(registration, event), form=form,
        people_after_admit=people_after_admit, **screen,
    ), status


# -- scanning and searching -------------------------------------------------------------

@bp.post("/events/<int:event_id>/scan")
@staff_required(*DOOR_STAFF)
def scan(event_id):
    """Enter in the search box: a check-in code of this event checks the
    family in at once (a scanner types the code and Enter); anything else
    is a search."""
    event = _event_or_404(event_id)
    body = json_body()
    data = body if body is not None else request.form
    text = (data.get("q") or "").strip()
    try:
        result = service.scan(event, text, _staff(), utcnow(), client_key=data.get("client_key"))
    except DomainError as error:
        db.session.rollback()
        if body is not None:
            return _json_error(error, event)
        flash(_error_message(error, event), "error")
        return redirect(url_for(".event", event_id=event.id))
    if result is None:
        if body is not None:
            return _search_json(event, text, outcome="search")
        return redirect(url_for(".event", event_id=event.id, q=text) if text else url_for(".event", event_id=event.id))
    db.session.commit()
    if body is not None:
        return _result_json(result, event)
    _flash_result(result, event)
    return redirect(_family_url(event, result.registration))


def _search_json(event, text, outcome=None):
    results = search(event.id, text)
    payload = dict(query=text, registrations=_entries(results.registrations, event, script_entry), more=results.more)
    if outcome:
        payload.update(ok=True, outcome=outcome)
    return jsonify(payload)


@bp.get("/events/<int:event_id>/search.json")
@staff_required(*DOOR_STAFF)
def search_json(event_id):
    event = _event_or_404(event_id)
    return _search_json(event, (request.args.get("q") or "").strip())


@bp.get("/events/<int:event_id>/counts.json")
@staff_required(*DOOR_STAFF)
def counts_json(event_id):
    event = _event_or_404(event_id)
    return jsonify(counts=counts_dict(seats(event)), stamp=service.changes_stamp(event.id))


@bp.get("/events/<int:event_id>/roster.json")
@staff_required(*DOOR_STAFF)
def roster_json(event_id):
    """The whole list, for the page to keep (search and check-in offline);
    with ?since=<time>, only the families changed since then."""
    event = _event_or_404(event_id)
    now = utcnow()
    since = _parse_since(request.args.get("since"))
    stamp = service.changes_stamp(event.id)
    registrations = service.roster(event.id, changed_since=since)
    return jsonify(
        event_id=event.id, full=since is None, stamp=stamp, now=now.isoformat(),
        door_open=door_open(event, now),
        counts=counts_dict(seats(event)),
        registrations=_entries(registrations, event, script_entry),
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


# -- changes ---------------------------------------------------------------------------

def _door_action(event, registration_id, action, form_class=ArrivedForm):
    """Check in, admit or undo, from a form or from JSON."""
    form = door_form(form_class)
    body = json_body()
    if not form.validate():
        db.session.rollback()
        if body is not None:
            return _form_errors_json(form)
        registration = _registration_or_404(event, registration_id)
        return _family_page(event, registration, form, status=422)
    numbers = {}
    if form_class is ArrivedForm:
        numbers = dict(adults=form.adults.data, children=form.children.data)
    try:
        result = action(event, registration_id, _staff(), utcnow(), client_key=form.client_key.data or None,
                        **numbers)
    except DomainError as error:
        db.session.rollback()
        if body is not None:
            return _json_error(error, event)
        registration = _registration_or_404(event, registration_id)
        if error.field and form_class is ArrivedForm and error.field in form:
            form.add_error(error.field, _error_message(error, event))
            return _family_page(event, registration, form, status=422)
        flash(_error_message(error, event), "error")
        return redirect(_family_url(event, registration))
    db.session.commit()
    if body is not None:
        return _result_json(result, event)
    _flash_result(result, event)
    return redirect(_family_url(event, result.registration))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/checkin")
@staff_required(*DOOR_STAFF)
def check_in(event_id, registration_id):
    return _door_action(_event_or_404(event_id), registration_id, service.check_in)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/admit")
@staff_required(*DOOR_STAFF)
def admit(event_id, registration_id):
    return _door_action(_event_or_404(event_id), registration_id, service.admit)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/undo")
@staff_required(*DOOR_STAFF)
def undo(event_id, registration_id):
    return _door_action(_event_or_404(event_id), registration_id, service.undo_check_in,
                        form_class=ClientKeyForm)


@bp.route("/events/<int:event_id>/walk-in", methods=["GET", "POST"])
@staff_required(*DOOR_STAFF)
def walk_in(event_id):
    event = _event_or_404(event_id)
    now = utcnow()
    body = json_body()
    form = door_form(WalkInForm, event=event) if request.method == "POST" else \
        WalkInForm(event, meta={"csrf": False}, formdata=None)
    if request.method == "POST" and form.validate():
        details = form.details(event.school.default_language, current_app.config["PORTAL_LANGUAGES"])
        try:
            result = service.walk_in(event, details, _staff(), now, client_key=form.client_key.data or None)
        except DomainError as error:
            db.session.rollback()
            if body is not None:
                return _json_error(error, event)
            form.add_error(error.field if error.field in form else None, _error_message(error, event))
        else:
            db.session.commit()
            if body is not None:
                return _result_json(result, event)
            _flash_result(result, event)
            return redirect(_family_url(event, result.registration))
    elif request.method == "POST" and body is not None:
        return _form_errors_json(form)
    screen = _screen(event, now)
    screen["walk_in_form"] = form
    return render_template("frontdesk/walk_in.html", **screen), 422 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>/no-shows", methods=["GET", "POST"])
@staff_required(*DOOR_STAFF)
def no_shows(event_id):
    """After the event: everyone confirmed and not checked in is a no-show."""
    event = _event_or_404(event_id)
    now = utcnow()
    if request.method == "POST":
        try:
            marked = service.mark_no_shows(event, _staff(), now)
        except DomainError as error:
            db.session.rollback()
            flash(_error_message(error, event), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d family is marked as a no-show.", "%(num)d families are marked as no-shows.",
                           marked), "success")
            return redirect(url_for(".event", event_id=event.id))
    counts = seats(event)
    return render_template("frontdesk/no_shows.html", event=door_event(event, counts, door_open(event, now)),
                           started=now >= event.starts_at), 422 if request.method == "POST" else 200
