"""The family pages' own small forms; the registration form, which staff
use too, is in portal/registration_form.py."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired, ValidationError

from ..forms import LongTextField, PortalForm, TextField, choices
from ..services.contact import normalize_email, normalize_phone
from ..vocabulary import DeclineReason
from ..wording import error_message


class DeclineForm(PortalForm):
    reason = RadioField(
        _l("Why can't you come?"),
        choices=choices(DeclineReason.labels().items()),
        validators=[InputRequired(message=_l("Please choose a reason from the list."))],
        validate_choice=False,
    )
    note = LongTextField(_l("Tell us more, if you like (for example a time that would work better)"),
                         max_length=1000)
    name = TextField(_l("Your name (you can leave this empty)"), max_length=200)


class ConfirmForm(PortalForm):
    """A button with nothing but CSRF protection behind it."""


class LinkAgainForm(PortalForm):
    """A lost or old link: the phone or email the family registered with."""

    contact = TextField(_l("Your phone number or email"), max_length=254,
                        validators=[InputRequired(message=_l("Please enter a phone number or an email address."))])

    def validate_contact(self, field):
        if normalize_email(field.data) is None and normalize_phone(field.data) is None:
            raise ValidationError(error_message("contact_invalid"))
