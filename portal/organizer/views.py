"""The organizer's workspace: events, one event's dashboard, registrations,
printouts, the CSV export and reports. Views parse, call a service, render."""
from datetime import date, timedelta

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import ORGANIZERS, school_event_or_404, staff_required
from ..extensions import db
from ..forms import DayField, PortalForm
from ..i18n import current_language
from ..messages import CALL_RESULT_NAMES, error_message
from ..models import (
    Campaign,
    Event,
    EventStatus,
    MessageKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Source,
    utcnow,
)
from ..notifications.render import render
from ..notifications.sms import segments
from ..presenters import event_view
from ..public.forms import registration_form
from ..services import campaigns, dashboard as planning, event_admin, registration as registration_service
from ..services.errors import DomainError
from ..services.events import places_for
from ..services.reports import school_report
from . import bp
from .export import registrations_csv
from .forms import add_service_error, campaign_form, event_form


def promoted_message(count):
    return ngettext("%(num)d waiting family now has a place.", "%(num)d waiting families now have a place.", count)


def _local(event_or_school):
    tz = event_or_school.tz if hasattr(event_or_school, "tz") else event_or_school.school.tz
    return lambda utc: event_admin.to_local(utc, tz)


def _view(event, now=None, places=None):
    places = places if places is not None else places_for([event])[event.id]
    return event_view(event, current_language(), places, now or utcnow())


@bp.get("/events")
@staff_required(*ORGANIZERS)
def events():
    now = utcnow()
    all_events = db.session.execute(
        select(Event).where(Event.school_id == current_user.school_id).order_by(Event.starts_at)
    ).scalars().all()
    groups = {
        "upcoming": [e for e in all_events if e.status == EventStatus.PUBLISHED and e.ends_at > now],
        "drafts": [e for e in all_events if e.status == EventStatus.DRAFT],
        "past": [e for e in all_events if e.status == EventStatus.PUBLISHED and e.ends_at <= now][::-1],
        "cancelled": [e for e in all_events if e.status == EventStatus.CANCELLED][::-1],
    }
    places = places_for(all_events)
    views = {e.id: _view(e, now, places[e.id]) for e in all_events}
    return render_template("organizer/events.html", groups=groups, views=views,
                           overview=planning.overview(all_events))


