"""Ratings: the tablet facing the visitor at each counter sends the score right after the service.

The route is public like the kiosk's (design.md section 4): a tablet has no session and sends no
CSRF token, but a rating by ticket id must come from the tablet paired with the ticket's counter
(its `X-Device-Token`, api/paired.py), or anyone who learns a ticket number rates for its
visitor. It is limited per client address (a paired tablet: per device) by QMS_TICKET_RATE_LIMIT,
the limit of the other public door, counted apart from the tickets' (Flask-Limiter keeps one
count per route): a tablet rates at most once per visitor, far below it, while a script on the
hall's Wi-Fi is slowed.
core.ratings refuses tickets that are not finished, already rated, or finished too long ago.

Nothing is pushed after a rating: no screen shows ratings live, and reports read the table.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.limits import ticket_limited
from api.paired import refuse_unless_tablet_of
from api.schemas import Rating
from api.validation import documented, parse
from core.ratings import rate_ticket
from db.web import get_db, now


@bp.post("/ratings")
@ticket_limited
@documented(
    "Rate a finished ticket (the counter's tablet, within 30 minutes of the finish)",
    body=Rating,
    responses={
        201: "rated: {ticket, score, comment, at}",
        400: "invalid body",
        403: "not_paired, other_counter: not from the tablet paired with the ticket's counter",
        404: "unknown ticket",
        409: "not finished (not_finished), already rated (already_rated) or too late (too_late)",
        429: "too many requests from this client",
    },
)
def rate() -> ResponseReturnValue:
    body = parse(Rating)
    refuse_unless_tablet_of(body.ticket)  # X-Device-Token: the tablet of the ticket's counter
    rating = rate_ticket(get_db(), body.ticket, body.score, body.comment, now=now())
    answer = {
        "ticket": rating.ticket,
        "score": rating.score,
        "comment": rating.comment,
        "at": rating.at,
    }
    return jsonify(answer), 201
