"""The admin's list of staff accounts, and everything held about one family
as a file (the privacy export)."""
import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import ADMINS, staff_required
from ..extensions import db
from ..forms import PortalForm
from ..models import User, utcnow
from ..services import privacy, users as user_service
from ..views import service_call, status_for
from . import bp
from .forms import ContactForm, UserForm


def _school_user_or_404(user_id):
    return db.first_or_404(select(User).filter_by(id=user_id, school_id=current_user.school_id))


def _password_link_page(user, token, invited):
    return render_template("admin/password_link.html", user=user, invited=invited,
                           link=url_for("auth.password_link", token=token, _external=True))


@bp.get("/users")
@staff_required(*ADMINS)
def users():
    return render_template("admin/users.html", users=user_service.school_users(current_user.school_id),
                           form=PortalForm())


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required(*ADMINS)
def invite_user():
    form = UserForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            user = user_service.create_user(current_user.school, form.email.data, form.name.data, form.role.data)
            token = user_service.issue_password_link(user, utcnow())
        if call.succeeded:
            return _password_link_page(user, token, invited=True)
    return render_template("admin/user_form.html", form=form, user=None), status_for(form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@staff_required(*ADMINS)
def edit_user(user_id):
    user = _school_user_or_404(user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        with service_call(form) as call:
            user_service.update_user(user, current_user, form.name.data, form.email.data, form.role.data,
                                     form.active.data)
        if call.succeeded:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), status_for(form)


@bp.post("/users/<int:user_id>/reset")
@staff_required(*ADMINS)
def reset_password(user_id):
    user = _school_user_or_404(user_id)
    if not PortalForm().validate_on_submit():
        abort(400)
    token = user_service.reset_password(user, utcnow())
    db.session.commit()
    return _password_link_page(user, token, invited=False)


@bp.route("/privacy", methods=["GET", "POST"])
@staff_required(*ADMINS)
def privacy_export():
    """Everything held about one phone number or email, as a JSON file. The
    contact travels in the POST body, never in a URL or a log."""
    form = ContactForm()
    if form.validate_on_submit():
        record = privacy.export_contact(current_user.school_id, form.contact.data)
        if record is None:
            form.add_error("contact", _("Please enter a phone number or an email address."))
        else:
            return Response(json.dumps(record, ensure_ascii=False, indent=2), mimetype="application/json",
                            headers={"Content-Disposition": 'attachment; filename="family-data.json"',
                                     "Cache-Control": "no-store"})
    return render_template("admin/privacy.html", form=form), status_for(form)
