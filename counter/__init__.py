"""The counter surface: the clerk's terminal (and, later, the rating tablet)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from core.center import get_center, list_services
from db.web import get_db

bp = Blueprint(
    "counter",
    __name__,
    url_prefix="/counter",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    return render_template(
        "counter/counter.html",
        center=get_center(database),
        services=[service for service in list_services(database) if service.enabled],
    )
