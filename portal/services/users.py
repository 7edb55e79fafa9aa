from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, User
from .contact import normalize_email
from .errors import DomainError

MIN_PASSWORD_LENGTH = 10


class UserError(DomainError):
    def __str__(self):
        return {
            "email_taken": "An account with this email already exists.",
            "email_invalid": "This is not an email address.",
            "role_invalid": f"The role must be one of: {', '.join(ROLES)}.",
            "password_too_short": f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        }.get(self.code, self.code)


def create_user(school, email, name, role, password):
    email = normalize_email(email)
    if not email or "@" not in email:
        raise UserError("email_invalid", field="email")
    if role not in ROLES:
        raise UserError("role_invalid", field="role")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError("password_too_short", field="password")
    taken = db.session.execute(
        select(User.id).where(func.lower(User.email) == email)
    ).first()
    if taken:
        raise UserError("email_taken", field="email")
    user = User(school_id=school.id, email=email, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
