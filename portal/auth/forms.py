from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import InputRequired

from ..forms import ChoiceField, EmailAddressField, PortalForm, choices


class LoginForm(PortalForm):
    email = EmailAddressField(_l("Email"), validators=[InputRequired(message=_l("Please enter your email."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Please enter your password."))])


class SetPasswordForm(PortalForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(message=_l("Please enter a password."))])
    confirm = PasswordField(_l("The same password again"),
                            validators=[InputRequired(message=_l("Please enter the password again."))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.password.data != self.confirm.data:
            self.confirm.errors = [str(_l("The two passwords are not the same."))]
            valid = False
        return valid


class StaffSettingsForm(PortalForm):
    language = ChoiceField(_l("Language of the staff pages"))

    def __init__(self, languages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices([("", _l("The language of this browser"))] + list(languages.items()))
