from flask import Blueprint

bp = Blueprint("organizer", __name__, url_prefix="/staff")

from . import invitations, reach, views  # noqa: E402,F401