@bp.route("/events/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def new_event():
    form = event_form(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            event = event_admin.create_event(current_user.school, current_user, form.details())
        except DomainError as error:
            db.session.rollback()
            add_service_error(form, error)
        else:
            db.session.commit()
            flash(_("The event is saved as a draft. Publish it when it is ready for families."), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/event_form.html", form=form, event=None,
                           default_language=g.school.default_language), 422 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def edit_event(event_id):
    event = school_event_or_404(event_id)
    form = event_form(formdata=request.form if request.method == "POST" else None, event=event,
                      local=_local(event))
    if request.method == "POST" and form.validate():
        try:
            change = event_admin.update_event(event.id, form.details(), utcnow())
        except DomainError as error:
            db.session.rollback()
            add_service_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            if change.promoted:
                flash(promoted_message(len(change.promoted)), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/event_form.html", form=form, event=event,
                           default_language=g.school.default_language), 422 if request.method == "POST" else 200


@bp.post("/events/<int:event_id>/status")
@staff_required(*ORGANIZERS)
def change_status(event_id):
    event = school_event_or_404(event_id)
    action = request.form.get("action")
    now = utcnow()
    try:
        if action == "publish":
            event_admin.publish(event, now)
            message = _("Published: families can see the event and register.")
        elif action == "unpublish":
            event_admin.unpublish(event)
            message = _("The event is a draft again; families cannot see it.")
        elif action == "cancel":
            event_admin.cancel(event, now)
            message = _("The event is cancelled. Families who open their link will see that it was cancelled.")
        else:
            abort(400)
    except DomainError as error:
        db.session.rollback()
        flash(error_message(error.code, **error.params), "warning")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


@bp.post("/events/<int:event_id>/duplicate")
@staff_required(*ORGANIZERS)
def duplicate_event(event_id):
    event = school_event_or_404(event_id)
    copy = event_admin.duplicate(event, current_user)
    db.session.commit()
    flash(_("This is a copy, one week later, saved as a draft. Check the date and publish it."), "success")
    return redirect(url_for("organizer.edit_event", event_id=copy.id))


def _page_number():
    page = request.args.get("page", "1")
    return int(page) if page.isdecimal() and len(page) < 7 else 1


@bp.get("/events/<int:event_id>", endpoint="dashboard")
@staff_required(*ORGANIZERS)
def event_dashboard(event_id):
    event = school_event_or_404(event_id)
    filters = {
        "query": request.args.get("q", "")[:200],  # a name, a phone, an email or a code
        "status": request.args.get("status") or None,
        "need": request.args.get("need") or None,
        "sort": request.args.get("sort", "name"),
    }
    return render_template(
        "organizer/dashboard.html",
        event=_view(event),
        counts=planning.counts(event.id),
        needs=planning.needs_summary(event),
        reasons=planning.decline_reasons(event.id),
        notes=planning.decline_notes(event.id),
        table=planning.registrations_page(event.id, page=_page_number(), **filters),
        positions=planning.waitlist_positions(event.id),
        filters=filters,
        sent_campaigns=campaigns.event_campaigns(event.id),
        failed=campaigns.failed_messages(event.id),
        deliveries=campaigns.delivery_counts(event.id),
        bursts=_bursts(event),
    )


def _bursts(event):
    config = current_app.config
    return planning.bursts(event.id, config["BURST_MINUTES"], config["BURST_SIZE"])


def _burst_or_404(event, address_hash):
    config = current_app.config
    burst = planning.burst_from(event.id, address_hash, config["BURST_MINUTES"], config["BURST_SIZE"])
    return burst or abort(404)


@bp.get("/events/<int:event_id>/bursts/<address_hash>")
@staff_required(*ORGANIZERS)
def burst(event_id, address_hash):
    """What the organizer sees before cancelling a burst: every registration in it."""
    event = school_event_or_404(event_id)
    return render_template("organizer/burst.html", event=_view(event), burst=_burst_or_404(event, address_hash))


@bp.post("/events/<int:event_id>/bursts/<address_hash>/cancel")
@staff_required(*ORGANIZERS)
def cancel_burst(event_id, address_hash):
    event = school_event_or_404(event_id)
    burst = _burst_or_404(event, address_hash)
    cancelled, promoted = registration_service.cancel_burst(
        event.id, [registration.id for registration in burst.registrations], utcnow())
    db.session.commit()
    flash(ngettext("%(num)d registration is cancelled.", "%(num)d registrations are cancelled.", len(cancelled)),
          "success")
    if promoted:
        flash(promoted_message(len(promoted)), "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


def _event_registration_or_404(event, registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.route("/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def add_registration(event_id):
    """A family registered by phone: same rules, but after the deadline too."""
    event = school_event_or_404(event_id)
    form = registration_form(event, g.school.default_language, by_staff=True,
                             formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            registered = registration_service.register(event.id, form.details(), utcnow(), source=Source.STAFF,
                                                       submission_key=form.submission(),
                                                       enforce_deadline=False)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error.field, error_message(error.code, **_message_params(error)))
        else:
            db.session.commit()
            registration = registered.registration
            if registration.status == RegistrationStatus.CONFIRMED:
                flash(_("The family is registered."), "success")
            else:
                flash(_("The event is full, so the family is on the waitlist: number %(position)s in line.",
                        position=registration_service.waitlist_position(registration)), "warning")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/registration_form.html", form=form, event=_view(event),
                           registration=None), 422 if request.method == "POST" else 200


def _message_params(error):
    return {key: value for key, value in error.params.items() if key != "registration_id"}


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def edit_registration(event_id, registration_id):
    event = school_event_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    form = registration_form(event, g.school.default_language, registration=registration, by_staff=True,
                             formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            registration_service.update_registration(
                registration.id, form.details(), utcnow(), accept_waitlist=bool(form.accept_waitlist.data),
                enforce_deadline=False, by_staff=True)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error.field, error_message(error.code, **_message_params(error)))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/registration_form.html", form=form, event=_view(event),
                           registration=registration), 422 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def cancel_registration(event_id, registration_id):
    """Asks first (the page names the family and its size), then cancels."""
    event = school_event_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    if request.method == "GET" or not PortalForm().validate_on_submit():
        return render_template("organizer/cancel_registration.html", event=_view(event), registration=registration,
                               waiting=planning.counts(event.id).waitlisted_parties)
    promoted = registration_service.cancel_registration(registration.id, utcnow())
    db.session.commit()
    flash(_("The registration of %(name)s is cancelled. You can restore it from the table while its places are free.",
            name=registration.name), "success")
    if promoted:
        flash(promoted_message(len(promoted)), "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/restore")
@staff_required(*ORGANIZERS)
def restore_registration(event_id, registration_id):
    return _confirm_by_hand(event_id, registration_id, registration_service.restore_registration, lambda name: _(
        "The registration of %(name)s is restored: the family is confirmed again.", name=name))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/promote")
@staff_required(*ORGANIZERS)
def promote_registration(event_id, registration_id):
    return _confirm_by_hand(event_id, registration_id, registration_service.promote_by_hand,
                            lambda name: _("%(name)s now has a place.", name=name))


def _confirm_by_hand(event_id, registration_id, confirm, done):
    event = school_event_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    try:
        confirm(registration.id, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error_message(error.code, **error.params), "warning")
    else:
        db.session.commit()
        flash(done(registration.name), "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


@bp.get("/events/<int:event_id>/roster")
@staff_required(*ORGANIZERS)
def roster(event_id):
    event = school_event_or_404(event_id)
    rows = planning.registrations(event.id, status=RegistrationStatus.CONFIRMED, sort="name")
    return render_template("organizer/roster.html", event=_view(event), rows=rows,
                           waiting=registration_service.waitlist(event.id))


@bp.get("/events/<int:event_id>/needs-sheet")
@staff_required(*ORGANIZERS)
def needs_sheet(event_id):
    event = school_event_or_404(event_id)
    return render_template("organizer/needs_sheet.html", event=_view(event),
                           needs=planning.needs_summary(event),
                           rows=planning.registrations(event.id, status=RegistrationStatus.CONFIRMED, sort="name"))


@bp.get("/events/<int:event_id>/registrations.csv")
@staff_required(*ORGANIZERS)
def export(event_id):
    event = school_event_or_404(event_id)
    body = registrations_csv(event, planning.registrations(event.id, sort="oldest"))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-registrations.csv"',
        "Cache-Control": "no-store",
    })


def _date_arg(name, default):
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    return day if DayField.FIRST_YEAR <= day.year <= DayField.LAST_YEAR else default


@bp.get("/reports")
@staff_required(*ORGANIZERS)
def reports():
    now = utcnow()
    today = event_admin.to_local(now, g.school.tz).date()
    start = _date_arg("start", today - timedelta(days=90))
    end = _date_arg("end", today)
    problem = None
    if end < start:
        problem = _("The end of the period must be after its start.")
        start, end = end, start
    return render_template("organizer/reports.html", report=school_report(g.school, start, end, now),
                           problem=problem, call_result_names=CALL_RESULT_NAMES)


@bp.route("/events/<int:event_id>/messages/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def new_message(event_id):
    """Write, preview (with the number of families), then send."""
    event = school_event_or_404(event_id)
    form = campaign_form(formdata=request.form if request.method == "POST" else None)
    previews, recipients = [], None
    if request.method == "POST" and form.validate():
        try:
            if request.form.get("action") == "send":
                campaign = campaigns.send_campaign(event, current_user, form.texts(), form.audience(), utcnow())
                db.session.commit()
                flash(ngettext("Your message is on its way to %(num)d family.",
                               "Your message is on its way to %(num)d families.", campaign.recipients), "success")
                return redirect(url_for("organizer.dashboard", event_id=event.id))
            written = campaigns.check_texts(form.texts(), event.default_language)
            recipients = campaigns.audience(event.id, **form.audience())
            if not recipients:
                raise DomainError("campaign_no_recipients")
            previews = _previews(event, written, recipients)
        except DomainError as error:
            db.session.rollback()
            add_service_error(form, error)
    return render_template("organizer/message_form.html", form=form, event=_view(event), previews=previews,
                           recipients=recipients, default_language=g.school.default_language), \
        422 if request.method == "POST" and (form.errors or form.page_errors) else 200


def _previews(event, written, recipients):
    """One preview per language among the recipients, rendered exactly as
    the family will read it."""
    samples = {}
    for registration in recipients:
        samples.setdefault(registration.language, (registration, 0))
        sample, count = samples[registration.language]
        samples[registration.language] = (sample, count + 1)
    campaign = Campaign(event_id=event.id, texts=written, audience={})
    previews = []
    for language, (sample, count) in sorted(samples.items()):
        message = OutboxMessage(kind=MessageKind.ORGANIZER, channel="email", recipient="preview",
                                language=language, payload={})
        message.registration, message.campaign = sample, campaign
        rendered = render(message)
        previews.append({"language": language, "families": count, "fallback": language not in written,
                         "subject": rendered.subject, "text": rendered.text, "sms": rendered.sms,
                         "sms_parts": len(segments(rendered.sms))})
        db.session.expunge(message) if message in db.session else None
    if campaign in db.session:
        db.session.expunge(campaign)
    return previews
