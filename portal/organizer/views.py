"""The organizer's workspace: events, one event's dashboard, registrations,
printouts, the CSV export and reports. Views parse, call a service, render."""
from datetime import timedelta

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import ORGANIZERS, staff_required
from ..clock import school_day, to_local
from ..extensions import db
from ..forms import PortalForm
from ..i18n import current_language
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
from ..registration_form import registration_form
from ..services import campaigns, event_admin, planning, registration as registration_service, seats
from ..services.reports import school_report
from ..views import event_of_my_school_or_404, page_number, period_args, posted_form, service_call, status_for
from . import bp
from .export import registrations_csv
from .forms import campaign_form, event_form


def promoted_message(count):
    return ngettext("%(num)d waiting family now has a place.", "%(num)d waiting families now have a place.", count)


def _local(event_or_school):
    tz = event_or_school.tz if hasattr(event_or_school, "tz") else event_or_school.school.tz
    return lambda utc: to_local(utc, tz)


def _view(event, now=None, places=None):
    places = places if places is not None else seats.seats_for([event])[event.id]
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
    places = seats.seats_for(all_events)
    views = {e.id: _view(e, now, places[e.id]) for e in all_events}
    return render_template("organizer/events.html", groups=groups, views=views,
                           overview=planning.overview(all_events))


