"""A household's personal invitation link: the registration form filled in
from the roster, and "we can't come"."""
from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_language
from ..models import utcnow
from ..presenters import event_view
from ..registration_form import registration_form
from ..services import invitations, links, seats
from ..services.errors import DomainError, RegistrationError
from ..views import coded_message
from ..wording import error_message
from . import bp
from .abuse import requester_hash
from .forms import DeclineForm, LinkAgainForm
from .views import _remember_token, _remembered_token, limit_posts


def _invitation_or_404(token):
    invitation = invitations.find_by_token(token)
    if invitation is None:
        abort(make_response(render_template("public/dead_link.html", form=LinkAgainForm()), 404))
    g.school = invitation.event.school
    g.preferred_language = invitation.language
    return invitation


def _private(response, status=200):
    """The page answers to a personal link: kept out of caches and referrers."""
    response = make_response(response, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _prefill(form, details):
    form.name.data = details.name
    form.phone.data = details.phone or ""
    form.email.data = details.email or ""
    form.language.data = details.language
    form.contact_preference.data = details.contact_preference
    form.adults.data = details.adults
    form.children.data = details.children
    if "grades" in form:
        form.grades.data = details.grades


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
    view = event_view(event, current_language(), seats.seats_for([event])[event.id], now)
    if view.closed_reason:
        return _private(render_template("public/closed.html", event=view), 410 if request.method == "POST" else 200)
    formdata = request.form if request.method == "POST" else None
    form = registration_form(event, current_language(), formdata=formdata)
    details = invitations.prefilled_details(invitation)
    if formdata is None:
        _prefill(form, details)
    status = 422 if request.method == "POST" else 200
    # The personal link stands for the family: no automation or per-network checks,
    # so that two quick taps register.
    if request.method == "POST" and form.validate():
        try:
            registered = invitations.register(invitation, form.details(), now, submission_key=form.submission(),
                                              address_hash=requester_hash(request.remote_addr))
        except RegistrationError as error:
            db.session.rollback()
            remembered = _remembered_token(error.params.get("registration_id"))
            if error.code == "duplicate_submission" and remembered:
                return redirect(url_for("public.manage", token=remembered))
            if error.code in ("registration_closed", "event_past", "event_cancelled"):
                return _private(render_template("public/closed.html", event=view), 410)
            if error.code == "already_registered":
                links.send_link_again(error.params["registration_id"], now)
                db.session.commit()
                return _private(render_template("public/link_sent.html"))
            form.add_error(error.field, coded_message(error))
        else:
            db.session.commit()
            _remember_token(registered.registration.id, registered.token)
            return redirect(url_for("public.manage", token=registered.token))
    return _private(render_template(
        "invitations/register.html", event=view, form=form, party_limit=event.max_party_size,
        form_action=url_for("public.invitation", token=token), greeting_name=details.name,
        decline_url=url_for("public.invitation_decline", token=token),
    ), status)


@bp.route("/i/<token>/decline", methods=["GET", "POST"])
@limit_posts
def invitation_decline(token):
    invitation = _invitation_or_404(token)
    if not invitation.is_open:
        return redirect(url_for("public.invitation", token=token))
    event = invitation.event
    now = utcnow()
    view = event_view(event, current_language(), seats.seats_for([event])[event.id], now)
    form = DeclineForm()
    if request.method == "GET":
        form.name.data = invitation.household.name
    if form.validate_on_submit():
        try:
            invitations.decline(invitation, now, form.reason.data, note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            form.add_error(error.field, error_message(error.code))
        else:
            db.session.commit()
            flash(_("Thank you for telling us. It helps us plan events that work for your family."), "success")
            return redirect(url_for("public.event_detail", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return _private(render_template("public/decline.html", event=view, form=form,
                                    form_action=url_for("public.invitation_decline", token=token)), status)
