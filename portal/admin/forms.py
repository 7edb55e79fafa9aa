from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import InputRequired

from ..forms import ChoiceField, EmailAddressField, PortalForm, TextField, choices
from ..vocabulary import Role


class UserForm(PortalForm):
    name = TextField(_l("Name"), max_length=200, validators=[InputRequired(message=_l("Please enter a name."))])
    email = EmailAddressField(_l("Email"), validators=[InputRequired(message=_l("Please enter your email."))])
    role = ChoiceField(_l("Role"))
    active = BooleanField(_l("Can sign in"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices(Role.labels().items())


class ContactForm(PortalForm):
    contact = TextField(_l("Phone number or email"), max_length=254,
                        validators=[InputRequired(message=_l("Please enter a phone number or an email address."))])
