"""The households not yet reached: per event (with the call list and its
call forms), for the school year, and the report of who the school reaches."""
import csv
import io

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import ORGANIZERS, staff_required
from ..clock import school_day
from ..extensions import db
from ..i18n import format_moment, language_name
from ..models import GRADES, CallResult, Registration, RegistrationStatus, utcnow
from ..services import reach, seats
from ..views import day_arg, event_of_my_school_or_404, period_args, service_call
from ..vocabulary import GRADE_NAMES, ReachStatus
from . import bp
from .export import neutralize
from .reach_forms import call_form
from .views import _view

MAX_LANGUAGE_CODE = 8


def _filters(default_status=None):
    """The list's filters from the query string; anything unknown is no filter."""
    grade = request.args.get("grade") or None
    language = (request.args.get("language") or "")[:MAX_LANGUAGE_CODE] or None
    status = request.args.get("status", default_status) or None
    allowed = (*ReachStatus.values(), reach.NOT_REACHED_FILTER)
    return {"grade": grade if grade in GRADES else None, "language": language,
            "status": status if status in allowed else None}


def _csv_response(rows, filename):
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark tells Excel this is UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralize(value) for value in row])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


# -- one event ----------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/reach")
@staff_required(*ORGANIZERS)
def event_reach(event_id):
    event = event_of_my_school_or_404(event_id)
    filters = _filters()
    everyone = reach.event_standings(event)
    return render_template(
        "reach/event.html", event=_view(event), filters=filters,
        standings=reach.filter_standings(everyone, **filters), counts=reach.status_counts(everyone),
        languages=reach.standing_languages(everyone), not_reached_filter=reach.NOT_REACHED_FILTER,
    )


def _call_list(event, failed=None, status=200):
    filters = _filters(default_status=reach.NOT_REACHED_FILTER)
    everyone = reach.event_standings(event)
    standings = reach.filter_standings(everyone, **filters)
    forms = {standing.household.id: call_form(standing.household.id) for standing in standings}
    if failed is not None:
        household_id, form = failed
        forms[household_id] = form
        if all(standing.household.id != household_id for standing in standings):
            # The form in trouble shows first, even when the filters would hide its household.
            standings = [standing for standing in everyone if standing.household.id == household_id] + standings
    return render_template(
        "reach/calls.html", event=_view(event), filters=filters, standings=standings, forms=forms,
        languages=reach.standing_languages(everyone), not_reached_filter=reach.NOT_REACHED_FILTER,
    ), status


@bp.get("/events/<int:event_id>/calls")
@staff_required(*ORGANIZERS)
def call_list(event_id):
    return _call_list(event_of_my_school_or_404(event_id))


@bp.post("/events/<int:event_id>/calls/<int:household_id>")
@staff_required(*ORGANIZERS)
def record_call(event_id, household_id):
    event = event_of_my_school_or_404(event_id)
    household = reach.household_for_call(event, household_id) or abort(404)
    form = call_form(household.id, formdata=request.form)
    if form.validate():
        with service_call(form) as recorded:
            call = reach.record_call(event, household, current_user, form.outcome.data, utcnow(),
                                     reason=form.reason.data or None, note=form.note.data)
        if recorded.succeeded:
            flash(_called_message(household, call), "success")
            return redirect(url_for("organizer.call_list", event_id=event.id, **request.args.to_dict()))
    return _call_list(event, failed=(household.id, form), status=422)


def _called_message(household, call):
    if call.outcome == CallResult.REACHED_COMING:
        registration = db.session.get(Registration, call.registration_id)
        if registration.status == RegistrationStatus.WAITLISTED:
            return _("%(name)s is on the waitlist: number %(position)s in line.", name=household.name,
                     position=seats.waitlist_position(registration))
        return _("%(name)s is registered.", name=household.name)
    return _("The call to %(name)s is recorded.", name=household.name)


# -- the school year ------------------------------------------------------------------------

def _not_reached():
    since = day_arg("since", reach.school_year_start(school_day(utcnow(), g.school.tz)))
    filters = _filters()
    return reach.not_reached(g.school, since, grade=filters["grade"], language=filters["language"]), filters


@bp.get("/not-reached")
@staff_required(*ORGANIZERS)
def not_reached():
    result, filters = _not_reached()
    return render_template("reach/not_reached.html", result=result, filters=filters)


@bp.get("/not-reached.csv")
@staff_required(*ORGANIZERS)
def not_reached_csv():
    result, _filters_used = _not_reached()
    tz = g.school.tz
    rows = [[_("Household"), _("Home language"), _("Phone number"), _("Email"), _("Children"), _("Grades"),
             _("Invitations sent"), _("Last invitation"), _("Calls"), _("Last call")]]
    for row in result.households:
        household = row.household
        rows.append([
            household.name, language_name(household.language), household.phone or "", household.email or "",
            ", ".join(student.name for student in row.children),
            ", ".join(str(GRADE_NAMES[grade]) for grade in sorted({s.grade for s in row.children}, key=GRADES.index)),
            row.invitations, format_moment(row.last_invited_at, tz) if row.last_invited_at else "",
            row.calls,
            f"{format_moment(row.last_call.created_at, tz)} {CallResult(row.last_call.outcome).label}"
            if row.last_call else "",
        ])
    return _csv_response(rows, f"not-reached-since-{result.since.isoformat()}.csv")


# -- who the school reaches --------------------------------------------------------------------

def _school_reach():
    start, end, problem = period_args(*reach.school_year(school_day(utcnow(), g.school.tz)))
    return reach.school_reach(g.school, start, end), problem


def percent(share):
    return None if share is None else round(share * 100)


@bp.get("/reports/reach")
@staff_required(*ORGANIZERS)
def reach_report():
    report, problem = _school_reach()
    return render_template("reach/report.html", report=report, problem=problem, percent=percent)


@bp.get("/reports/reach.csv")
@staff_required(*ORGANIZERS)
def reach_report_csv():
    report, _problem = _school_reach()
    rows = [[_("Group"), _("Households on the roster"), _("Invited"), _("Registered"), _("Came"),
             _("Registered, share of the roster (%)"), _("Came, share of the roster (%)"),
             _("Registered, share of those invited (%)"), _("Came, share of those invited (%)")]]
    groups = [(_("All households"), report.total)]
    groups += [(language_name(row.key), row) for row in report.by_language]
    groups += [(str(GRADE_NAMES[row.key]), row) for row in report.by_grade]
    for name, row in groups:
        rows.append([name, row.households, row.invited, row.registered, row.came,
                     *["" if share is None else percent(share) for share in (
                         row.registered_share, row.came_share, row.invited_registered_share,
                         row.invited_came_share)]])
    return _csv_response(rows, f"reach-{report.start.isoformat()}-{report.end.isoformat()}.csv")
