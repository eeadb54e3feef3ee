"""Visitors' ratings of their service: on the tablet facing them at the counter, or on their
phone by the ticket's track link.

A rating belongs to one finished ticket and is given once. The tablet asks when the clerk
presses "finish"; ticket ids are small, guessable numbers on the hall's Wi-Fi, so a ticket can be
rated by id only within RATING_WINDOW of its finish (and only by a tablet the API lets through);
a script cannot go back over the day and fill the report with scores nobody gave. The phone
holds the ticket's unguessable track token, and may rate within PHONE_RATING_WINDOW.

The scale is the center's (`[center] rating_scale`, 3 levels or 4 faces); each rating keeps the
scale it was given on, so ratings given before a change of scale keep their meaning: reports
convert them with `level_on` (four faces to three: the two lowest are "Không hài lòng", as they
are the low ones). A low rating may say why (core.vocabulary.RATING_REASONS) and carries the
ticket's dossier code, for the per-dossier figure.

Like the rest of core/, this module knows nothing of Flask, sockets or the clock of the wall: it
takes the database and `now`, and returns a frozen dataclass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.domain_events import EventType, committed
from core.errors import Conflict, InvalidInput
from core.events import append_event
from core.models import Ticket, TicketStatus, parse_timestamp, timestamp
from core.rows import rows
from core.tickets import find_by_token, get_ticket
from core.transaction import immediate
from core.vocabulary import LOW_SCORE, RATING_COMMENT_MAX, RATING_LEVELS, RATING_REASONS

RATING_WINDOW = timedelta(minutes=30)
PHONE_RATING_WINDOW = timedelta(hours=24)
COMMENT_MAX_LENGTH = RATING_COMMENT_MAX
SOURCES = ("tablet", "phone")


@dataclass(frozen=True)
class Rating:
    """One visitor's rating, with the ticket's service, counter, clerk, day and dossier."""

    ticket: int
    score: int
    comment: str | None
    at: str
    day: str
    service: str
    counter: int | None
    clerk: str | None
    scale: int = 4
    reasons: tuple[str, ...] = ()
    source: str = "tablet"
    dossier: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Rating:
        reasons = tuple(json.loads(row["reasons"])) if row.get("reasons") else ()
        return cls(**{**row, "reasons": reasons})

    @property
    def low(self) -> bool:
        return is_low(self.score, self.scale)

    @property
    def level(self) -> str:
        return RATING_LEVELS[self.scale][self.score - 1]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reasons": list(self.reasons), "low": self.low, "level": self.level}


def is_low(score: int, scale: int) -> bool:
    """Whether a score is low: "Không hài lòng" of three, the two lowest of four faces."""
    return score <= LOW_SCORE[scale]


def level_on(score: int, scale: int, to_scale: int) -> int:
    """A score given on `scale` as the level of `to_scale` that means the same.

    Four faces to three: very satisfied and satisfied stay, neutral and unsatisfied are both
    "Không hài lòng" (both are low). Three to four: the two upper levels go to the upper faces,
    "Không hài lòng" to the lowest face.
    """
    if scale == to_scale:
        return score
    if scale == 4:
        return max(score - 1, 1)
    return score + 1 if score > 1 else 1


def rate_ticket(
    db: Database,
    ticket_id: int,
    score: int,
    comment: str | None,
    *,
    now: datetime,
    reasons: Sequence[str] = (),
) -> Rating:
    """Store the score (1..the center's scale), reasons and comment the counter's tablet sent.

    Refused with 409 when the ticket is not done (`not_finished`), already rated
    (`already_rated`), or finished more than RATING_WINDOW ago (`too_late`); a blank comment is
    stored as NULL. The rating takes the service that served the ticket (its queue at the end,
    which differs from the numbering service after a transfer), as the report counts it served.
    """
    return _rate(db, get_ticket, ticket_id, score, comment, reasons, "tablet", now=now)


def rate_by_token(
    db: Database,
    token: str,
    score: int,
    comment: str | None,
    *,
    now: datetime,
    reasons: Sequence[str] = (),
) -> Rating:
    """Store the rating a visitor gave on their phone, by the ticket's track token.

    As `rate_ticket`, within PHONE_RATING_WINDOW of the finish; an unknown token is NotFound.
    """
    return _rate(db, find_by_token, token, score, comment, reasons, "phone", now=now)


def _rate(
    db: Database,
    find: Callable[[Database, Any], Ticket],
    key: Any,
    score: int,
    comment: str | None,
    reasons: Sequence[str],
    source: str,
    *,
    now: datetime,
) -> Rating:
    scale = get_center(db).rating_scale
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= scale:
        words = " / ".join(RATING_LEVELS[scale])
        raise InvalidInput(f"The score is 1 to {scale} ({words}).", code="bad_score")
    text = (comment or "").strip() or None
    if text is not None and len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(f"A comment is {COMMENT_MAX_LENGTH} characters at most.")
    chosen = _reasons(reasons, low=is_low(score, scale))
    window = PHONE_RATING_WINDOW if source == "phone" else RATING_WINDOW
    with immediate(db):
        ticket = find(db, key)
        _check_rateable(db, ticket, window, now)
        row = rows(
            db,
            "INSERT INTO ratings (ticket, score, comment, at, day, service, counter, clerk,"
            " scale, reasons, source, dossier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING *",
            [
                ticket.id,
                score,
                text,
                timestamp(now),
                ticket.day,
                ticket.queue,
                ticket.counter,
                ticket.clerk,
                scale,
                json.dumps(list(chosen)) if chosen else None,
                source,
                ticket.dossier,
            ],
        )[0]
        rating = Rating.from_row(row)
        # The event carries whether there is a comment, never its text: a comment is personal
        # and stays in the center (design.md section 10); the monitor reads it from the table.
        event = append_event(
            db,
            ticket,
            EventType.TICKET_RATED,
            now,
            counter=ticket.counter,
            clerk=ticket.clerk,
            data={
                "score": score,
                "scale": scale,
                "low": rating.low,
                "reasons": list(chosen),
                "commented": text is not None,
                "source": source,
                "dossier": ticket.dossier,
            },
        )
    return committed(rating, event)


def _reasons(reasons: Sequence[str], *, low: bool) -> tuple[str, ...]:
    """The reasons as given, each known and once; only a low rating says why."""
    chosen = tuple(reasons)
    unknown = [reason for reason in chosen if reason not in RATING_REASONS]
    if unknown:
        raise InvalidInput(
            f"Unknown reason {unknown[0]!r}: the reasons are {', '.join(RATING_REASONS)}.",
            code="bad_reason",
        )
    if len(set(chosen)) != len(chosen):
        raise InvalidInput("A reason is given twice.", code="bad_reason")
    if chosen and not low:
        raise InvalidInput("Only a low rating gives reasons.", code="bad_reason")
    return chosen


def _check_rateable(db: Database, ticket: Ticket, window: timedelta, now: datetime) -> None:
    if ticket.status != TicketStatus.DONE or ticket.finished_at is None:
        raise Conflict(
            f"Ticket {ticket.label} is {ticket.status}: it is rated after its service.",
            code="not_finished",
        )
    if find_rating(db, ticket.id) is not None:
        raise Conflict(f"Ticket {ticket.label} is already rated.", code="already_rated")
    if now - parse_timestamp(ticket.finished_at) > window:
        minutes = int(window.total_seconds() // 60)
        since = f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"
        raise Conflict(f"Ticket {ticket.label} finished more than {since} ago.", code="too_late")


def find_rating(db: Database, ticket_id: int) -> Rating | None:
    """The ticket's rating, or None when it has none."""
    for row in rows(db, "SELECT * FROM ratings WHERE ticket = ?", [ticket_id]):
        return Rating.from_row(row)
    return None


def rating_offer(db: Database, ticket: Ticket, *, now: datetime) -> dict[str, Any] | None:
    """What the visitor's phone may do about rating a ticket: None until it is finished; then
    whether it is rated, whether it still may be, and on which scale."""
    if ticket.status != TicketStatus.DONE or ticket.finished_at is None:
        return None
    rated = find_rating(db, ticket.id) is not None
    within = now - parse_timestamp(ticket.finished_at) <= PHONE_RATING_WINDOW
    return {"rated": rated, "open": within and not rated, "scale": get_center(db).rating_scale}
