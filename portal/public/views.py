"""Family pages: find an event, register, manage the registration, or say
why you can't come. Views parse, call one service, and render."""
from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..calendar import registration_calendar
from ..extensions import db, limiter
from ..i18n import current_language, requested_language
from ..models import GRADES, RegistrationStatus, utcnow
from ..notifications.inbound import valid_provider_signature
from ..notifications.render import read_unsubscribe_token
from ..page_cache import page_cache
from ..presenters import contact_in_words, event_view, open_first, qr_svg
from ..registration_form import registration_form
from ..services import (
    declines,
    events as event_service,
    links,
    outbox,
    privacy,
    registration as registration_service,
    seats,
    sms_replies,
    windows,
)
from ..services.contact import normalize_phone
from ..services.schools import all_schools, school_by_slug
from ..views import posted_form, service_call, status_for
from ..wording import error_message
from . import bp
from .abuse import requester_hash, take_registration_allowance
from .forms import ConfirmForm, DeclineForm, LinkAgainForm

JUST_REGISTERED_KEY = "just_registered"


def public_post_limit():
    return current_app.config["PUBLIC_POST_RATE_LIMIT"]


def limit_posts(view):
    return limiter.limit(public_post_limit, methods=["POST"])(view)


@bp.get("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


def _chosen_school():
    slug = request.args.get("school")
    if slug:
        return school_by_slug(slug) or abort(404)
    schools = all_schools()
    if len(schools) == 1:
        return schools[0]
    return None


def _cached_page(render):
    """The rendered page from this process's short cache, looked up before
    the database is touched, unless a message is waiting for this visitor.
    The key holds everything the page depends on: the address and the
    language asked for (without one, the school's default applies, and the
    address names the school)."""
    if session.get("_flashes"):
        return render()
    key = (request.full_path, requested_language())
    return page_cache.get_or_render(key, current_app.config["PUBLIC_PAGE_CACHE_SECONDS"], render)


@bp.get("/")
@bp.get("/events")
def event_list():
    return _cached_page(_render_event_list)


def _render_event_list():
    g.school = _chosen_school()
    if g.school is None:
        return render_template("public/schools.html", schools=all_schools())
    grade = request.args.get("grade")
    if grade not in GRADES:
        grade = None
    now = utcnow()
    upcoming = event_service.upcoming_events(g.school.id, now, grade=grade)
    places = seats.seats_for(upcoming)
    language = current_language()
    return render_template(
        "public/events.html",
        events=open_first([event_view(event, language, places[event.id], now) for event in upcoming]),
        grade=grade,
    )


def _event_view(event, now):
    return event_view(event, current_language(), seats.seats_for([event])[event.id], now)


def _public_event_or_404(event_id):
    event = event_service.public_event(event_id)
    if event is None:
        abort(404)
    g.school = event.school
    return event


@bp.get("/events/<int:event_id>")
def event_detail(event_id):
    def render():
        return render_template("public/event.html", event=_event_view(_public_event_or_404(event_id), utcnow()))

    return _cached_page(render)


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@limit_posts
def register(event_id):
    event = _public_event_or_404(event_id)
    now = utcnow()
    view = _event_view(event, now)
    if view.closed_reason:
        return render_template("public/closed.html", event=view), 410 if request.method == "POST" else 200
    form = registration_form(event, current_language(), formdata=posted_form())
    if request.method == "POST" and form.validate():
        if form.looks_automated():
            form.add_error(None, error_message("looks_automated"))
        elif not take_registration_allowance(event, request.remote_addr):
            form.add_error(None, error_message("too_many_registrations"))
            return _registration_page(event, view, form), 429
        else:
            return _register(event, view, form, now)
    return _registration_page(event, view, form), status_for(form)


def _registration_page(event, view, form):
    return render_template("public/register.html", event=view, form=form, party_limit=event.max_party_size)


def _register(event, view, form, now):
    with service_call(form) as call:
        registered = registration_service.register(
            event.id, form.details(), now, submission_key=form.submission(),
            address_hash=requester_hash(request.remote_addr),
        )
    if not call.succeeded:
        return _registration_refused(call.error, event, view, form, now)
    # Their page says it once, with where the link went; not a second box.
    _remember_token(registered.registration.id, registered.token)
    return redirect(url_for("public.manage", token=registered.token))


def _registration_refused(error, event, view, form, now):
    return refusal_answer(error, view, now) or (_registration_page(event, view, form), 422)


def refusal_answer(error, view, now):
    """The page for a refused registration that is not the form again
    (None when the form should show the refusal on its field)."""
    remembered = _remembered_token(error.params.get("registration_id"))
    if error.code == "duplicate_submission" and remembered:
        return redirect(url_for("public.manage", token=remembered))
    if error.code in ("event_closed", "registration_closed", "event_past", "event_cancelled"):
        return render_template("public/closed.html", event=view), 410
    if error.code == "already_registered":
        # Their link goes again to their own phone or email, never to this page,
        # and the page does not say whether anyone is registered.
        links.send_link_again(error.params["registration_id"], now)
        db.session.commit()
        return render_template("public/link_sent.html")
    return None


def _remember_token(registration_id, token):
    """Keep this registration's manage token in the session only until its
    page opens, so that a second press of Register on the way there leads
    to it too; a shared computer's cookie then holds no family's link."""
    session[JUST_REGISTERED_KEY] = [registration_id, token]


def _remembered_token(registration_id):
    remembered = session.get(JUST_REGISTERED_KEY)
    if registration_id is None or not isinstance(remembered, list) or len(remembered) != 2:
        return None
    return remembered[1] if remembered[0] == registration_id else None


@bp.route("/events/<int:event_id>/decline", methods=["GET", "POST"])
@limit_posts
def decline(event_id):
    event = _public_event_or_404(event_id)
    now = utcnow()
    form = DeclineForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            declines.record_decline(event, form.reason.data, current_language(), now,
                                    note=form.note.data, name=form.name.data)
        if call.succeeded:
            flash(_("Thank you for telling us. It helps us plan events that work for your family."), "success")
            return redirect(url_for("public.event_detail", event_id=event.id))
    return render_template("public/decline.html", event=_event_view(event, now), form=form), status_for(form)


# -- the family's own registration -------------------------------------------------

def found_by_link_or_404(found):
    """What a family's personal link found (a registration or an invitation),
    now the page's school and language; for an old or mistyped link, a page
    that offers to send theirs again."""
    if found is None:
        abort(make_response(render_template("public/dead_link.html", form=LinkAgainForm()), 404))
    g.school = found.event.school
    g.preferred_language = found.language
    return found


def _registration_or_404(token):
    return found_by_link_or_404(registration_service.find_by_token(token))


@bp.after_app_request
def keep_manage_links_private(response):
    if request.endpoint and request.endpoint.startswith("public.manage"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/link", methods=["GET", "POST"])
@limit_posts
def link_again():
    """"Send me my link again": the same answer whoever asks, and the link
    goes only to the phone or email on file."""
    form = LinkAgainForm()
    if form.validate_on_submit():
        links.send_links_to_contact(form.contact.data, utcnow())
        db.session.commit()
        return render_template("public/link_sent.html")
    return render_template("public/dead_link.html", form=form), status_for(form)


@bp.get("/r/<token>")
def manage(token):
    registration = _registration_or_404(token)
    just_registered = _remembered_token(registration.id) is not None
    session.pop(JUST_REGISTERED_KEY, None)
    now = utcnow()
    event = registration.event
    return render_template(
        "public/manage.html",
        link_sent_to=contact_in_words(outbox.channel_for(registration)) if just_registered else None,
        registration=registration,
        event=_event_view(event, now),
        position=seats.waitlist_position(registration),
        token=token,
        qr=qr_svg(registration.checkin_code),
        can_change=registration.status != RegistrationStatus.CANCELLED
        and windows.is_open(event, now),
    )


@bp.get("/r/<token>/calendar.ics")
def manage_calendar(token):
    registration = _registration_or_404(token)
    manage_url = url_for("public.manage", token=token, _external=True)
    body = registration_calendar(registration, current_language(), manage_url)
    return current_app.response_class(
        body, mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="event.ics"'},
    )


@bp.route("/r/<token>/edit", methods=["GET", "POST"])
@limit_posts
def manage_edit(token):
    registration = _registration_or_404(token)
    event, now = registration.event, utcnow()
    view = _event_view(event, now)
    if registration.status == RegistrationStatus.CANCELLED or view.closed_reason:
        return redirect(url_for("public.manage", token=token))
    form = registration_form(event, current_language(), registration=registration, formdata=posted_form())
    needs_waitlist_consent = False
    if request.method == "POST" and form.validate():
        with service_call(form) as call:
            moved = registration_service.update_registration(
                registration.id, form.details(), now, accept_waitlist=bool(form.accept_waitlist.data))
        if call.succeeded:
            flash(_("Your family is now on the waiting list. We will let you know when there is room.") if moved
                  else _("Your changes are saved."), "success")
            return redirect(url_for("public.manage", token=token))
        needs_waitlist_consent = call.error.code == "edit_needs_waitlist"
    return render_template("public/edit.html", event=view, form=form, registration=registration,
                           token=token, party_limit=event.max_party_size,
                           needs_waitlist_consent=needs_waitlist_consent), status_for(form)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
@limit_posts
def manage_cancel(token):
    registration = _registration_or_404(token)
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(url_for("public.manage", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        registration_service.cancel_registration(registration.id, utcnow())
        db.session.commit()
        flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
        return redirect(url_for("public.manage", token=token))
    return render_template("public/cancel.html", event=_event_view(registration.event, utcnow()),
                           registration=registration, token=token, form=form), status_for(form)


@bp.route("/r/<token>/delete", methods=["GET", "POST"])
@limit_posts
def manage_delete(token):
    """The family erases their registration: their name, contact and needs
    are forgotten; only anonymous counts stay for the school's reports."""
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        privacy.erase_registration(registration, utcnow())
        db.session.commit()
        return render_template("public/deleted.html")
    return render_template("public/delete.html", event=_event_view(registration.event, utcnow()), token=token,
                           form=form), status_for(form)


# -- stopping messages ------------------------------------------------------------

@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """An email's unsubscribe link. POST (the button, or a mail client's
    one-click unsubscribe) stops the messages at once."""
    target = read_unsubscribe_token(token)
    if target is None:
        abort(404)
    if request.method == "POST":
        outbox.suppress(*target, utcnow())
        db.session.commit()
        return render_template("public/unsubscribed.html")
    return render_template("public/unsubscribe.html", token=token)


@bp.post("/sms/inbound")
def sms_inbound():
    """The SMS provider's webhook: STOP (and the usual synonyms) stops
    messages to that number at once, START resumes them, and a family
    answers its invitation (see services.sms_replies)."""
    if not valid_provider_signature(request, current_app.config):
        abort(403)
    sender = normalize_phone(request.form.get("From", ""))
    if sender:
        sms_replies.receive(request.form.get("MessageSid", ""), sender, request.form.get("Body") or "", utcnow())
    db.session.commit()
    return current_app.response_class('<?xml version="1.0" encoding="UTF-8"?><Response/>', mimetype="text/xml")
