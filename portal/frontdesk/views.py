from flask import render_template

from ..auth.access import DOOR_STAFF, staff_required
from . import bp


@bp.get("/")
@staff_required(*DOOR_STAFF)
def today():
    return render_template("frontdesk/today.html")
