"""Inviting an event's families from the school's roster: a preview per
language, sending, and the one follow-up."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from ..auth.access import ORGANIZERS, staff_required
from ..clock import to_utc
from ..models import Channel, Invitation, MessageKind, OutboxMessage, utcnow
from ..notifications.invitation_text import render_without_registration
from ..notifications.sms import segments
from ..services import invitations
from ..views import event_of_my_school_or_404, posted_form, service_call, status_for
from . import bp
from .invitation_forms import FollowUpForm, invite_form
from .views import _view


def _previews(event, chosen):
    """One preview per language, rendered as the household will read it.
    The sample's link is not a real one: no household is invited yet."""
    previews = []
    for language, group in chosen.groups.items():
        invitation = Invitation(event_id=event.id, household_id=0, language=language)
        invitation.event, invitation.household = event, group.sample
        message = OutboxMessage(kind=MessageKind.INVITATION, channel=Channel.EMAIL, recipient="preview",
                                language=language, payload={})
        message.invitation = invitation
        rendered = render_without_registration(message)
        previews.append({"language": language, "group": group, "subject": rendered.subject,
                         "text": rendered.text, "sms": rendered.sms, "sms_parts": len(segments(rendered.sms))})
    return previews


def _page(event, form, chosen, follow_up_form=None, status=200):
    return render_template(
        "invitations/invite.html", event=_view(event),
        form=form, plan=chosen, previews=_previews(event, chosen) if chosen else [],
        summary=invitations.summary(event.id), follow_up_form=follow_up_form or FollowUpForm(),
    ), status


@bp.route("/events/<int:event_id>/invite", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def invite(event_id):
    event = event_of_my_school_or_404(event_id)
    form = invite_form(event, formdata=posted_form())
    if request.method == "POST" and form.validate() and request.form.get("action") == "send":
        with service_call(form) as call:
            sent = invitations.send_invitations(event, current_user, form.grades.data or [],
                                                current_app.config["SECRET_KEY"], utcnow())
        if call.succeeded:
            flash(ngettext("Invitations are on their way to %(num)d household.",
                           "Invitations are on their way to %(num)d households.", sent.households), "success")
            return redirect(url_for("organizer.invite", event_id=event.id))
    chosen = None
    if request.method == "GET" or not (form.errors or form.page_errors):
        with service_call(form, commit=False):
            chosen = invitations.plan(event, form.grades.data or [])
    return _page(event, form, chosen, status=status_for(form))


@bp.post("/events/<int:event_id>/invite/follow-up")
@staff_required(*ORGANIZERS)
def invitation_follow_up(event_id):
    event = event_of_my_school_or_404(event_id)
    follow_up_form = FollowUpForm()
    if follow_up_form.validate():
        when = to_utc(follow_up_form.follow_up_day.data, follow_up_form.follow_up_time.data, g.school.tz)
        with service_call(follow_up_form) as call:
            planned = invitations.schedule_follow_up(event, when, utcnow())
        if call.succeeded:
            flash(ngettext("A follow-up is planned for %(num)d household.",
                           "A follow-up is planned for %(num)d households.", planned), "success")
            return redirect(url_for("organizer.invite", event_id=event.id))
    form = invite_form(event)
    return _page(event, form, None, follow_up_form, status=422)
