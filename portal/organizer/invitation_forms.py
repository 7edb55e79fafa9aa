from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired

from ..forms import CheckboxesField, ClockField, DayField, PortalForm, choices
from ..models import GRADES
from ..vocabulary import GRADE_NAMES


class InviteForm(PortalForm):
    grades = CheckboxesField(_l("Invite the families of these grades"))


class FollowUpForm(PortalForm):
    follow_up_day = DayField(_l("Day"), validators=[DataRequired(message=_l("Please enter a date, like 2026-12-03."))])
    follow_up_time = ClockField(_l("Time"), validators=[DataRequired(message=_l("Please enter a time, like 18:30."))])


def invite_form(event, formdata=None):
    form = InviteForm(formdata=formdata) if formdata is not None else InviteForm()
    form.grades.choices = choices((grade, GRADE_NAMES[grade]) for grade in GRADES)
    if formdata is None:
        form.grades.data = [grade for grade in GRADES if grade in event.grades]
    return form
