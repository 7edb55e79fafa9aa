from flask import Blueprint, redirect, request

bp = Blueprint("frontdesk", __name__, url_prefix="/staff/frontdesk")

# The front desk's pages were at /staff/frontdesk: tablets keep that address
# bookmarked, so it leads to the same page at its new one.
old_address = Blueprint("frontdesk_old_address", __name__, url_prefix="/staff/checkin")


@old_address.get("/", defaults={"rest": ""})
@old_address.get("/<path:rest>")
def moved(rest):
    query = request.query_string.decode()
    return redirect(f"{bp.url_prefix}/{rest}" + (f"?{query}" if query else ""), code=301)


from . import api, views  # noqa: E402,F401
