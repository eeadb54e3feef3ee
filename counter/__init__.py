"""The counter surface: the clerk's terminal (and, later, the rating tablet).

The page is a shell: counter.js signs the clerk in, opens a counter and drives it through the
JSON API, and keeps the queues live from the `/counter` socket. Everything the script shows in
words comes from this page, in the page's language.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from core.center import get_center, list_priority_categories, list_services
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
    english = str(get_locale()) == "en"
    services = [service for service in list_services(database) if service.enabled]
    return render_template(
        "counter/counter.html",
        center=get_center(database),
        services=services,
        service_names={
            service.code: (service.name_en if english and service.name_en else service.name)
            for service in services
        },
        priority_names=_priority_names(database, english),
    )


def _priority_names(database: Any, english: bool) -> dict[str, str]:
    return {
        row["code"]: (row["name_en"] if english and row["name_en"] else row["name"])
        for row in list_priority_categories(database)
    }
