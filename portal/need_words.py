"""A family's need in words, in the page's language: the long sentence a
family reads, the short instruction the door reads, the headings and cells
of the organizer's tables. Every page that words a need takes it from here."""
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from .i18n import format_names, language_name
from .vocabulary import NeedKind

# A kind of need as a heading over the families who asked for it.
NEED_HEADINGS = {
    NeedKind.CHILDCARE: NeedKind.CHILDCARE.label,
    NeedKind.INTERPRETER: _l("Interpreters"),
    NeedKind.TRANSPORTATION: NeedKind.TRANSPORTATION.label,
    NeedKind.ACCESSIBILITY: NeedKind.ACCESSIBILITY.label,
    NeedKind.DIETARY: _l("Food needs"),
}


def need_heading(kind):
    return NEED_HEADINGS[kind]


def need_detail(need):
    """What the family wrote about a need, as read: an interpreter's
    language by its name; empty without the need."""
    if need is None:
        return ""
    return language_name(need.detail) if need.kind == NeedKind.INTERPRETER else need.detail


def need_sentence(need):
    """The need as a short sentence for the family."""
    if need.kind == NeedKind.CHILDCARE:
        if need.detail:
            return ngettext("Childcare for %(num)d child, age %(ages)s",
                            "Childcare for %(num)d children, ages %(ages)s", need.quantity,
                            ages=format_names(age.strip() for age in need.detail.split(",")))
        return ngettext("Childcare for %(num)d child", "Childcare for %(num)d children", need.quantity)
    if need.kind == NeedKind.TRANSPORTATION:
        return ngettext("A ride for %(num)d person", "A ride for %(num)d people", need.quantity)
    if need.kind == NeedKind.INTERPRETER:
        return _("An interpreter in %(language)s", language=need_detail(need))
    if need.kind == NeedKind.ACCESSIBILITY:
        return accessibility_line(need.detail)
    return _("Food: %(detail)s", detail=need.detail)


def need_sentences(registration):
    """Each need of a registration as a short sentence in the page's language."""
    return [need_sentence(need) for need in registration.needs]


def childcare_line(count, ages=""):
    """The door's instruction for the childcare room."""
    if ages:
        return ngettext("Childcare room: %(num)d child (age %(ages)s)",
                        "Childcare room: %(num)d children (ages %(ages)s)", count, ages=ages)
    return ngettext("Childcare room: %(num)d child", "Childcare room: %(num)d children", count)


def interpreter_line(code):
    return _("Interpreter: %(language)s", language=language_name(code))


def accessibility_line(detail=None):
    """With no detail: the pattern, for the door's script to fill."""
    if detail is None:
        return _("Help to take part: %(detail)s")
    return _("Help to take part: %(detail)s", detail=detail)


def need_instruction(need, childcare_count=None):
    """The need as a short instruction for the door; `childcare_count` is
    how many children go to the childcare room when fewer came than asked."""
    if need.kind == NeedKind.CHILDCARE:
        return childcare_line(need.quantity if childcare_count is None else childcare_count, need.detail)
    if need.kind == NeedKind.TRANSPORTATION:
        return ngettext("Ride home: %(num)d seat", "Ride home: %(num)d seats", need.quantity)
    if need.kind == NeedKind.INTERPRETER:
        return interpreter_line(need.detail)
    if need.kind == NeedKind.ACCESSIBILITY:
        return accessibility_line(need.detail)
    return _("Food: %(detail)s", detail=need.detail)


def _quantity(need):
    return need.quantity if need else ""


# The needs' columns in the organizer's export: heading, cell from the need.
NEED_COLUMNS = (
    (NeedKind.CHILDCARE, _l("Childcare: children"), _quantity),
    (NeedKind.CHILDCARE, _l("Childcare: ages"), need_detail),
    (NeedKind.TRANSPORTATION, _l("Ride: seats"), _quantity),
    (NeedKind.INTERPRETER, NeedKind.INTERPRETER.label, need_detail),
    (NeedKind.ACCESSIBILITY, NEED_HEADINGS[NeedKind.ACCESSIBILITY], need_detail),
    (NeedKind.DIETARY, NEED_HEADINGS[NeedKind.DIETARY], need_detail),
)


def need_column_headings():
    return [str(heading) for _kind, heading, _cell in NEED_COLUMNS]


def need_cells(registration):
    return [cell(registration.need(kind)) for kind, _heading, cell in NEED_COLUMNS]
