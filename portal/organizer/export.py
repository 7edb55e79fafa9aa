"""Registrations as CSV that opens correctly in Excel and cannot run formulas."""
import csv
import io
import unicodedata

from flask_babel import gettext as _

from ..i18n import format_moment, language_name
from ..messages import GRADE_NAMES, SOURCE_NAMES, STATUS_NAMES
from ..services.contact import display_phone

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
        _("Grades"), _("Childcare: children"), _("Childcare: ages"), _("Ride: seats"), _("Interpreter"),
        _("Help to take part"), _("Food needs"), _("Note"), _("Check-in code"), _("Registered at"), _("Source"),
    ])
    for registration in registrations:
        needs = {need.kind: need for need in registration.needs}
        childcare, ride, interpreter = needs.get("childcare"), needs.get("transportation"), needs.get("interpreter")
        writer.writerow([neutralize(value) for value in [
            registration.name,
            STATUS_NAMES.get(registration.status, registration.status),
            registration.adults,
            registration.children,
            display_phone(registration.phone),
            registration.email or "",
            language_name(registration.language),
            ", ".join(str(GRADE_NAMES[grade]) for grade in registration.grades),
            childcare.quantity if childcare else "",
            childcare.detail if childcare else "",
            ride.quantity if ride else "",
            language_name(interpreter.detail) if interpreter else "",
            needs["accessibility"].detail if "accessibility" in needs else "",
            needs["dietary"].detail if "dietary" in needs else "",
            registration.note,
            registration.checkin_code,
            format_moment(registration.created_at, tz),
            SOURCE_NAMES.get(registration.source, registration.source),
        ]])
    return out.getvalue()
