"""Form fields that speak the family's language in every message."""

from datetime import datetime

from babel.lists import format_list
from flask import current_app, g
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, TextInput, TimeInput

from .services.contact import may_text, normalize_email, normalize_phone, sms_countries
from .text import has_line_break
from .wording import error_message


def choices(pairs):
    """(value, label) pairs as the options a select or a checkbox list offers."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_values(field):
    return {choice.value for choice in field.choices}


class PortalForm(FlaskForm):
    """A form whose CSRF failure reads as a plain, localized sentence and
    keeps everything the family typed on the page."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        csrf = getattr(self, "csrf_token", None)
        if csrf is not None and csrf.errors:
            csrf.errors = [error_message("csrf")]
        return valid

    @property
    def csrf_failed(self):
        csrf = getattr(self, "csrf_token", None)
        return bool(csrf is not None and csrf.errors)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_errors = []

    def problems(self):
        """(id of the control to go to, message) for each answer in trouble, in page order."""
        listed = []
        for field in self:
            if field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
                listed.extend((first_control_id(field), message) for message in field.errors)
        return listed

    def add_error(self, field_name, message):
        """Put a service's message next to its field, or atop the form."""
        field = self[field_name] if field_name and field_name in self else None
        if field is None:
            self.page_errors.append(message)
        else:
            field.errors = list(field.errors) + [message]


def first_control_id(field):
    """Where a link to a field lands: its input, or the first of its choices."""
    if hasattr(field, "first_control_id"):
        return field.first_control_id()
    return f"{field.id}-0" if isinstance(field.widget, ListWidget) else field.id


class CountField(IntegerField):
    """A whole number within bounds; digits in any script are accepted.
    A text input (with a numeric keypad on phones), not type=number, which
    silently sends an empty value when it cannot parse what was typed.
    Whatever is wrong with the answer, the message says the range."""

    widget = TextInput()
    # Longer than any count a family or a school has: refused before int() works on it.
    MAX_DIGITS = 6

    def __init__(self, label=None, minimum=0, maximum=None, range_code="number_out_of_range", **kwargs):
        super().__init__(label, **kwargs)
        self.minimum, self.maximum, self.range_code = minimum, maximum, range_code

    def out_of_range(self):
        if self.maximum is None:
            return error_message("number_invalid")
        return error_message(self.range_code, min=self.minimum, max=self.maximum)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = self.default
            return
        text = valuelist[0].strip()
        if not text.isdecimal() or len(text) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.out_of_range())
        self.data = int(text)

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.maximum is not None and not self.minimum <= self.data <= self.maximum:
            raise ValidationError(self.out_of_range())


class ChoiceField(SelectField):
    def pre_validate(self, form):
        if self.data not in choice_values(self):
            raise ValidationError(error_message("choice_invalid"))


class RadioChoiceField(RadioField):
    def pre_validate(self, form):
        if self.data not in choice_values(self):
            raise ValidationError(error_message("choice_invalid"))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = choice_values(self)
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(error_message("choice_invalid"))


class TextField(StringField):
    """One line of free text, trimmed, with a length limit stated in words.
    A line break inside it is refused: such a text may become an email
    subject, an SMS or a calendar entry."""

    def __init__(self, label=None, max_length=200, **kwargs):
        super().__init__(label, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()

    def pre_validate(self, form):
        if len(self.data or "") > self.max_length:
            raise ValidationError(error_message("too_long", max=self.max_length))
        if has_line_break(self.data):
            raise ValidationError(error_message("line_break"))


class LongTextField(TextAreaField):
    def __init__(self, label=None, max_length=1000, **kwargs):
        super().__init__(label, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()

    def pre_validate(self, form):
        if len(self.data or "") > self.max_length:
            raise ValidationError(error_message("too_long", max=self.max_length))


def _school_country():
    school = g.get("school")
    return (school.country if school is not None else None) or current_app.config["DEFAULT_SCHOOL_COUNTRY"]


def country_names(codes):
    """['US', 'CA'] -> 'United States and Canada', in the page's language."""
    locale = get_locale()
    return format_list([locale.territories.get(code, code) for code in codes], locale=locale)


class PhoneField(TextField):
    """A phone number read as a number of the school's country unless it
    starts with a country code, and refused when text messages may not go
    to its country (`country_error`: the words for that, which differ on
    a form with no email field to turn to)."""

    def __init__(self, label=None, country_error="phone_country_not_allowed", **kwargs):
        super().__init__(label, max_length=40, **kwargs)
        self.country_error = country_error

    @property
    def normalized(self):
        return normalize_phone(self.data, _school_country())

    def post_validate(self, form, validation_stopped):
        if not self.data or self.errors:
            return
        phone = self.normalized
        if phone is None:
            self.errors.append(error_message("phone_invalid"))
            return
        school_country, allowed_setting = _school_country(), current_app.config["SMS_ALLOWED_COUNTRIES"]
        if not may_text(phone, school_country, allowed_setting):
            allowed = sms_countries(school_country, allowed_setting)
            self.errors.append(error_message(self.country_error, countries=country_names(allowed)))


class EmailAddressField(TextField):
    def __init__(self, label=None, **kwargs):
        super().__init__(label, max_length=254, **kwargs)

    @property
    def normalized(self):
        return normalize_email(self.data)

    def post_validate(self, form, validation_stopped):
        if self.data and not self.errors and self.normalized is None:
            self.errors.append(error_message("email_invalid"))


class _ParsedField(Field):
    """A value parsed from text with `strptime`, refused in the page's words."""

    parse_format = None
    error_code = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime(self.parse_format) if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = self.convert(datetime.strptime(text, self.parse_format))
        except ValueError:
            self.data = None
            raise ValueError(error_message(self.error_code)) from None


class DayField(_ParsedField):
    widget = DateInput()
    parse_format = "%Y-%m-%d"
    error_code = "date_invalid"
    # A school plans within this century; a year like 9999 is a slip of the keyboard.
    FIRST_YEAR, LAST_YEAR = 2000, 2099

    def convert(self, parsed):
        if not self.FIRST_YEAR <= parsed.year <= self.LAST_YEAR:
            raise ValueError(parsed.year)
        return parsed.date()


class ClockField(_ParsedField):
    widget = TimeInput()
    parse_format = "%H:%M"
    error_code = "time_invalid"

    def convert(self, parsed):
        return parsed.time()
