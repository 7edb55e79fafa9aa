"""The front desk's pages: today's events, the check-in screen, walk-ins,
no-shows.

Every page works without JavaScript (plain forms, Post/Redirect/Get). The
page's script (static/frontdesk.js) posts the same actions as JSON and gets
JSON back (api.py); it keeps the event's list to search and check in while
offline, and replays what it queued with its client_key."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import ngettext

from ..auth.access import FRONTDESK_STAFF, staff_required
from ..models import Attendance, RegistrationStatus, utcnow
from ..services import checkin as service
from ..services.search import search
from ..services.seats import confirmed_people, seats, seats_for
from ..services.windows import checkin_open
from ..views import page_number, posted_form, service_call, status_for
from . import api, bp
from .forms import ArrivedForm, ClientKeyForm, WalkInForm
from .lookups import (
    desk_staff,
    entries,
    frontdesk_event_or_404,
    refusal_text,
    registration_or_404,
    staff_name,
    walk_in_details,
)
from .presenters import family_entry, frontdesk_event, outcome_text, over_capacity_text, script_strings

PER_PAGE = 100


@bp.after_request
def keep_out_of_caches(response):
    """Families' names and needs: never kept by a shared browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _entry(registration, event):
    name = None
    if registration.attendance == Attendance.ATTENDED:
        name = staff_name(service.last_check_in(registration.id))
    return family_entry(registration, event, name)


def _flash_result(result, event):
    flash(outcome_text(result, event.school.tz, staff_name(result.checkin)),
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
        event=frontdesk_event(event, counts, checkin_open(event, now)),
        strings=script_strings(event),
        walk_in_form=WalkInForm(event, meta={"csrf": False}, formdata=None),
    )


# -- pages ------------------------------------------------------------------------------

@bp.get("/")
@staff_required(*FRONTDESK_STAFF)
def today():
    now = utcnow()
    events = service.frontdesk_events(g.school, now)
    counts = seats_for(events)
    return render_template("frontdesk/today.html", events=[
        frontdesk_event(event, counts[event.id], checkin_open(event, now)) for event in events
    ])


@bp.get("/events/<int:event_id>")
@staff_required(*FRONTDESK_STAFF)
def event(event_id):
    event = frontdesk_event_or_404(event_id)
    query = (request.args.get("q") or "").strip()
    page = page_number()
    if query:
        results = search(event.id, query)
        registrations, more = results.registrations, results.more
    else:
        registrations, more = service.roster_page(event.id, page, PER_PAGE)
    return render_template(
        "frontdesk/event.html", query=query, page=page, more=more,
        families=entries(registrations, event), **_screen(event, utcnow()),
    )


@bp.get("/events/<int:event_id>/registrations/<int:registration_id>")
@staff_required(*FRONTDESK_STAFF)
def family(event_id, registration_id):
    event = frontdesk_event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    return _family_page(event, registration, ArrivedForm(meta={"csrf": False}, formdata=None))


def _family_page(event, registration, form, status=200):
    admitting = registration.status == RegistrationStatus.WAITLISTED
    people_after_admit = confirmed_people(event.id) + registration.party_size if admitting else None
    return render_template(
        "frontdesk/family.html", family=_entry(registration, event), form=form,
        people_after_admit=people_after_admit, **_screen(event, utcnow()),
    ), status


# -- changes ---------------------------------------------------------------------------

@bp.post("/events/<int:event_id>/scan")
@staff_required(*FRONTDESK_STAFF)
def scan(event_id):
    """Enter in the search box: a check-in code of this event checks the
    family in at once (a scanner types the code and Enter); anything else
    is a search."""
    event = frontdesk_event_or_404(event_id)
    if request.is_json:
        return api.scan(event)
    text = (request.form.get("q") or "").strip()
    with service_call(say=refusal_text, flash_category="error") as call:
        result = service.scan(event, text, desk_staff(), utcnow(), client_key=request.form.get("client_key"))
    if not call.succeeded:
        return redirect(url_for(".event", event_id=event.id))
    if result is None:
        return redirect(url_for(".event", event_id=event.id, q=text or None))
    _flash_result(result, event)
    return redirect(_family_url(event, result.registration))


def _frontdesk_action(event, registration_id, action, form_class=ArrivedForm):
    """Check in, admit or undo. A refusal about a number typed shows on the
    family's page, next to that number; any other is flashed."""
    if request.is_json:
        return api.frontdesk_action(event, registration_id, action, form_class)
    form = form_class(meta={"csrf": False})
    if not form.validate():
        return _family_page(event, registration_or_404(event, registration_id), form, status=422)
    with service_call(form, say=refusal_text, flash_category="error", flash_unless_on_form=True) as call:
        result = action(event, registration_id, desk_staff(), utcnow(), client_key=form.client_key.data or None,
                        **form.arrived_counts())
    if call.succeeded:
        _flash_result(result, event)
        return redirect(_family_url(event, result.registration))
    registration = registration_or_404(event, registration_id)
    if call.error.field in form:
        return _family_page(event, registration, form, status=422)
    return redirect(_family_url(event, registration))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/checkin")
@staff_required(*FRONTDESK_STAFF)
def check_in(event_id, registration_id):
    return _frontdesk_action(frontdesk_event_or_404(event_id), registration_id, service.check_in)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/admit")
@staff_required(*FRONTDESK_STAFF)
def admit(event_id, registration_id):
    return _frontdesk_action(frontdesk_event_or_404(event_id), registration_id, service.admit)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/undo")
@staff_required(*FRONTDESK_STAFF)
def undo(event_id, registration_id):
    return _frontdesk_action(frontdesk_event_or_404(event_id), registration_id, service.undo_check_in,
                        form_class=ClientKeyForm)


@bp.route("/events/<int:event_id>/walk-in", methods=["GET", "POST"])
@staff_required(*FRONTDESK_STAFF)
def walk_in(event_id):
    event = frontdesk_event_or_404(event_id)
    if request.method == "POST" and request.is_json:
        return api.walk_in(event)
    form = WalkInForm(event, meta={"csrf": False}, formdata=posted_form())
    if request.method == "POST" and form.validate():
        with service_call(form, say=refusal_text) as call:
            result = service.walk_in(event, walk_in_details(form, event), desk_staff(), utcnow(),
                                     client_key=form.client_key.data or None)
        if call.succeeded:
            _flash_result(result, event)
            return redirect(_family_url(event, result.registration))
    screen = _screen(event, utcnow())
    screen["walk_in_form"] = form
    return render_template("frontdesk/walk_in.html", **screen), status_for(form)


@bp.route("/events/<int:event_id>/no-shows", methods=["GET", "POST"])
@staff_required(*FRONTDESK_STAFF)
def no_shows(event_id):
    """After the event: everyone confirmed and not checked in is a no-show."""
    event = frontdesk_event_or_404(event_id)
    now = utcnow()
    if request.method == "POST":
        with service_call(say=refusal_text, flash_category="error") as call:
            marked = service.mark_no_shows(event, desk_staff(), now)
        if call.succeeded:
            flash(ngettext("%(num)d family is marked as a no-show.", "%(num)d families are marked as no-shows.",
                           marked), "success")
            return redirect(url_for(".event", event_id=event.id))
    counts = seats(event)
    return render_template("frontdesk/no_shows.html", event=frontdesk_event(event, counts, checkin_open(event, now)),
                           started=now >= event.starts_at), status_for()
