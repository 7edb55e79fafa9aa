"""Staff sign-in, sign-out, one-time password links, and one's own account."""
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from ..forms import PortalForm
from ..i18n import shipped_languages
from ..models import STAFF_SESSION_KEY, Role, utcnow
from ..services import users as user_service
from ..views import service_call, status_for
from . import bp
from .access import FRONTDESK_STAFF, forgetting_browser_storage, staff_required
from .forms import LoginForm, SetPasswordForm, StaffSettingsForm

PASSWORD_LINK_KEY = "password_link"


def _safe_next(target):
    """Only a path on this site: never send a signed-in user elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user):
    if user.role == Role.FRONTDESK:
        return url_for("frontdesk.today")
    return url_for("organizer.events")


def _email_and_address():
    """The hourly sign-in limit counts one email from one address: tries
    from elsewhere cannot use up someone's sign-ins (the wait that grows
    with wrong passwords, in users.authenticate, slows guessing from many)."""
    email = (request.form.get("email") or "").strip().lower()[:254] or "-"
    return f"{email}|{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: "10 per minute", methods=["POST"])
@limiter.limit(lambda: "30 per hour", methods=["POST"], key_func=_email_and_address)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        # Committed: the sign-in, or the failure that makes the next try wait.
        with service_call(form) as call:
            user = user_service.authenticate(form.email.data, form.password.data, now)
            session_token = user_service.start_staff_session(user, now) if user is not None else None
        if call.succeeded and user is None:
            form.add_error(None, _("That email and password do not match an account. Please try again."))
        elif call.succeeded:
            return _signed_in(user, session_token)
    return render_template("auth/login.html", form=form), status_for(form)


def _signed_in(user, session_token):
    session.clear()  # a fresh session: nothing carried over from before sign-in
    session.permanent = True
    session[STAFF_SESSION_KEY] = session_token
    login_user(user)
    return redirect(_safe_next(request.args.get("next")) or home_for(user))


@bp.post("/logout")
def logout():
    form = PortalForm()
    if form.validate_on_submit() and current_user.is_authenticated and request.form.get("everywhere"):
        user_service.sign_out_everywhere(current_user._get_current_object())
    # The session ends on the server too, so a copy of the cookie is worth nothing.
    user_service.end_staff_session(session.get(STAFF_SESSION_KEY), utcnow())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return forgetting_browser_storage(redirect(url_for("auth.login")))


@bp.get("/")
@staff_required(*FRONTDESK_STAFF)
def home():
    return redirect(home_for(current_user))


@bp.route("/account", methods=["GET", "POST"])
@staff_required(*FRONTDESK_STAFF)
def account():
    """The signed-in staff member's own settings: the language of the staff pages."""
    form = StaffSettingsForm(shipped_languages(), data={"language": current_user.language or ""})
    if form.validate_on_submit():
        with service_call(form) as call:
            user_service.set_language(current_user._get_current_object(), form.language.data or None,
                                      shipped_languages())
        if call.succeeded:
            flash(_("Saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), status_for(form)


@bp.get("/password/<token>")
def password_link(token):
    """A password link is exchanged for a mark in this browser's session,
    then the form opens at an address without the token: the form page may
    then send a same-origin Referer (which CSRF protection over HTTPS
    requires), and the token is in no Referer, history entry or log line."""
    user = user_service.user_for_password_token(token, utcnow())
    if user is None:
        abort(404)
    session[PASSWORD_LINK_KEY] = user.password_token_hash
    return redirect(url_for("auth.set_password"))


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(lambda: "10 per minute", methods=["POST"])
def set_password():
    user = user_service.user_for_password_token_hash(session.get(PASSWORD_LINK_KEY), utcnow())
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            user_service.set_password(user, form.password.data)
        if call.succeeded:
            logout_user()
            session.clear()
            flash(_("Your password is set. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user,
                           min_length=user_service.MIN_PASSWORD_LENGTH), status_for(form)


@bp.after_app_request
def keep_password_links_private(response):
    if request.endpoint == "auth.password_link":
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