@bp.route("/events/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def new_event():
    form = event_form(formdata=posted_form())
    if request.method == "POST" and form.validate():
        with service_call(form) as call:
            event = event_admin.create_event(current_user.school, current_user, form.details())
        if call.succeeded:
            flash(_("The event is saved as a draft. Publish it when it is ready for families."), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/event_form.html", form=form, event=None,
                           default_language=g.school.default_language), status_for(form)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def edit_event(event_id):
    event = event_of_my_school_or_404(event_id)
    form = event_form(formdata=posted_form(), event=event, local=_local(event))
    if request.method == "POST" and form.validate():
        with service_call(form) as call:
            change = event_admin.update_event(event.id, form.details(), utcnow())
        if call.succeeded:
            flash(_("Saved."), "success")
            if change.promoted:
                flash(promoted_message(len(change.promoted)), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/event_form.html", form=form, event=event,
                           default_language=g.school.default_language), status_for(form)


@bp.post("/events/<int:event_id>/status")
@staff_required(*ORGANIZERS)
def change_status(event_id):
    event = event_of_my_school_or_404(event_id)
    action, now = request.form.get("action"), utcnow()
    if action not in ("publish", "unpublish", "cancel"):
        abort(400)
    with service_call() as call:
        if action == "publish":
            event_admin.publish(event, now)
            message = _("Published: families can see the event and register.")
        elif action == "unpublish":
            event_admin.unpublish(event)
            message = _("The event is a draft again; families cannot see it.")
        else:
            event_admin.cancel(event, now)
            message = _("The event is cancelled. Families who open their link will see that it was cancelled.")
    if call.succeeded:
        flash(message, "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


@bp.post("/events/<int:event_id>/duplicate")
@staff_required(*ORGANIZERS)
def duplicate_event(event_id):
    event = event_of_my_school_or_404(event_id)
    copy = event_admin.duplicate(event, current_user)
    db.session.commit()
    flash(_("This is a copy, one week later, saved as a draft. Check the date and publish it."), "success")
    return redirect(url_for("organizer.edit_event", event_id=copy.id))


@bp.get("/events/<int:event_id>", endpoint="dashboard")
@staff_required(*ORGANIZERS)
def event_dashboard(event_id):
    event = event_of_my_school_or_404(event_id)
    filters = {
        "query": request.args.get("q", "")[:200],  # a name, a phone, an email or a code
        "status": request.args.get("status") or None,
        "need": request.args.get("need") or None,
        "sort": request.args.get("sort", "name"),
    }
    return render_template(
        "organizer/dashboard.html",
        event=_view(event),
        counts=seats.seats(event),
        needs=planning.needs_summary(event),
        reasons=planning.decline_reasons(event.id),
        notes=planning.decline_notes(event.id),
        table=planning.registrations_page(event.id, page=page_number(limit=1_000_000), **filters),
        positions=seats.waitlist_positions(event.id),
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
    event = event_of_my_school_or_404(event_id)
    return render_template("organizer/burst.html", event=_view(event), burst=_burst_or_404(event, address_hash))


@bp.post("/events/<int:event_id>/bursts/<address_hash>/cancel")
@staff_required(*ORGANIZERS)
def cancel_burst(event_id, address_hash):
    event = event_of_my_school_or_404(event_id)
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
    return db.first_or_404(select(Registration).filter_by(id=registration_id, event_id=event.id))


@bp.route("/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def add_registration(event_id):
    """A family registered by phone: same rules, but after the deadline too."""
    event = event_of_my_school_or_404(event_id)
    form = registration_form(event, g.school.default_language, by_staff=True, formdata=posted_form())
    if request.method == "POST" and form.validate():
        with service_call(form) as call:
            registered = registration_service.register(event.id, form.details(), utcnow(), source=Source.STAFF,
                                                       submission_key=form.submission(),
                                                       enforce_deadline=False)
        if call.succeeded:
            _flash_registered(registered.registration)
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/registration_form.html", form=form, event=_view(event),
                           registration=None), status_for(form)


def _flash_registered(registration):
    if registration.status == RegistrationStatus.CONFIRMED:
        flash(_("The family is registered."), "success")
    else:
        flash(_("The event is full, so the family is on the waitlist: number %(position)s in line.",
                position=seats.waitlist_position(registration)), "warning")


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def edit_registration(event_id, registration_id):
    event = event_of_my_school_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    form = registration_form(event, g.school.default_language, registration=registration, by_staff=True,
                             formdata=posted_form())
    if request.method == "POST" and form.validate():
        with service_call(form) as call:
            registration_service.update_registration(
                registration.id, form.details(), utcnow(), accept_waitlist=bool(form.accept_waitlist.data),
                enforce_deadline=False, by_staff=True)
        if call.succeeded:
            flash(_("Saved."), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/registration_form.html", form=form, event=_view(event),
                           registration=registration), status_for(form)


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def cancel_registration(event_id, registration_id):
    """Asks first (the page names the family and its size), then cancels."""
    event = event_of_my_school_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    if request.method == "GET" or not PortalForm().validate_on_submit():
        return render_template("organizer/cancel_registration.html", event=_view(event), registration=registration,
                               waiting=seats.seats(event).waitlisted_families)
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
    event = event_of_my_school_or_404(event_id)
    registration = _event_registration_or_404(event, registration_id)
    with service_call() as call:
        confirm(registration.id, utcnow())
    if call.succeeded:
        flash(done(registration.name), "success")
    return redirect(url_for("organizer.dashboard", event_id=event.id))


@bp.get("/events/<int:event_id>/roster")
@staff_required(*ORGANIZERS)
def roster(event_id):
    event = event_of_my_school_or_404(event_id)
    rows = planning.registrations(event.id, status=RegistrationStatus.CONFIRMED, sort="name")
    return render_template("organizer/roster.html", event=_view(event), rows=rows,
                           waiting=seats.waitlist(event.id))


@bp.get("/events/<int:event_id>/needs-sheet")
@staff_required(*ORGANIZERS)
def needs_sheet(event_id):
    event = event_of_my_school_or_404(event_id)
    return render_template("organizer/needs_sheet.html", event=_view(event),
                           needs=planning.needs_summary(event),
                           rows=planning.registrations(event.id, status=RegistrationStatus.CONFIRMED, sort="name"))


@bp.get("/events/<int:event_id>/registrations.csv")
@staff_required(*ORGANIZERS)
def export(event_id):
    event = event_of_my_school_or_404(event_id)
    body = registrations_csv(event, planning.registrations(event.id, sort="oldest"))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-registrations.csv"',
        "Cache-Control": "no-store",
    })


@bp.get("/reports")
@staff_required(*ORGANIZERS)
def reports():
    now = utcnow()
    today = school_day(now, g.school.tz)
    start, end, problem = period_args(today - timedelta(days=90), today)
    return render_template("organizer/reports.html", report=school_report(g.school, start, end, now),
                           problem=problem)


@bp.route("/events/<int:event_id>/messages/new", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def new_message(event_id):
    """Write, preview (with the number of families), then send."""
    event = event_of_my_school_or_404(event_id)
    form = campaign_form(formdata=posted_form())
    sending = request.form.get("action") == "send"
    preview = Preview()
    if request.method == "POST" and form.validate():
        with service_call(form, commit=sending) as call:
            if sending:
                campaign = campaigns.send_campaign(event, current_user, form.texts(), form.audience(), utcnow())
            else:
                preview.show(event, form)
        if sending and call.succeeded:
            flash(ngettext("Your message is on its way to %(num)d family.",
                           "Your message is on its way to %(num)d families.", campaign.recipients), "success")
            return redirect(url_for("organizer.dashboard", event_id=event.id))
    return render_template("organizer/message_form.html", form=form, event=_view(event), previews=preview.texts,
                           recipients=preview.recipients, default_language=g.school.default_language), \
        status_for(form)


class Preview:
    """What a message will look like, and who will get it; the recipients
    are known (and shown) even when there are none to send to."""

    def __init__(self):
        self.texts, self.recipients = [], None

    def show(self, event, form):
        written = campaigns.check_texts(form.texts(), event.default_language)
        self.recipients = campaigns.audience(event.id, **form.audience())
        campaigns.refuse_empty_audience(self.recipients)
        self.texts = _previews(event, written, self.recipients)


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
