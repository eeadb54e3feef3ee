"""The counter surface: the clerk's terminal, and the rating tablet facing the visitor.

The terminal is a shell: counter.js signs the clerk in, opens a counter and drives it through the
JSON API, and keeps the queues live from the `/counter` socket. The tablet (rating.js) listens on
the `/rating` socket for its counter's finished tickets and posts the visitor's score; while it
asks nothing it shows the face of the screen over the counter (screen.js, counter_face.js: the
counter, the number in hand and the clerk, from the `/display` pushes). Everything
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
from core.counter_screens import counter_screen
from core.errors import NotFound
from core.models import Counter
from core.vocabulary import LOW_SCORE, counter_name
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


def asked_counter(database: Any) -> tuple[Counter | None, str]:
    """The counter a screen or a tablet is set up for, and what its address asked.

    Its address says it today (?counter=<number>); a device paired with a counter is resolved
    here too. None when the address names no counter of this center.
    """
    asked = request.args.get("counter", "").strip()
    if COUNTER_NUMBER.fullmatch(asked):
        try:
            return get_counter(database, int(asked)), asked
        except NotFound:
            pass
    return None, asked


def face_context(database: Any, counter: Counter) -> dict[str, Any]:
    """What counter/_counter_face.html draws: the counter, its state, the services' names."""
    english = str(get_locale()) == "en"
    return {
        "counter": counter,
        "counter_name": counter.name if counter.name != counter_name(counter.number) else "",
        "service_names": {
            service.code: (service.name_en if english and service.name_en else service.name)
            for service in list_services(database)
        },
        "screen": counter_screen(database, counter.number),
    }


@bp.get("/rating")
def rating() -> ResponseReturnValue:
    """The tablet facing the visitor at a counter, set up by its address: ?counter=<number>.

    A wrong or missing number answers a page that says how to write the address, with the
    center's counters as links, since whoever sets up a tablet has no other way to find out.
    """
    return _for_counter("counter/rating.html", "counter/rating_setup.html")


@bp.get("/screen")
def screen() -> ResponseReturnValue:
    """The screen over a counter (?counter=<number>): the number in hand, the clerk, or what the
    counter takes when idle; a wrong or missing number answers the page saying how to set it."""
    return _for_counter("counter/screen.html", "counter/screen_setup.html")


def _for_counter(template: str, setup_template: str) -> ResponseReturnValue:
    database = get_db()
    center = get_center(database)
    counter, asked = asked_counter(database)
    if counter is not None:
        context = face_context(database, counter)
        low_score = LOW_SCORE[center.rating_scale]
        return render_template(template, center=center, low_score=low_score, **context)
    counters = [counter.number for counter in list_counters(database)]
    return render_template(setup_template, center=center, asked=asked, counters=counters), (
        400 if not asked else 404
    )


def _priority_names(database: Any, english: bool) -> dict[str, str]:
    return {
        row["code"]: (row["name_en"] if english and row["name_en"] else row["name"])
        for row in list_priority_categories(database)
    }
