from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..config import INTERPRETER_LANGUAGES, LANGUAGES
from ..forms import (
    CheckboxesField,
    ChoiceField,
    ClockField,
    CountField,
    DayField,
    LongTextField,
    PortalForm,
    TextField,
    choices,
)
from ..i18n import language_name
from ..models import GRADES
from ..services.event_admin import MAX_CAPACITY, EventDetails
from ..services.registration import MAX_PARTY_LIMIT
from ..vocabulary import GRADE_NAMES, NeedKind, RegistrationStatus


class _EventFields(PortalForm):
    day = DayField(_l("Day"), validators=[DataRequired(message=_l("Please enter a date, like 2026-12-03."))])
    starts = ClockField(_l("Starts at"), validators=[DataRequired(message=_l("Please enter a time, like 18:30."))])
    ends = ClockField(_l("Ends at"), validators=[DataRequired(message=_l("Please enter a time, like 18:30."))])
    location = TextField(_l("Place"), max_length=300)
    grades = CheckboxesField(_l("For families of these grades"))
    capacity = CountField(_l("Capacity (people: adults and children together)"), minimum=1,
                          maximum=MAX_CAPACITY, default=30, range_code="capacity_out_of_range")
    max_party_size = CountField(_l("Largest family that can register online (people)"), minimum=1,
                                maximum=MAX_PARTY_LIMIT, default=8, range_code="max_party_size_out_of_range")
    deadline_day = DayField(_l("Registration deadline: day"))
    deadline_time = ClockField(_l("Registration deadline: time"))
    offers_childcare = BooleanField(_l("Childcare"))
    childcare_capacity = CountField(_l("Children the childcare room can take"), minimum=0,
                                    maximum=MAX_CAPACITY, default=0)
    interpreter_languages = CheckboxesField(_l("Interpreters, in these languages"))
    offers_transportation = BooleanField(_l("Transportation"))
    offers_meal = BooleanField(_l("A meal"))

    def details(self):
        return EventDetails(
            texts=texts_per_language(self),
            places={code: self[f"location_{code}"].data for code in LANGUAGES},
            day=self.day.data, starts=self.starts.data, ends=self.ends.data,
            location=self.location.data, capacity=self.capacity.data or 0,
            max_party_size=self.max_party_size.data or 0,
            grades=list(self.grades.data or []),
            deadline_day=self.deadline_day.data, deadline_time=self.deadline_time.data,
            offers_childcare=self.offers_childcare.data,
            childcare_capacity=self.childcare_capacity.data or 0,
            interpreter_languages=list(self.interpreter_languages.data or []),
            offers_transportation=self.offers_transportation.data,
            offers_meal=self.offers_meal.data,
        )


def with_text_per_language(name, base, short, long):
    """`base` with, for each shipped language, a short text field and a long
    one, named <short>_<code> and <long>_<code>. short/long: (name, label, max)."""
    (short_name, short_label, short_max), (long_name, long_label, long_max) = short, long
    fields = {}
    for code in LANGUAGES:
        fields[f"{short_name}_{code}"] = TextField(short_label, max_length=short_max)
        fields[f"{long_name}_{code}"] = LongTextField(long_label, max_length=long_max)
    form_class = type(name, (base,), fields)
    form_class.text_fields = (short_name, long_name)
    return form_class


def texts_per_language(form):
    """{language: (short text, long text)} as typed in the form."""
    short, long = form.text_fields
    return {code: (form[f"{short}_{code}"].data, form[f"{long}_{code}"].data) for code in LANGUAGES}


# The place per language beside the title: optional, the main place shows otherwise.
_EventFieldsWithPlaces = type("_EventFieldsWithPlaces", (_EventFields,), {
    f"location_{code}": TextField(_l("Place"), max_length=300) for code in LANGUAGES})
EventForm = with_text_per_language("EventForm", _EventFieldsWithPlaces, ("title", _l("Title"), 200),
                                   ("description", _l("Description"), 4000))


def event_form(formdata=None, event=None, local=None):
    """The event form; prefilled from `event` (times in the school's zone,
    given as `local`: a function from UTC to local datetimes)."""
    form = EventForm(formdata=formdata) if formdata is not None else EventForm()
    form.grades.choices = choices((grade, GRADE_NAMES[grade]) for grade in GRADES)
    form.interpreter_languages.choices = choices((code, language_name(code)) for code in INTERPRETER_LANGUAGES)
    if formdata is None and event is not None:
        starts, ends = local(event.starts_at), local(event.ends_at)
        form.day.data, form.starts.data, form.ends.data = starts.date(), starts.time(), ends.time()
        if event.registration_deadline:
            deadline = local(event.registration_deadline)
            form.deadline_day.data, form.deadline_time.data = deadline.date(), deadline.time()
        form.location.data = event.location
        form.grades.data = event.grades
        form.capacity.data = event.capacity
        form.max_party_size.data = event.max_party_size
        form.offers_childcare.data = event.offers_childcare
        form.childcare_capacity.data = event.childcare_capacity
        form.interpreter_languages.data = event.interpreter_language_list
        form.offers_transportation.data = event.offers_transportation
        form.offers_meal.data = event.offers_meal
        for text in event.texts:
            form[f"title_{text.language}"].data = text.title
            form[f"description_{text.language}"].data = text.description
            form[f"location_{text.language}"].data = text.location
    return form


class _CampaignFields(PortalForm):
    status = ChoiceField(_l("Send to"), default="everyone")
    need = ChoiceField(_l("Only families who asked for"), default="")
    language = ChoiceField(_l("Only families who speak"), default="")

    def audience(self):
        return {"status": self.status.data, "need": self.need.data or None, "language": self.language.data or None}

    def texts(self):
        return texts_per_language(self)


CampaignForm = with_text_per_language("CampaignForm", _CampaignFields, ("subject", _l("Subject"), 150),
                                      ("body", _l("Message"), 1000))


def campaign_form(formdata=None):
    form = CampaignForm(formdata=formdata) if formdata is not None else CampaignForm()
    form.status.choices = choices([("everyone", _l("Everyone registered (confirmed and waitlist)")),
                                   (RegistrationStatus.CONFIRMED, _l("Confirmed families")),
                                   (RegistrationStatus.WAITLISTED, _l("Families on the waitlist"))])
    form.need.choices = choices([("", _l("Any help, or none"))] + list(NeedKind.labels().items()))
    form.language.choices = choices([("", _l("Any language"))] + list(LANGUAGES.items()))
    return form
