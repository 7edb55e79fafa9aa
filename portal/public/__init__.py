from flask import Blueprint

bp = Blueprint("public", __name__)

from . import invitations, views  # noqa: E402,F401
