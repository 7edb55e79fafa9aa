"""A household's personal invitation link: the registration form filled in
from the roster, and "we can't come"."""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_language
from ..models import utcnow
from ..registration_form import prefill_family, registration_form
from ..services import invitations, links
from ..views import posted_form, service_call, status_for
from . import bp
from .abuse import requester_hash
from .forms import DeclineForm
from .views import _event_view, _remember_token, found_by_link_or_404, limit_posts, refusal_answer


def _invitation_or_404(token):
    return found_by_link_or_404(invitations.find_by_token(token))


def _private(response, status=None):
    """The page answers to a personal link: kept out of caches and referrers."""
    response = make_response(response) if status is None else make_response(response, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _already_registered(invitation, now):
    """Their link goes again to their own phone or email, never to this page."""
    links.send_link_again(invitation.registration_id, now)
    db.session.commit()
    return _private(render_template("public/link_sent.html"))


@bp.route("/i/<token>", methods=["GET", "POST"])
@limit_posts
def invitation(token):
    invitation = _invitation_or_404(token)
    event = invitation.event
    now = utcnow()
    if invitation.registration_id is not None:
        return _already_registered(invitation, now)
    view = _event_view(event, now)
    if view.closed_reason:
        return _private(render_template("public/closed.html", event=view), 410 if request.method == "POST" else 200)
    form = registration_form(event, current_language(), formdata=posted_form())
    if request.method == "GET":
        prefill_family(form, invitations.prefilled_details(invitation))
    # The personal link stands for the family: no automation or per-network checks,
    # so that two quick taps register.
    if request.method == "POST" and form.validate():
        return _register(invitation, view, form, now) or _registration_page(token, invitation, view, form)
    return _registration_page(token, invitation, view, form)


def _registration_page(token, invitation, view, form):
    return _private(render_template(
        "invitations/register.html", event=view, form=form, party_limit=invitation.event.max_party_size,
        form_action=url_for("public.invitation", token=token),
        greeting_name=invitations.prefilled_details(invitation).name,
        decline_url=url_for("public.invitation_decline", token=token),
    ), status_for(form))


def _register(invitation, view, form, now):
    """The page after a registration through the link, or None when the form shows the refusal."""
    with service_call(form) as call:
        registered = invitations.register(invitation, form.details(), now, submission_key=form.submission(),
                                          address_hash=requester_hash(request.remote_addr))
    if not call.succeeded:
        answer = refusal_answer(call.error, view, now)
        return None if answer is None else _private(answer)
    _remember_token(registered.registration.id, registered.token)
    return redirect(url_for("public.manage", token=registered.token))


@bp.route("/i/<token>/decline", methods=["GET", "POST"])
@limit_posts
def invitation_decline(token):
    invitation = _invitation_or_404(token)
    if not invitation.is_open:
        return redirect(url_for("public.invitation", token=token))
    now = utcnow()
    form = DeclineForm()
    if request.method == "GET":
        form.name.data = invitation.household.name
    if form.validate_on_submit():
        with service_call(form) as call:
            invitations.decline(invitation, now, form.reason.data, note=form.note.data)
        if call.succeeded:
            flash(_("Thank you for telling us. It helps us plan events that work for your family."), "success")
            return redirect(url_for("public.event_detail", event_id=invitation.event.id))
    return _private(render_template("public/decline.html", event=_event_view(invitation.event, now), form=form,
                                    form_action=url_for("public.invitation_decline", token=token)),
                    status_for(form))
