"""Family Events Portal: the application factory."""
import re
from pathlib import Path

from flask import Flask, abort, render_template, request
from flask_babel import lazy_gettext as _l

from .config import DEVELOPMENT_SECRET_KEY, Config
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate


def create_app(config_object=Config, **overrides):
    app = Flask(__name__)
    app.config.from_object(config_object)
    app.config.update(overrides)
    _refuse_public_secret_key(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import models  # noqa: F401  (registers the tables)
    from .database import configure_engine
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    from .public.abuse import check_settings

    check_settings(app.config)
    login_manager.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["POSTGRES_RANDOM_PAGE_COST"])

    from .auth import bp as auth_bp
    from .frontdesk import bp as frontdesk_bp
    from .organizer import bp as organizer_bp
    from .public import bp as public_bp
    from .roster import bp as roster_bp

    app.register_blueprint(public_bp)
    csrf.exempt(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organizer_bp)
    app.register_blueprint(frontdesk_bp)
    app.register_blueprint(roster_bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "warning"

    _install_page_helpers(app)
    _install_error_pages(app)
    _install_language_cookie(app)
    _install_security_headers(app)
    _refuse_untypeable_characters(app)

    from .static_files import install_static_files

    install_static_files(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _refuse_public_secret_key(app):
    """Sessions and links are signed with SECRET_KEY: the development value
    is public, so anyone could sign in as anyone. Only debug and tests may use it."""
    if app.debug or app.testing:
        return
    if app.config.get("SECRET_KEY") in (None, "", DEVELOPMENT_SECRET_KEY):
        raise RuntimeError(
            "SECRET_KEY is not set. The portal will not start with the public development key. "
            "Set SECRET_KEY in the environment to a long random value and keep it across restarts, e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'). "
            "(`make run` makes one and keeps it in instance/secret_key.)"
        )


def _install_page_helpers(app):
    from .i18n import (
        current_language,
        format_moment,
        format_names,
        html_lang,
        lang_attributes,
        language_name,
        text_direction,
    )
    from .messages import (
        DECLINE_REASON_NAMES,
        EVENT_STATUS_NAMES,
        GRADE_NAMES,
        MESSAGE_KIND_NAMES,
        MESSAGE_STATUS_NAMES,
        NEED_NAMES,
        ROLE_NAMES,
        STATUS_NAMES,
    )
    from .models import GRADES
    from .presenters import need_sentences
    from .services.contact import display_phone

    @app.context_processor
    def page_context():
        language = current_language()
        return {
            "page_language": language,
            "page_direction": text_direction(language),
            "shipped_languages": app.config["PORTAL_LANGUAGES"],
            "all_grades": GRADES,
            "role_names": ROLE_NAMES,
            "grade_names": GRADE_NAMES,
            "status_names": STATUS_NAMES,
            "need_names": NEED_NAMES,
            "event_status_names": EVENT_STATUS_NAMES,
            "decline_reason_names": DECLINE_REASON_NAMES,
            "message_kind_names": MESSAGE_KIND_NAMES,
            "message_status_names": MESSAGE_STATUS_NAMES,
        }

    app.add_template_global(language_name)
    app.add_template_global(format_names)
    app.add_template_global(lang_attributes, "lang_attrs")
    app.add_template_filter(html_lang, "html_lang")
    app.add_template_global(text_direction)
    app.add_template_global(need_sentences)
    app.add_template_filter(display_phone, "phone")

    @app.template_global()
    def format_staff_moment(utc_naive):
        from flask import g

        return format_moment(utc_naive, g.school.tz)

    @app.template_global()
    def language_names_for(rows):
        return {code: language_name(code) for code, _count in rows}

    @app.template_global()
    def url_with_language(code):
        args = request.args.to_dict()
        args["lang"] = code
        from urllib.parse import urlencode

        return f"{request.path}?{urlencode(args)}"


ERROR_PAGES = {
    # status: (title, what to do)
    400: (_l("Something was wrong with that request."), _l("Please go back and try again.")),
    403: (_l("This page is not for your role."), _l("Ask your school's portal admin if you need it.")),
    404: (_l("We could not find this page."), _l("The link may be old or not complete.")),
    413: (_l("Something was wrong with that request."), _l("Please go back and try again.")),
    429: (_l("Too many tries in a short time."), _l("Please wait a minute and try again.")),
    500: (_l("Sorry, something went wrong on our side."),
          _l("Please try again in a few minutes. We cannot tell whether what you sent was saved, "
             "so please check first: for example, look for a confirmation message.")),
    "csrf": (_l("This page was open for too long."),
             _l("For your safety, nothing was changed. Please go back, open the page again and try again.")),
}


def error_page(kind, status):
    title, advice = ERROR_PAGES[kind]
    return render_template("errors/page.html", title=title, advice=advice, staff_home=kind == 403), status


def _install_error_pages(app):
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, lambda _error: error_page("csrf", 400))
    for status in (400, 403, 404, 413, 429):
        app.register_error_handler(status, lambda _error, status=status: error_page(status, status))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return error_page(500, 500)


def _install_language_cookie(app):
    from .i18n import is_staff_page

    @app.after_request
    def remember_language(response):
        from .i18n import shipped_language

        requested = shipped_language(request.args.get("lang"))
        if requested and not is_staff_page():
            response.set_cookie(
                app.config["LANGUAGE_COOKIE"], requested, max_age=365 * 24 * 3600,
                samesite="Lax", secure=app.config["SESSION_COOKIE_SECURE"], httponly=True,
            )
        response.headers.setdefault("Vary", "Cookie, Accept-Language")
        return response


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _install_security_headers(app):
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path == "/staff" or request.path.startswith("/staff/"):
            # Staff pages show families' details: never kept by a browser or a proxy.
            response.headers["Cache-Control"] = "no-store"
        return response


# A NUL, or half of a UTF-16 surrogate pair (which JSON can spell as
# "\ud800"): never part of what a person types, and neither PostgreSQL nor
# SQLite's driver can store one.
UNTYPEABLE = re.compile("[\x00\ud800-\udfff]")


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _refuse_untypeable_characters(app):
    """A request carrying such a character is refused before any view sees it."""

    @app.before_request
    def refuse_untypeable():
        values = [value for _key, values in request.args.lists() for value in values]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [value for _key, values in request.form.lists() for value in values]
        elif request.is_json:
            if b"\x00" in request.get_data(cache=True):
                abort(400)
            values += _json_strings(request.get_json(silent=True))
        if any(UNTYPEABLE.search(value) for value in values):
            abort(400)
