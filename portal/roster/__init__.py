from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/staff/roster")

from . import views  # noqa: E402,F401
