"""The kiosk surface: the touch screen where visitors take a ticket."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from core.center import get_center, list_priority_categories
from db.web import get_db

bp = Blueprint(
    "kiosk",
    __name__,
    url_prefix="/kiosk",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    return render_template(
        "kiosk/kiosk.html",
        center=get_center(database),
        kiosk_id=request.args.get("kiosk", ""),
        priorities=list_priority_categories(database),
    )
