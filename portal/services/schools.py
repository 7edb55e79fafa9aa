from sqlalchemy import select

from ..extensions import db
from ..models import School


def all_schools():
    return db.session.execute(select(School).order_by(School.name)).scalars().all()


def school_by_slug(slug):
    return db.session.execute(select(School).where(School.slug == slug)).scalar_one_or_none()


def ensure_school(name, slug, timezone, default_language, country="US", sms_name=""):
    """The school with this slug, created when it does not exist yet."""
    school = school_by_slug(slug)
    if school is None:
        school = School(name=name, slug=slug, timezone=timezone, default_language=default_language,
                        country=country, sms_name=(sms_name or "")[:30])
        db.session.add(school)
        db.session.flush()
    return school


def ensure_default_school(config):
    return ensure_school(
        config["DEFAULT_SCHOOL_NAME"], config["DEFAULT_SCHOOL_SLUG"],
        config["DEFAULT_SCHOOL_TIMEZONE"], config["DEFAULT_SCHOOL_LANGUAGE"],
        config["DEFAULT_SCHOOL_COUNTRY"], config.get("DEFAULT_SCHOOL_SMS_NAME", ""),
    )
