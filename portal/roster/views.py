"""The school roster: what it holds, and importing it in four steps (upload,
columns, preview, import). Nothing is stored before the organizer confirms."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import ORGANIZERS, staff_required
from ..error_pages import error_page
from ..models import utcnow
from ..services import roster as roster_service
from ..services.errors import DomainError
from ..services.roster_formats import (
    CSV,
    MAX_BYTES,
    MAX_ROWS,
    ONEROSTER,
    check_mapping,
    guess_mapping,
    read_roster_file,
    rows_from_csv,
)
from ..views import page_number, posted_form, service_call, status_for
from ..wording import error_message, roster_problem
from . import bp, uploads
from .forms import ConfirmForm, UploadForm, field_label, mapping_form

# A file a little over the limit gets the roster's own message; a far bigger body is refused unread.
UPLOAD_BODY_LIMIT = 2 * MAX_BYTES
PREVIEW_PAGE_ROWS = 500

def file_message(error):
    """A refused file or column choice in words; a missing column is named by its label."""
    params = dict(error.params)
    if error.code == "roster_mapping_needs":
        params["field"] = field_label(error.field)
    return error_message(error.code, **params)


def _overview(form, status=200):
    return render_template("roster/overview.html", summary=roster_service.summary(g.school), form=form,
                           max_mb=MAX_BYTES // (1024 * 1024), max_rows=MAX_ROWS), status


@bp.get("/")
@staff_required(*ORGANIZERS)
def overview():
    return _overview(UploadForm(formdata=None))


@bp.url_value_preprocessor
def allow_roster_files(endpoint, _values):
    """The upload may be far larger than any other form; set before any hook reads the body."""
    if endpoint == "roster.upload":
        request.max_content_length = UPLOAD_BODY_LIMIT


@bp.errorhandler(413)
def file_too_big(_error):
    """Refused before any view ran: only the roster's own staff get its page."""
    if not current_user.is_authenticated or current_user.role not in ORGANIZERS:
        return error_page(413, 413)
    g.school = current_user.school
    form = UploadForm(formdata=None)
    form.roster_file.errors = [file_message(DomainError("roster_too_big", max_mb=MAX_BYTES // (1024 * 1024)))]
    return _overview(form, 413)


@bp.post("/upload")
@staff_required(*ORGANIZERS)
def upload():
    form = UploadForm()
    if not form.validate():
        return _overview(form, 422)
    with service_call(form, say=file_message, commit=False) as call:
        data, roster_file = _read_upload(form.roster_file.data)
    if not call.succeeded:
        return _overview(form, 422)
    key = uploads.keep(data, form.roster_file.data.filename, current_user, roster_file.kind)
    if roster_file.kind == ONEROSTER:
        return redirect(url_for("roster.preview", key=key))
    return redirect(url_for("roster.columns", key=key))


def _read_upload(stored):
    """The chosen file's bytes and what they hold; a refusal belongs next to the file field."""
    try:
        if not stored or not getattr(stored, "filename", ""):
            raise DomainError("roster_no_file")
        data = stored.read(MAX_BYTES + 1)
        return data, read_roster_file(data, g.school.country)
    except DomainError as error:
        error.field = "roster_file"
        raise


def _upload_or_restart(key):
    upload = uploads.current(key, current_user)
    if upload is None:
        flash(_("This upload is no longer here. Please choose the file again."), "warning")
    return upload


@bp.route("/upload/<key>/columns", methods=["GET", "POST"])
@staff_required(*ORGANIZERS)
def columns(key):
    upload = _upload_or_restart(key)
    if upload is None or upload["kind"] != CSV:
        return redirect(url_for("roster.overview"))
    roster_file = read_roster_file(upload["data"], g.school.country)
    guessed = upload["mapping"] if upload["mapping"] is not None else guess_mapping(roster_file.header)
    form = mapping_form(roster_file.header, guessed, formdata=posted_form())
    if request.method == "POST" and form.validate():
        with service_call(form, say=file_message, commit=False) as call:
            check_mapping(form.mapping(), len(roster_file.header))
        if call.succeeded:
            uploads.remember_mapping(form.mapping())
            return redirect(url_for("roster.preview", key=key))
    return render_template("roster/columns.html", form=form, key=key, filename=upload["filename"],
                           header=roster_file.header, examples=roster_file.records[:3],
                           rows=roster_file.row_count), status_for(form)


def _upload_with_rows(key):
    """The upload and its rows, or where to go first: back to the start when
    the upload is gone, to the columns while they are not chosen."""
    upload = _upload_or_restart(key)
    if upload is None:
        return None, None, redirect(url_for("roster.overview"))
    rows = _rows(upload)
    if rows is None:
        return upload, None, redirect(url_for("roster.columns", key=key))
    return upload, rows, None


def _rows(upload):
    roster_file = read_roster_file(upload["data"], g.school.country)
    if roster_file.kind == ONEROSTER:
        return roster_file.records
    if upload["mapping"] is None:
        return None
    return rows_from_csv(roster_file.records, upload["mapping"], g.school.country)


def _import_settings(upload):
    return dict(sms_countries=current_app.config["SMS_ALLOWED_COUNTRIES"], filename=upload["filename"],
                file_format=upload["kind"])


@bp.get("/upload/<key>")
@staff_required(*ORGANIZERS)
def preview(key):
    upload, rows, detour = _upload_with_rows(key)
    if detour:
        return detour
    preview = roster_service.preview_import(g.school, rows, utcnow(), **_import_settings(upload))
    pages = preview.pages(PREVIEW_PAGE_ROWS)
    page = min(page_number(), pages)
    return render_template("roster/preview.html", key=key, upload=upload, plan=preview.plan, changes=preview,
                           shown=preview.page(page, PREVIEW_PAGE_ROWS), page=page, pages=pages,
                           form=ConfirmForm(formdata=None), problem_message=roster_problem)


@bp.post("/upload/<key>/import")
@staff_required(*ORGANIZERS)
def confirm(key):
    upload, rows, detour = _upload_with_rows(key)
    if detour:
        return detour
    with service_call():
        record = roster_service.import_roster(g.school, rows, utcnow(), user=current_user, **_import_settings(upload))
    uploads.discard()
    flash(_("Roster imported: %(added)s added, %(updated)s updated, %(deactivated)s no longer enrolled, "
            "%(skipped)s rows left out.", added=record.added, updated=record.updated,
            deactivated=record.deactivated, skipped=record.skipped), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/upload/<key>/cancel")
@staff_required(*ORGANIZERS)
def cancel(key):
    if uploads.current(key, current_user) is not None:
        uploads.discard()
    return redirect(url_for("roster.overview"))
