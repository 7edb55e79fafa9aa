from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from ..forms import ChoiceField, PortalForm, choices
from ..services.roster_formats import FIELDS, GUARDIAN_SLOTS

STUDENT_FIELD_LABELS = {
    "student_id": _l("Student ID"),
    "student_name": _l("Student name"),
    "student_first": _l("Student first name"),
    "student_last": _l("Student last name"),
    "grade": _l("Grade"),
    "homeroom": _l("Homeroom"),
    "language": _l("Home language"),
}
GUARDIAN_PART_LABELS = {
    "name": _l("Guardian %(num)d: name"),
    "first": _l("Guardian %(num)d: first name"),
    "last": _l("Guardian %(num)d: last name"),
    "mobile": _l("Guardian %(num)d: cell phone"),
    "phone": _l("Guardian %(num)d: other phone"),
    "email": _l("Guardian %(num)d: email"),
    "language": _l("Guardian %(num)d: language"),
}


def field_label(name):
    if name in STUDENT_FIELD_LABELS:
        return str(STUDENT_FIELD_LABELS[name])
    slot, part = name.removeprefix("guardian").split("_", 1)
    return str(GUARDIAN_PART_LABELS[part]) % {"num": int(slot)}


class UploadForm(PortalForm):
    roster_file = FileField(_l("Roster file (CSV, or a OneRoster zip)"))


class ConfirmForm(PortalForm):
    pass


def mapping_form(header, guessed, formdata=None):
    """One choice per field: a column of the file, or none."""

    class MappingForm(PortalForm):
        student_fields = [name for name in FIELDS if not name.startswith("guardian")]
        guardian_fields = {slot: [name for name in FIELDS if name.startswith(f"guardian{slot}_")]
                           for slot in GUARDIAN_SLOTS}

        def mapping(self):
            return {name: int(self[name].data) for name in FIELDS if self[name].data}

    columns = [(str(index), title or "—") for index, title in enumerate(header)]
    options = choices([("", _l("Not in the file"))] + columns)
    for name in FIELDS:
        default = str(guessed[name]) if name in guessed else ""
        setattr(MappingForm, name, ChoiceField(field_label(name), choices=options, default=default))
    return MappingForm(formdata=formdata)
