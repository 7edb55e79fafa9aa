from flask import render_template

from ..auth.access import ORGANIZERS, staff_required
from . import bp


@bp.get("/events")
@staff_required(*ORGANIZERS)
def events():
    return render_template("organizer/events.html")


@bp.get("/reports")
@staff_required(*ORGANIZERS)
def reports():
    return render_template("organizer/reports.html")
