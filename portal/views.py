"""What every view does around a service call: keep what the rule allowed,
or undo it and show the rule's answer where the person will read it."""
from datetime import date

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .forms import DayField
from .models import Event
from .services.errors import DomainError
from .wording import error_message


def coded_message(error):
    """A service's refusal in the page's words. The ids some errors carry
    (`registration_id`) are for views, not for sentences."""
    return error_message(error.code, **{key: value for key, value in error.params.items()
                                        if key != "registration_id"})


class ServiceCall:
    """The outcome of one `with service_call(form):` block: `error` is the
    coded error a rule raised, or None when the call went through."""

    def __init__(self, form, say, flash_category, commit, flash_unless_on_form):
        self.form, self.say, self.flash_category = form, say, flash_category
        self.commit, self.flash_unless_on_form = commit, flash_unless_on_form
        self.error = None

    @property
    def succeeded(self):
        return self.error is None

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if kind is None:
            if self.commit:
                db.session.commit()
            return False
        if not isinstance(error, DomainError):
            return False
        db.session.rollback()
        self.error = error
        if self.form is not None and (error.field in self.form or not self.flash_unless_on_form):
            self.form.add_error(error.field, self.say(error))
        elif self.flash_category:
            flash(self.say(error), self.flash_category)
        return True


def service_call(form=None, say=coded_message, flash_category="warning", commit=True,
                 flash_unless_on_form=False):
    """Run the service calls in the block as one change: committed when they
    go through (unless `commit` is false: a preview that must leave nothing
    behind); on a coded error (DomainError and its kinds) rolled back, with
    the error's message (`say`) put on its field of `form`, or atop the form
    when the field is not on it. Without a form (or, with
    `flash_unless_on_form`, when the field is not on it) the message is
    flashed; with no `flash_category` either, the view answers it itself
    from `error` (a JSON answer)."""
    return ServiceCall(form, say, flash_category, commit, flash_unless_on_form)


def status_for(form=None):
    """422 for a sent form that comes back with problems, 200 otherwise."""
    if request.method != "POST":
        return 200
    if form is None:
        return 422
    has_problems = form.page_errors or any(field.errors for field in form)
    return 422 if has_problems else 200


def page_number(limit=10_000):
    """The ?page= asked for, or the first page for anything that is not a
    page number a list could reach (a huge one would overflow the database's
    OFFSET)."""
    page = request.args.get("page", "1")
    return int(page) if page.isdecimal() and len(page) <= len(str(limit)) and 0 < int(page) < limit else 1


def event_of_my_school_or_404(event_id):
    """An event of the signed-in user's school; another school's is not found."""
    return db.first_or_404(select(Event).filter_by(id=event_id, school_id=current_user.school_id))


def posted_form():
    """The fields sent with a POST, or None: a form built from None shows
    its defaults (or what it is prefilled with)."""
    return request.form if request.method == "POST" else None


def day_arg(name, default):
    """The day ?name= asks for (YYYY-MM-DD), or `default` for anything that
    is not a day a date field would take."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    return day if DayField.FIRST_YEAR <= day.year <= DayField.LAST_YEAR else default


def period_args(default_start, default_end):
    """(start, end, problem) from ?start= and ?end=: a period given the
    wrong way round is turned round, and `problem` says so."""
    start, end = day_arg("start", default_start), day_arg("end", default_end)
    if end < start:
        return end, start, _("The end of the period must be after its start.")
    return start, end, None
