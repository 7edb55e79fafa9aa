from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, PortalForm, RadioChoiceField, TextField, choices
from ..services.reach import MAX_CALL_NOTE
from ..vocabulary import CallResult, DeclineReason


class CallForm(PortalForm):
    outcome = RadioChoiceField(_l("What the call gave"), choices=choices(CallResult.labels().items()))
    reason = ChoiceField(_l("If they can't come, why"),
                         choices=choices([("", "—"), *DeclineReason.labels().items()]), default="")
    note = TextField(_l("Note"), max_length=MAX_CALL_NOTE)


def call_form(household_id, formdata=None):
    """One form per household on the call list; the prefix keeps the
    households' fields (and their ids) apart on one page."""
    prefix = f"call{household_id}"
    return CallForm(prefix=prefix, formdata=formdata) if formdata is not None else CallForm(prefix=prefix)
