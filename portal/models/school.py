from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class School(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="America/Chicago")
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    # ISO 3166 code: phone numbers typed without a country code are read as
    # numbers of this country, and text messages go to it by default.
    country: Mapped[str] = mapped_column(String(2), default="US")
    # Hours before an event when families get a reminder, e.g. "24 2".
    reminder_hours: Mapped[str] = mapped_column(String(40), default="24 2")
    # A short name that starts each text message ("Lincoln Elem."): in a
    # 70-character UCS-2 segment the full name would take half the text.
    sms_name: Mapped[str] = mapped_column(String(30), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reminder_offsets(self):
        return sorted({int(h) for h in (self.reminder_hours or "").split()
                       if h.isdecimal() and len(h) < 4 and 0 < int(h) <= 24 * 14},
                      reverse=True)

    @property
    def sms_sender(self):
        return self.sms_name or self.name

    @property
    def tz(self):
        return ZoneInfo(self.timezone)

    def __repr__(self):
        return f"<School {self.slug}>"
