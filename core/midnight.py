"""The center's day ends at its local midnight: the tickets still waiting from an earlier day are
closed as `expired` (design.md section 9), each with its logged event, so the day's figures say
who was left waiting and the next day's queue starts empty at 001.

Numbering needs nothing here: a ticket's number comes from the sequence row of its service and
center day (core.tickets), so the first ticket after midnight is 001 whatever this module did.
Closing is one SQL statement over the waiting tickets of past days, safe to run any number of
times, from any number of processes: a second run finds nothing left to close. It is run when the
server starts (it may have been off at midnight) and at each local midnight while it runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from core.center import get_center
from core.domain_events import DomainEvent, EventType, committed
from core.events import append_event
from core.models import Ticket, timestamp
from core.tickets import ticket_from_cursor
from core.transaction import immediate


def expire_past_days(db: Database, *, now: datetime) -> list[DomainEvent]:
    """Close as `expired` every ticket still waiting from a center day before today's; answer
    one `ticket_expired` event per ticket closed (none when the day had already rolled)."""
    today = get_center(db).day(now)
    events: list[DomainEvent] = []
    with immediate(db):
        cursor = db.execute(
            "UPDATE tickets SET status = 'expired', finished_at = ?"
            " WHERE status = 'waiting' AND day < ? RETURNING *",
            [timestamp(now), today],
        )
        expired: list[Ticket] = []
        while (ticket := ticket_from_cursor(cursor)) is not None:
            expired.append(ticket)
        for ticket in expired:
            events.append(
                append_event(db, ticket, EventType.TICKET_EXPIRED, now, data={"day": ticket.day})
            )
    return committed(events, *events)


def next_midnight(db: Database, *, now: datetime) -> datetime:
    """The next start of a center day after `now` (in UTC), where the day rolls over."""
    zone = get_center(db).zone
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
