from datetime import datetime

from flask import current_app, session
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, login_manager
from ..vocabulary import Role
from .base import utcnow

ROLES = Role.values()
# The session cookie's key for the sign-in's token (see StaffSession).
STAFF_SESSION_KEY = "staff_session"


class User(UserMixin, db.Model):
    __tablename__ = "staff_user"  # "user" is a reserved word in PostgreSQL
    # An email is unique within a school: a person working at two schools has
    # an account at each, and inviting them never tells one school about the other.
    __table_args__ = (UniqueConstraint("school_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change, deactivation or "sign out everywhere":
    # every session cookie that carries an older number stops working.
    session_version: Mapped[int] = mapped_column(default=0)
    # A one-time link to set a password (invitation or reset); only its hash is kept.
    password_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_token_expires_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # The language of the staff pages for this person; None: the browser's.
    # Never the family language cookie, which a shared computer carries over.
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school = relationship("School")

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles):
        return self.role in roles

    def set_password(self, password):
        # scrypt is werkzeug's default: memory-hard, no extra dependency.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class StaffSession(db.Model):
    """One sign-in, kept on the server: signing out ends it here, so a copy
    of the cookie stops working, and its age counts from the sign-in."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class LoginThrottle(db.Model):
    """Failed sign-ins for one email (known or not, stored as a hash) from
    any address: each failure past a few makes the next try wait longer."""

    __tablename__ = "login_throttle"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    next_attempt_at: Mapped[datetime]


@login_manager.user_loader
def load_user(session_id):
    from ..services.users import current_staff_session

    user_id, _, version = str(session_id).partition(":")
    if not user_id.isdecimal() or not version.isdecimal() or len(user_id) > 12 or len(version) > 12:
        return None
    staff_session = current_staff_session(session.get(STAFF_SESSION_KEY), utcnow(),
                                          current_app.config["PERMANENT_SESSION_LIFETIME"])
    if staff_session is None or staff_session.user_id != int(user_id):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
