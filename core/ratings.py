"""Visitors' ratings of their service, given on the tablet facing them at the counter.

A rating belongs to one finished ticket and is given once, right after the service: the tablet
asks when the clerk presses "finish". The rating tablet is public (no session, no CSRF token) and
ticket ids are small, guessable numbers on the hall's Wi-Fi, so a ticket can be rated only within
RATING_WINDOW of its finish; a script cannot go back over the day and fill the report with
scores nobody gave. Inside the window the only guard is the per-address rate limit of the API.

Like the rest of core/, this module knows nothing of Flask, sockets or the clock of the wall: it
takes the database and `now`, and returns a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.errors import Conflict, InvalidInput
from core.models import TicketStatus, parse_timestamp, timestamp
from core.rows import rows
from core.tickets import get_ticket
from core.transaction import immediate

RATING_WINDOW = timedelta(minutes=30)
COMMENT_MAX_LENGTH = 1000  # the schema's CHECK says the same (db/migrations.py m004_ratings)
SCORES = range(1, 5)  # 4 very satisfied, 3 satisfied, 2 neutral, 1 unsatisfied


@dataclass(frozen=True)
class Rating:
    """One visitor's rating, with the ticket's service, counter, clerk and day for reports."""

    ticket: int
    score: int
    comment: str | None
    at: str
    day: str
    service: str
    counter: int | None
    clerk: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def rate_ticket(
    db: Database, ticket_id: int, score: int, comment: str | None, *, now: datetime
) -> Rating:
    """Store the visitor's score (1..4) and optional comment for a ticket just served.

    Refused with 409 when the ticket is not done (`not_finished`), already rated
    (`already_rated`), or finished more than RATING_WINDOW ago (`too_late`); a blank comment is
    stored as NULL. The rating takes the service that served the ticket (its queue at the end,
    which differs from the numbering service after a transfer), as the report counts it served.
    """
    if isinstance(score, bool) or score not in SCORES:
        raise InvalidInput("The score is 1 (unsatisfied) to 4 (very satisfied).")
    text = (comment or "").strip() or None
    if text is not None and len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"A comment is {COMMENT_MAX_LENGTH} characters at most.")
    with immediate(db):
        ticket = get_ticket(db, ticket_id)
        if ticket.status != TicketStatus.DONE or ticket.finished_at is None:
            raise Conflict(
                f"Ticket {ticket.label} is {ticket.status}: it is rated after its service.",
                code="not_finished",
            )
        if find_rating(db, ticket_id) is not None:
            raise Conflict(f"Ticket {ticket.label} is already rated.", code="already_rated")
        if now - parse_timestamp(ticket.finished_at) > RATING_WINDOW:
            minutes = int(RATING_WINDOW.total_seconds() // 60)
            raise Conflict(
                f"Ticket {ticket.label} finished more than {minutes} minutes ago.",
                code="too_late",
            )
        row = rows(
            db,
            "INSERT INTO ratings (ticket, score, comment, at, day, service, counter, clerk)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            [
                ticket.id,
                score,
                text,
                timestamp(now),
                ticket.day,
                ticket.queue,
                ticket.counter,
                ticket.clerk,
            ],
        )[0]
    return Rating(**row)


def find_rating(db: Database, ticket_id: int) -> Rating | None:
    """The ticket's rating, or None when it has none."""
    for row in rows(db, "SELECT * FROM ratings WHERE ticket = ?", [ticket_id]):
        return Rating(**row)
    return None
