"""Ratings: the tablet facing the visitor at the counter sends the score right after the service,
or the visitor sends it from their phone, by the ticket's track token.

The route is public like the kiosk's (design.md section 4): neither a tablet nor a phone has a
session or a CSRF token. The body names the ticket one way or the other: `token` (the phone's
track token) or `ticket` (its id, the tablet's); a rating by ticket id must come from the tablet
paired with the ticket's counter (its `X-Device-Token`, api/paired.py), or anyone who learns a
ticket number rates for its visitor. It is limited per client address (a paired tablet: per
device) by QMS_TICKET_RATE_LIMIT, the limit of the other public door, counted apart from the
tickets' (Flask-Limiter keeps one count per route): a visitor rates once, far below it, while a
script on the hall's Wi-Fi is slowed.
core.ratings refuses tickets that are not finished, already rated, or finished too long ago.

After the commit the rating is dispatched (realtime.py): a low one reaches the supervisors' live
monitor at once.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.limits import ticket_limited
from api.paired import refuse_unless_tablet_of
from api.schemas import Rating
from api.validation import documented, parse
from core.domain_events import collect
from core.ratings import rate_by_token, rate_ticket
from db.web import get_db, now


@bp.post("/ratings")
@ticket_limited
@documented(
    "Rate a finished ticket: the counter's tablet by `ticket` (within 30 minutes of the"
    " finish), or the visitor's phone by the ticket's track `token` (within 24 hours)",
    body=Rating,
    responses={
        201: "rated: {ticket, score, scale, level, low, reasons, comment, dossier, at}",
        400: "invalid body, a score beyond the center's scale (bad_score), reasons for a score"
        " that is not low (bad_reason)",
        403: "not_paired, other_counter: a rating by ticket id not from the tablet paired with"
        " the ticket's counter",
        404: "unknown ticket or token",
        409: "not finished (not_finished), already rated (already_rated) or too late (too_late)",
        429: "too many requests from this client",
    },
)
def rate() -> ResponseReturnValue:
    body = parse(Rating)
    database = get_db()
    score, comment, reasons = body.score, body.comment, body.reasons
    if body.token is not None:
        rating, events = collect(
            rate_by_token, database, body.token, score, comment, now=now(), reasons=reasons
        )
    else:
        assert body.ticket is not None  # the body has one or the other
        refuse_unless_tablet_of(body.ticket)  # X-Device-Token: the tablet of the ticket's counter
        rating, events = collect(
            rate_ticket, database, body.ticket, score, comment, now=now(), reasons=reasons
        )
    realtime.dispatch(events)
    answer = {
        key: value
        for key, value in rating.to_dict().items()
        if key not in ("day", "service", "counter", "clerk", "source")
    }
    return jsonify(answer), 201
