"""Staff accounts: creating, signing in, roles, one-time password links."""
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import ROLES, User
from .contact import normalize_email
from .errors import DomainError
from .tokens import hash_token, new_manage_token

MIN_PASSWORD_LENGTH = 10
PASSWORD_LINK_LIFETIME = timedelta(days=7)
# Compared against when the email is unknown, so that a wrong email takes
# as long to refuse as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("no such user", method="scrypt")


class UserError(DomainError):
    def __str__(self):
        return {
            "email_taken": "An account with this email already exists.",
            "email_invalid": "This is not an email address.",
            "role_invalid": f"The role must be one of: {', '.join(ROLES)}.",
            "password_too_short": f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        }.get(self.code, self.code)


def _check_password_rules(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError("password_too_short", field="password", min=MIN_PASSWORD_LENGTH)


def _check_email(email, exclude_user_id=None):
    email = normalize_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise UserError("email_invalid", field="email")
    statement = select(User.id).where(func.lower(User.email) == email)
    if exclude_user_id is not None:
        statement = statement.where(User.id != exclude_user_id)
    if db.session.execute(statement).first():
        raise UserError("email_taken", field="email")
    return email


def create_user(school, email, name, role, password=None):
    """A staff account. Without a password, the account can only be entered
    through a one-time link (see issue_password_link)."""
    email = _check_email(email)
    if role not in ROLES:
        raise UserError("role_invalid", field="role")
    if password is not None:
        _check_password_rules(password)
    user = User(school_id=school.id, email=email, name=(name or "").strip() or email, role=role,
                password_hash="!")  # "!" matches no password
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password, now):
    """The active user with this email and password, else None. Says nothing
    about which of the two was wrong."""
    email = normalize_email(email)
    user = db.session.execute(
        select(User).where(func.lower(User.email) == (email or ""))
    ).scalar_one_or_none()
    if user is None or user.password_hash == "!":
        check_password_hash(_UNKNOWN_USER_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    user.last_login_at = now
    return user


def issue_password_link(user, now):
    """A one-time token to set a password, valid for a week. Any older link
    stops working, and so do the user's sessions when it is a reset."""
    token = new_manage_token()
    user.password_token_hash = hash_token(token)
    user.password_token_expires_at = now + PASSWORD_LINK_LIFETIME
    db.session.flush()
    return token


def user_for_password_token(token, now):
    if not token or len(token) > 64:
        return None
    user = db.session.execute(
        select(User).where(User.password_token_hash == hash_token(token))
    ).scalar_one_or_none()
    if user is None or not user.active or user.password_token_expires_at is None \
            or user.password_token_expires_at < now:
        return None
    return user


def set_password(user, password):
    _check_password_rules(password)
    user.set_password(password)
    user.password_token_hash = None
    user.password_token_expires_at = None
    user.session_version += 1
    db.session.flush()


def reset_password(user, now):
    """Forget the password, end every session, and return a one-time link
    token to choose a new one."""
    user.password_hash = "!"
    user.session_version += 1
    return issue_password_link(user, now)


def set_language(user, language, languages):
    """The language of the staff pages for this person; None for the browser's."""
    if language is not None and language not in languages:
        raise UserError("choice_invalid", field="language")
    user.language = language
    db.session.flush()


def sign_out_everywhere(user):
    user.session_version += 1
    db.session.flush()


def update_user(user, acting_user, name, email, role, active):
    if role not in ROLES:
        raise UserError("role_invalid", field="role")
    if user.id == acting_user.id and (role != "admin" or not active):
        raise UserError("cannot_demote_self", field="role")
    user.email = _check_email(email, exclude_user_id=user.id)
    user.name = (name or "").strip() or user.email
    if user.active and not active:
        user.session_version += 1
    user.role, user.active = role, active
    db.session.flush()


def school_users(school_id):
    return db.session.execute(
        select(User).where(User.school_id == school_id).order_by(User.active.desc(), User.name)
    ).scalars().all()
