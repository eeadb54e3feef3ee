"""The counter surface: the clerk's terminal, and the rating tablet facing the visitor.

The terminal is a shell: counter.js signs the clerk in, opens a counter and drives it through the
JSON API, and keeps the queues live from the `/counter` socket. The tablet (rating.js) listens on
the `/rating` socket for its counter's finished tickets and posts the visitor's score. Everything
a script shows in words comes from its page, in the page's language.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from core.center import (
    get_center,
    get_counter,
    list_counters,
    list_priority_categories,
    list_services,
)
from core.errors import NotFound
from core.vocabulary import LOW_SCORE
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


COUNTER_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only, and small enough for SQLite


@bp.get("/rating")
def rating() -> ResponseReturnValue:
    """The tablet facing the visitor at a counter, set up by its address: ?counter=<number>.

    A wrong or missing number answers a page that says how to write the address, with the
    center's counters as links, since whoever sets up a tablet has no other way to find out.
    """
    database = get_db()
    center = get_center(database)
    asked = request.args.get("counter", "").strip()
    if COUNTER_NUMBER.fullmatch(asked):
        try:
            counter = get_counter(database, int(asked))
        except NotFound:
            pass
        else:
            return render_template(
                "counter/rating.html",
                center=center,
                counter=counter,
                low_score=LOW_SCORE[center.rating_scale],
            )
    counters = [counter.number for counter in list_counters(database)]
    return render_template(
        "counter/rating_setup.html", center=center, asked=asked, counters=counters
    ), (400 if not asked else 404)


def _priority_names(database: Any, english: bool) -> dict[str, str]:
    return {
        row["code"]: (row["name_en"] if english and row["name_en"] else row["name"])
        for row in list_priority_categories(database)
    }
