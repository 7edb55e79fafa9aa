import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.validators import InputRequired, ValidationError

from ..config import LANGUAGES
from ..forms import (
    CheckboxesField, ChoiceField, CountField, EmailAddressField, LongTextField, PhoneField,
    PortalForm, RadioChoiceField, TextField, choices,
)
from ..i18n import language_name
from ..messages import DECLINE_REASON_NAMES, GRADE_NAMES, error_message
from ..models import GRADES
from ..services.registration import MAX_ADULTS, MAX_CHILDREN, FamilyDetails

AGE_SEPARATORS = re.compile(r"[\s,،、，;/]+")


class RegistrationForm(PortalForm):
    name = TextField(_l("Your name"), max_length=200,
                     validators=[InputRequired(message=_l("Please tell us your name."))])
    phone = PhoneField(_l("Phone number"))
    email = EmailAddressField(_l("Email"))
    contact_preference = RadioChoiceField(
        _l("How should we contact you?"), default="sms",
        choices=choices([("sms", _l("Text message")), ("email", _l("Email"))]))
    language = ChoiceField(_l("The language you prefer"))
    adults = CountField(_l("Adults coming"), minimum=1, maximum=MAX_ADULTS, default=1,
                        range_code="adults_out_of_range")
    children = CountField(_l("Children coming"), minimum=0, maximum=MAX_CHILDREN, default=0,
                          range_code="children_out_of_range")
    grades = CheckboxesField(_l("Your children's grades at school"))
    childcare_children = CountField(_l("How many children need childcare?"), minimum=0,
                                    maximum=MAX_CHILDREN, default=0)
    childcare_ages = TextField(_l("Their ages"), max_length=60)
    transportation_seats = CountField(_l("How many seats do you need in a ride?"), minimum=0,
                                      maximum=MAX_ADULTS + MAX_CHILDREN, default=0)
    interpreter_language = ChoiceField(_l("Would you like an interpreter?"), default="")
    accessibility = LongTextField(_l("Anything that would make it easier to take part? (for example a wheelchair space, large print, a sign language interpreter)"), max_length=500)
    dietary = LongTextField(_l("Food needs (for example allergies, halal, vegetarian)"), max_length=500)
    note = LongTextField(_l("Anything else you want us to know?"), max_length=1000)
    submission_key = HiddenField()
    accept_waitlist = BooleanField(_l("Yes, move us to the waiting list"))

    def validate_childcare_ages(self, field):
        if field.data and self.parsed_ages() is None:
            raise ValidationError(error_message("childcare_age_invalid", max=17))

    def parsed_ages(self):
        """'3, 5' -> [3, 5]; None when something other than numbers was typed."""
        text = (self.childcare_ages.data if "childcare_ages" in self else "") or ""
        parts = [part for part in AGE_SEPARATORS.split(text.strip()) if part]
        if not all(part.isdecimal() and len(part) <= 3 for part in parts):
            return None
        return [int(part) for part in parts]

    def submission(self):
        """The key that makes a second press of the button harmless, when the
        page sent a sound one."""
        key = self.submission_key.data or ""
        return key if 0 < len(key) <= 64 else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.phone.data and not self.email.data:
            self.phone.errors = list(self.phone.errors) + [error_message("contact_missing")]
            valid = False
        return valid

    def details(self):
        def value(name, default):
            return self[name].data if name in self and self[name].data is not None else default

        return FamilyDetails(
            name=self.name.data,
            language=self.language.data,
            adults=self.adults.data,
            children=self.children.data,
            email=self.email.normalized,
            phone=self.phone.normalized,
            grades=list(self.grades.data or []),
            childcare_children=value("childcare_children", 0),
            childcare_ages=self.parsed_ages() or [],
            transportation_seats=value("transportation_seats", 0),
            interpreter_language=value("interpreter_language", "") or None,
            contact_preference=self.contact_preference.data or "sms",
            accessibility=self.accessibility.data,
            dietary=value("dietary", ""),
            note=self.note.data,
        )


def registration_form(event, page_language, registration=None, formdata=None):
    """The registration form for one event: only the help it offers, in the
    page's language, prefilled from an existing registration when editing."""
    form = RegistrationForm(formdata=formdata) if formdata is not None else RegistrationForm()
    form.language.choices = choices(LANGUAGES.items())
    form.grades.choices = choices((grade, GRADE_NAMES[grade]) for grade in GRADES)
    offered = event.interpreter_language_list
    form.interpreter_language.choices = choices(
        [("", _l("No, thank you"))] + [(code, language_name(code)) for code in offered]
    )
    if not event.offers_childcare:
        del form.childcare_children
        del form.childcare_ages
    if not event.offers_transportation:
        del form.transportation_seats
    if not offered:
        del form.interpreter_language
    if not event.offers_meal:
        del form.dietary

    if formdata is None:
        if registration is not None:
            _prefill(form, registration)
        else:
            form.language.data = page_language
            form.submission_key.data = secrets.token_hex(16)
            if "interpreter_language" in form and page_language in offered and page_language != event.default_language:
                form.interpreter_language.data = page_language
    return form


def _prefill(form, registration):
    form.name.data = registration.name
    form.phone.data = registration.phone or ""
    form.email.data = registration.email or ""
    form.language.data = registration.language
    form.contact_preference.data = registration.contact_preference
    form.adults.data = registration.adults
    form.children.data = registration.children
    form.grades.data = registration.grades
    form.note.data = registration.note
    for need in registration.needs:
        if need.kind == "childcare" and "childcare_children" in form:
            form.childcare_children.data = need.quantity
            form.childcare_ages.data = need.detail
        elif need.kind == "transportation" and "transportation_seats" in form:
            form.transportation_seats.data = need.quantity
        elif need.kind == "interpreter" and "interpreter_language" in form:
            form.interpreter_language.data = need.detail
        elif need.kind == "accessibility":
            form.accessibility.data = need.detail
        elif need.kind == "dietary" and "dietary" in form:
            form.dietary.data = need.detail


class DeclineForm(PortalForm):
    reason = RadioField(
        _l("Why can't you come?"),
        choices=choices(DECLINE_REASON_NAMES.items()),
        validators=[InputRequired(message=_l("Please choose a reason from the list."))],
        validate_choice=False,
    )
    note = LongTextField(_l("Tell us more, if you like (for example a time that would work better)"),
                         max_length=1000)
    name = TextField(_l("Your name (you can leave this empty)"), max_length=200)


class ConfirmForm(PortalForm):
    """A button with nothing but CSRF protection behind it."""
