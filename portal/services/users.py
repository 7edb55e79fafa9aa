"""Staff accounts: creating, signing in, sessions, roles, one-time password links."""
from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..extensions import db
from ..models import ROLES, LoginThrottle, Role, StaffSession, User
from .contact import normalize_email
from .errors import DomainError
from .tokens import hash_token, new_manage_token

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score (0-4) from its lists of common passwords, words and names,
# keyboard patterns and dates: 3 means about a hundred million guesses.
MIN_PASSWORD_SCORE = 3
PASSWORD_LINK_LIFETIME = timedelta(days=7)
# Wrong passwords for one email, from anywhere: the first few cost nothing,
# then each makes the next try wait twice as long, up to a minute. The right
# password always gets in once the wait is over; nobody can lock anyone out.
FREE_LOGIN_FAILURES = 5
MAX_LOGIN_WAIT = timedelta(minutes=1)
LOGIN_FAILURES_FORGOTTEN_AFTER = timedelta(hours=1)
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
            "password_too_long": f"The password may have at most {MAX_PASSWORD_LENGTH} characters.",
            "password_is_email": "The password may not be the email address.",
            "password_too_common": "The password is too easy to guess.",
        }.get(self.code, self.code)


def check_password_rules(password, email, name=""):
    """At least 12 characters, not the email, and not easy to guess (zxcvbn,
    which also knows the person's email and name)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password_too_short", field="password", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError("password_too_long", field="password", max=MAX_PASSWORD_LENGTH)
    email = normalize_email(email) or ""
    if email and email in password.strip().lower():
        raise UserError("password_is_email", field="password")
    personal = [email, email.partition("@")[0], *(name or "").split()]
    if zxcvbn(password, user_inputs=[word for word in personal if word])["score"] < MIN_PASSWORD_SCORE:
        raise UserError("password_too_common", field="password")


def _check_email(email, school_id, exclude_user_id=None):
    """A usable email not yet taken at this school. Other schools' accounts
    are none of this school's business, so they are not looked at."""
    email = normalize_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise UserError("email_invalid", field="email")
    statement = select(User.id).where(func.lower(User.email) == email, User.school_id == school_id)
    if exclude_user_id is not None:
        statement = statement.where(User.id != exclude_user_id)
    if db.session.execute(statement).first():
        raise UserError("email_taken", field="email")
    return email


def create_user(school, email, name, role, password=None):
    """A staff account. Without a password, the account can only be entered
    through a one-time link (see issue_password_link)."""
    email = _check_email(email, school.id)
    if role not in ROLES:
        raise UserError("role_invalid", field="role")
    if password is not None:
        check_password_rules(password, email, name)
    user = User(school_id=school.id, email=email, name=(name or "").strip() or email, role=role,
                password_hash="!")  # "!" matches no password
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password, now):
    """The active user with this email and password, else None. Says nothing
    about which of the two was wrong. Raises UserError("login_wait") while
    earlier wrong passwords for this email make the next try wait; the
    password is then not even checked, so waiting costs a guesser the most.
    The same email at two schools signs in to the account whose password it is."""
    email = normalize_email(email) or ""
    throttle = db.session.get(LoginThrottle, hash_token(email))
    if throttle is not None and now - throttle.last_failure_at > LOGIN_FAILURES_FORGOTTEN_AFTER:
        db.session.delete(throttle)
        throttle = None
    if throttle is not None and now < throttle.next_attempt_at:
        raise UserError("login_wait", field="password")
    candidates = db.session.execute(
        select(User).where(func.lower(User.email) == email, User.password_hash != "!").order_by(User.id)
    ).scalars().all()
    if not candidates:
        check_password_hash(_UNKNOWN_USER_HASH, password or "")
    user = next((user for user in candidates if user.check_password(password or "")), None)
    if user is None or not user.active:
        _record_login_failure(email, throttle, now)
        return None
    if throttle is not None:
        db.session.delete(throttle)
    user.last_login_at = now
    db.session.flush()
    return user


def _record_login_failure(email, throttle, now):
    if throttle is None:
        db.session.execute(delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - LOGIN_FAILURES_FORGOTTEN_AFTER))
        throttle = LoginThrottle(email_hash=hash_token(email), failures=0)
        db.session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    excess = throttle.failures - FREE_LOGIN_FAILURES
    wait = min(timedelta(seconds=2 ** (excess - 1)), MAX_LOGIN_WAIT) if excess > 0 else timedelta(0)
    throttle.next_attempt_at = now + wait
    db.session.flush()


def start_staff_session(user, now):
    """A new server-side session for a sign-in; the token goes in the cookie."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id,
                                                  StaffSession.started_at < now - timedelta(days=2)))
    token = new_manage_token()
    db.session.add(StaffSession(token_hash=hash_token(token), user_id=user.id, started_at=now))
    db.session.flush()
    return token


def current_staff_session(token, now, lifetime):
    """The session this cookie's token names, when it is neither ended nor
    older than `lifetime` counted from the sign-in; else None."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    staff_session = db.session.execute(
        select(StaffSession).where(StaffSession.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if staff_session is None or staff_session.ended_at is not None or now - staff_session.started_at > lifetime:
        return None
    return staff_session


def end_staff_session(token, now):
    staff_session = current_staff_session(token, now, timedelta.max)
    if staff_session is not None:
        staff_session.ended_at = now
        db.session.flush()


def issue_password_link(user, now):
    """A one-time token to set a password, valid for a week. Any older link
    stops working."""
    token = new_manage_token()
    user.password_token_hash = hash_token(token)
    user.password_token_expires_at = now + PASSWORD_LINK_LIFETIME
    db.session.flush()
    return token


def user_for_password_token(token, now):
    if not token or len(token) > 64:
        return None
    return user_for_password_token_hash(hash_token(token), now)


def user_for_password_token_hash(token_hash, now):
    """The user a still valid password link was issued to, found by the
    link's hash (what a browser keeps while the person chooses a password)."""
    if not isinstance(token_hash, str) or len(token_hash) != 64:
        return None
    user = db.session.execute(
        select(User).where(User.password_token_hash == token_hash)
    ).scalar_one_or_none()
    if user is None or not user.active or user.password_token_expires_at is None \
            or user.password_token_expires_at < now:
        return None
    return user


def set_password(user, password):
    """The new password replaces the old one, and every session ends."""
    check_password_rules(password, user.email, user.name)
    user.set_password(password)
    user.password_token_hash = None
    user.password_token_expires_at = None
    user.session_version += 1
    db.session.flush()


def reset_password(user, now):
    """A one-time link token to choose a new password. Until it is used the
    old password and the sessions keep working, so that asking for a reset
    never locks anyone out; set_password ends them."""
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
    if user.id == acting_user.id and (role != Role.ADMIN or not active):
        raise UserError("cannot_demote_self", field="role")
    user.email = _check_email(email, user.school_id, exclude_user_id=user.id)
    user.name = (name or "").strip() or user.email
    if user.active and not active:
        user.session_version += 1
    user.role, user.active = role, active
    db.session.flush()


def school_users(school_id):
    return db.session.execute(
        select(User).where(User.school_id == school_id).order_by(User.active.desc(), User.name)
    ).scalars().all()
