"""Who may open a staff page. Every staff view is wrapped in staff_required;
tests/web/test_access.py walks every staff route for every kind of user."""
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..models import Role, utcnow

ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)
FRONT_DESK = Role.FRONTDESK
FRONTDESK_STAFF = (Role.ADMIN, Role.ORGANIZER, FRONT_DESK)
ADMINS = (Role.ADMIN,)


def forgetting_browser_storage(response):
    """Sign-out, idle expiry and a session ended elsewhere (signed out on all
    devices, the 10 hours past, the account deactivated): what staff pages
    kept in this browser (the front desk's list of families) is wiped, on a
    shared computer too."""
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


def _idle_too_long():
    seen = session.get("staff_seen")
    limit = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    now = utcnow().timestamp()
    session["staff_seen"] = now
    return seen is not None and now - seen > limit.total_seconds()


def staff_required(*roles):
    """Signed-in staff with one of `roles`; anonymous visitors are sent to
    sign in, others get 403. Sets g.school to the user's school."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return forgetting_browser_storage(current_app.login_manager.unauthorized())
            if _idle_too_long():
                logout_user()
                session.clear()
                flash(_("You were signed out after a while without activity. Please sign in again."), "warning")
                return forgetting_browser_storage(redirect(url_for("auth.login", next=request.full_path)))
            if current_user.role not in roles:
                abort(403)
            g.school = current_user.school
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorate
