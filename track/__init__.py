"""The visitor's phone page, opened from the ticket's QR code: position, wait, the call.

The page arrives with the ticket's state (the same JSON as GET /api/tickets/<token>), so it reads
at once; track.js then polls that route and listens for the hall's calls to update it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from core.center import get_center, list_priority_categories, list_services
from core.errors import NotFound
from core.models import Ticket, TicketStatus
from core.tickets import ahead_of, estimate_wait_s, find_by_token
from db.web import get_db

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
        state=ticket_state(database, ticket),
        services={service.code: service for service in list_services(database)},
        priorities={row["code"]: row for row in list_priority_categories(database)},
    )


def ticket_state(database: Any, ticket: Ticket) -> dict[str, Any]:
    """What GET /api/tickets/<token> answers, for the page's first paint."""
    ahead = ahead_of(database, ticket)
    waiting = ticket.status == TicketStatus.WAITING
    return {
        "label": ticket.label,
        "status": str(ticket.status),
        "service": ticket.queue,
        "ahead": ahead,
        "estimated_wait_s": estimate_wait_s(
            database, ticket.queue, ahead, current_app.config["DEFAULT_SERVICE_S"]
        )
        if waiting
        else 0,
        "counter": ticket.counter,
        "called_at": ticket.called_at,
    }
