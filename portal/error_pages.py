"""The pages a visitor sees when something goes wrong: what happened, and
what to do, in their language."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from .extensions import db

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


def install_error_pages(app):
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, lambda _error: error_page("csrf", 400))
    for status in (400, 403, 404, 413, 429):
        app.register_error_handler(status, lambda _error, status=status: error_page(status, status))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return error_page(500, 500)
