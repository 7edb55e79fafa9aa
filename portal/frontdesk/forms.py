"""Front-desk forms. Each works as a plain HTML form and, built from a JSON
body (the page's script, or its offline queue), as the same validation."""
from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField
from wtforms.validators import InputRequired

from ..forms import ChoiceField, CountField, PhoneField, PortalForm, TextField, choices
from ..i18n import language_name
from ..services.registration import MAX_ADULTS, MAX_CHILDREN, FamilyDetails


def json_body():
    """The request's JSON object as form data, or None for a form post."""
    if not request.is_json:
        return None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        body = {}
    return MultiDict({key: "" if value is None else str(value) for key, value in body.items()
                      if isinstance(value, (str, int, float)) or value is None})


class ArrivedForm(PortalForm):
    """How many came: empty means "as registered"."""

    adults = CountField(_l("Adults who came"), minimum=0, maximum=MAX_ADULTS, default=None)
    children = CountField(_l("Children who came"), minimum=0, maximum=MAX_CHILDREN, default=None)
    client_key = HiddenField()

    def arrived_counts(self):
        return {"adults": self.adults.data, "children": self.children.data}


class ClientKeyForm(PortalForm):
    client_key = HiddenField()

    def arrived_counts(self):
        return {}


class WalkInForm(PortalForm):
    name = TextField(_l("Family name"), max_length=200,
                     validators=[InputRequired(message=_l("Please enter the family's name."))])
    adults = CountField(_l("Adults"), minimum=1, maximum=MAX_ADULTS, default=1)
    children = CountField(_l("Children"), minimum=0, maximum=MAX_CHILDREN, default=0)
    phone = PhoneField(_l("Phone number"), country_error="phone_country_not_allowed_walk_in")
    childcare_children = CountField(_l("Children going to childcare"), minimum=0, maximum=MAX_CHILDREN,
                                    default=0)
    interpreter_language = ChoiceField(_l("Interpreter"), default="")
    accessibility = TextField(_l("Accessibility needs"), max_length=500)
    client_key = HiddenField()

    PREFIX = "walkin"  # its fields share a page with the other forms

    def __init__(self, event, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)
        self.event = event
        if event.offers_interpreters:
            self.interpreter_language.choices = choices(
                [("", _l("No interpreter"))]
                + [(code, language_name(code)) for code in event.interpreter_language_list]
            )
        else:
            del self.interpreter_language
        if not event.offers_childcare:
            del self.childcare_children

    def details(self, school_language, shipped_languages):
        interpreter = self.interpreter_language.data if "interpreter_language" in self else ""
        # The family's language for later messages: the interpreter's, when the portal speaks it.
        language = interpreter if interpreter in shipped_languages else school_language
        return FamilyDetails(
            name=self.name.data,
            language=language,
            adults=self.adults.data,
            children=self.children.data,
            phone=self.phone.normalized,
            childcare_children=(self.childcare_children.data or 0) if "childcare_children" in self else 0,
            interpreter_language=interpreter or None,
            accessibility=self.accessibility.data or "",
        )
