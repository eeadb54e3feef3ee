"""The visitor's phone page, opened from the ticket's QR code: position, wait, the call.

The page arrives with the ticket's state (the same JSON as GET /api/tickets/<token>), so it reads
at once; track.js then polls that route and listens for the hall's calls to update it. Once the
ticket is finished the page asks the visitor to rate the service (rate.js), by the same token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from core.center import get_center, list_services
from core.errors import NotFound
from core.ratings import rating_offer
from core.tickets import find_by_token, track_state
from core.vocabulary import LOW_SCORE
from db.web import get_db, now

bp = Blueprint(
    "track",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/track-static",
)


@bp.get("/t/<token>")
def page(token: str) -> ResponseReturnValue:
    database = get_db()
    center = get_center(database)
    try:
        ticket = find_by_token(database, token)
    except NotFound:
        return render_template("track/unknown.html", center=center), 404
    return render_template(
        "track/track.html",
        center=center,
        ticket=ticket,
        token=token,
        state={
            **track_state(database, ticket, current_app.config["DEFAULT_SERVICE_S"], now=now()),
            "rating": rating_offer(database, ticket, now=now()),
        },
        services={service.code: service for service in list_services(database)},
        low_score=LOW_SCORE[center.rating_scale],
    )
