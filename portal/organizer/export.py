"""Registrations as CSV that opens correctly in Excel and cannot run formulas."""
import csv
import io
import unicodedata

from flask_babel import gettext as _

from ..i18n import format_moment, language_name
from ..need_words import need_cells, need_column_headings
from ..services.contact import display_phone
from ..vocabulary import GRADE_NAMES, RegistrationStatus, Source

# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize(value):
    """The cell as text a spreadsheet will not run. Its start is compared in
    compatibility form, after any spaces, because spreadsheets also read a
    full-width ＝ or a small ﹦ as "=" and skip leading spaces."""
    text = "" if value is None else str(value)
    start = unicodedata.normalize("NFKC", text.lstrip(" \u3000\u00a0")[:1])
    return "'" + text if start.startswith(FORMULA_STARTS) else text


def registrations_csv(event, registrations):
    tz = event.school.tz
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark tells Excel this is UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([
        _("Name"), _("Status"), _("Adults"), _("Children"), _("Phone number"), _("Email"), _("Language"),
        _("Grades"), *need_column_headings(), _("Note"), _("Check-in code"), _("Registered at"), _("Source"),
    ])
    for registration in registrations:
        writer.writerow([neutralize(value) for value in [
            registration.name,
            RegistrationStatus(registration.status).label,
            registration.adults,
            registration.children,
            display_phone(registration.phone),
            registration.email or "",
            language_name(registration.language),
            ", ".join(str(GRADE_NAMES[grade]) for grade in registration.grades),
            *need_cells(registration),
            registration.note,
            registration.checkin_code,
            format_moment(registration.created_at, tz),
            Source(registration.source).label,
        ]])
    return out.getvalue()
