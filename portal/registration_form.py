"""The registration form, one for families and for staff registering a
family by phone: the same questions, the event's rules checked with the
fields' own, so that every problem shows at once."""
import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, HiddenField, StringField
from wtforms.validators import InputRequired

from .bot_check import form_opened_stamp, looks_automated, seconds_since_opened
from .config import LANGUAGES
from .forms import (
    CheckboxesField,
    ChoiceField,
    CountField,
    EmailAddressField,
    LongTextField,
    PhoneField,
    PortalForm,
    RadioChoiceField,
    TextField,
    choices,
)
from .i18n import language_name
from .models import GRADES
from .services import registration as registration_service
from .services.registration import MAX_ADULTS, MAX_CHILD_AGE, MAX_CHILDREN, FamilyDetails
from .vocabulary import GRADE_NAMES, Channel, NeedKind
from .wording import error_message

AGE_SEPARATORS = re.compile(r"[\s,،、，;/]+")


def split_ages(text):
    """'3, 5' -> ['3', '5']: how ages are stored, one string per registration."""
    return [part for part in AGE_SEPARATORS.split((text or "").strip()) if part]


class AgesField(Field):
    """One small field per child in childcare, all named alike: a phone's
    number keypad is enough, since no field holds more than one age. Empty
    fields are skipped; `data` is the list of ages given."""

    slots = MAX_CHILDREN

    def process_data(self, value):
        self.data = list(value or [])
        self.typed = [str(age) for age in self.data]

    def process_formdata(self, valuelist):
        # Several fields, or one text with separators (as links and older pages send).
        self.typed = [part for value in valuelist for part in split_ages(value)]
        if not all(part.isdecimal() and len(part) <= 3 for part in self.typed):
            self.data = []
            raise ValueError(error_message("childcare_age_invalid", max=MAX_CHILD_AGE))
        self.data = [int(part) for part in self.typed]

    def first_control_id(self):
        return self.slot_id(0)

    def values(self):
        """What each field shows: what was typed, then empty fields."""
        return (self.typed + [""] * self.slots)[:max(self.slots, len(self.typed))]

    def slot_id(self, index):
        return f"{self.id}-{index}"


class RegistrationForm(PortalForm):
    name = TextField(_l("Your name"), max_length=200,
                     validators=[InputRequired(message=_l("Please tell us your name."))])
    phone = PhoneField(_l("Phone number"))
    email = EmailAddressField(_l("Email"))
    contact_preference = RadioChoiceField(
        _l("How should we contact you?"), default=Channel.SMS,
        choices=choices(Channel.labels().items()))
    language = ChoiceField(_l("The language you prefer"))
    adults = CountField(_l("Adults coming"), minimum=1, maximum=MAX_ADULTS, default=1,
                        range_code="adults_out_of_range")
    children = CountField(_l("Children coming"), minimum=0, maximum=MAX_CHILDREN, default=0,
                          range_code="children_out_of_range")
    grades = CheckboxesField(_l("Your children's grades at school"))
    childcare_children = CountField(_l("How many children need childcare?"), minimum=0,
                                    maximum=MAX_CHILDREN, default=0, range_code="children_out_of_range")
    childcare_ages = AgesField(_l("Their ages"))
    transportation_seats = CountField(_l("How many seats do you need in a ride?"), minimum=0,
                                      maximum=MAX_ADULTS + MAX_CHILDREN, default=0)
    interpreter_language = ChoiceField(_l("Would you like an interpreter?"), default="")
    accessibility = LongTextField(_l("Anything that would make it easier to take part? "
                                     "(for example a wheelchair space, large print, a sign language interpreter)"),
                                  max_length=500)
    dietary = LongTextField(_l("Food needs (for example allergies, halal, vegetarian)"), max_length=500)
    note = LongTextField(_l("Anything else you want us to know?"), max_length=1000)
    submission_key = HiddenField()
    accept_waitlist = BooleanField(_l("Yes, move us to the waiting list"))
    # A field people never see (the style sheet hides it) that programs fill
    # in, and when the form was opened: see bot_check.looks_automated.
    website = StringField(_l("Leave this empty"))
    opened = HiddenField()

    def looks_automated(self):
        return looks_automated(self.website.data, self.opened.data)

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
        return self._check_with_the_event() and valid

    def _check_with_the_event(self):
        """The event's rules (childcare for at most the children coming, seats
        for at most the party...) at the same time as the fields' own checks,
        so that the family sees every problem at once. Skipped while a count
        they depend on is unreadable."""
        if self.adults.data is None or self.children.data is None:
            return True
        clean = True
        for problem in registration_service.detail_problems(self.event, self.details(), by_staff=self.by_staff):
            field = self[problem.field] if problem.field in self else None
            if field is not None and field.errors:
                continue
            self.add_error(problem.field, error_message(problem.code, **problem.params))
            clean = False
        return clean

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
            grades=list(self.grades.data or []) if "grades" in self else list(self.event.grades),
            childcare_children=value("childcare_children", 0),
            childcare_ages=value("childcare_ages", []),
            transportation_seats=value("transportation_seats", 0),
            interpreter_language=value("interpreter_language", "") or None,
            contact_preference=self.contact_preference.data or Channel.SMS,
            accessibility=self.accessibility.data,
            dietary=value("dietary", ""),
            note=self.note.data,
        )


def registration_form(event, page_language, registration=None, formdata=None, by_staff=False):
    """The registration form for one event: only the help it offers, in the
    page's language, prefilled from an existing registration when editing.
    Staff (`by_staff`) may register a party larger than families may online."""
    form = RegistrationForm(formdata=formdata) if formdata is not None else RegistrationForm()
    form.event = event
    form.by_staff = by_staff
    form.language.choices = choices(LANGUAGES.items())
    event_grades = [grade for grade in GRADES if grade in event.grades]
    form.grades.choices = choices((grade, GRADE_NAMES[grade]) for grade in event_grades)
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
    if len(event_grades) <= 1:
        del form.grades  # an event for one grade: that grade is the answer

    if seconds_since_opened(form.opened.data) is None:
        form.opened.data = form_opened_stamp()
    if formdata is None:
        if registration is not None:
            _prefill(form, registration)
        else:
            form.language.data = page_language
            form.submission_key.data = secrets.token_hex(16)
            if "interpreter_language" in form and page_language in offered and page_language != event.default_language:
                form.interpreter_language.data = page_language
    return form


def prefill_family(form, family):
    """Who the family is, how to reach it and who comes, from a registration
    or from the details a household's roster gives (FamilyDetails)."""
    form.name.data = family.name
    form.phone.data = family.phone or ""
    form.email.data = family.email or ""
    form.language.data = family.language
    form.contact_preference.data = family.contact_preference
    form.adults.data = family.adults
    form.children.data = family.children
    if "grades" in form:
        form.grades.data = family.grades


def _prefill(form, registration):
    prefill_family(form, registration)
    form.note.data = registration.note
    for need in registration.needs:
        if need.kind == NeedKind.CHILDCARE and "childcare_children" in form:
            form.childcare_children.data = need.quantity
            form.childcare_ages.process_data([int(age) for age in split_ages(need.detail) if age.isdecimal()])
        elif need.kind == NeedKind.TRANSPORTATION and "transportation_seats" in form:
            form.transportation_seats.data = need.quantity
        elif need.kind == NeedKind.INTERPRETER and "interpreter_language" in form:
            form.interpreter_language.data = need.detail
        elif need.kind == NeedKind.ACCESSIBILITY:
            form.accessibility.data = need.detail
        elif need.kind == NeedKind.DIETARY and "dietary" in form:
            form.dietary.data = need.detail
