from flask import Blueprint

bp = Blueprint("frontdesk", __name__, url_prefix="/staff/checkin")

from . import api, views  # noqa: E402,F401
