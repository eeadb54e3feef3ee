"""The append-only log of what happened to each ticket and counter, with its time and clerk.

Each row written here also makes the domain event it records (core.domain_events), in the same
transaction: the one place an outbox row will be written too (design.md section 10).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.domain_events import DomainEvent, EventType
from core.models import Ticket, timestamp
from core.rows import rows

# The kind each ticket event is logged as; reports and audits read these names.
TICKET_KINDS = {
    EventType.TICKET_ISSUED: "issued",
    EventType.TICKET_CALLED: "called",
    EventType.TICKET_RECALLED: "recalled",
    EventType.TICKET_STARTED: "started",
    EventType.TICKET_FINISHED: "finished",
    EventType.TICKET_NO_SHOW: "no_show",
    EventType.TICKET_TRANSFERRED: "transferred",
    EventType.TICKET_RETURNED: "returned",
    EventType.TICKET_CANCELLED: "cancelled",
    EventType.TICKET_REACTIVATED: "reactivated",
    EventType.TICKET_PRIORITY_CHANGED: "prioritised",
    EventType.TICKET_EXPIRED: "expired",
    EventType.TICKET_RATED: "rated",
}

# The kind each counter event is logged as, and the status it leaves the counter in.
COUNTER_KINDS = {
    EventType.COUNTER_OPENED: ("opened", "open"),
    EventType.COUNTER_RESUMED: ("resumed", "open"),
    EventType.COUNTER_PAUSED: ("paused", "paused"),
    EventType.COUNTER_CLOSED: ("closed", "closed"),
}


def append_event(
    db: Database,
    ticket: Ticket,
    event: EventType,
    now: datetime,
    *,
    counter: int | None = None,
    clerk: str | None = None,
    data: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> DomainEvent:
    """Log one step of a ticket's life; reports and audits are derived from these rows.

    `ticket` is the ticket after the step. `data` is logged with the row and carried by the
    event; `details` (the call's seq, say) only by the event.
    """
    at = timestamp(now)
    db.execute(
        "INSERT INTO ticket_events (ticket, kind, at, counter, clerk, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [ticket.id, TICKET_KINDS[event], at, counter, clerk, json.dumps(data) if data else None],
    )
    payload = {"label": ticket.label, "priority": ticket.priority, "clerk": clerk}
    return DomainEvent(
        event,
        at,
        ticket=ticket.id,
        counter=counter,
        service=ticket.queue,
        payload={**payload, **(data or {}), **(details or {})},
    )


def append_counter_event(
    db: Database,
    counter: int,
    event: EventType,
    now: datetime,
    *,
    clerk: str | None,
    reason: str | None,
    holder: str | None,
) -> DomainEvent:
    """Log a counter opening, pausing or closing, with who (`clerk`) and why.

    `holder` is the clerk the counter is opened by afterwards (None once closed).
    """
    kind, status = COUNTER_KINDS[event]
    at = timestamp(now)
    db.execute(
        "INSERT INTO counter_events (counter, kind, at, clerk, reason) VALUES (?, ?, ?, ?, ?)",
        [counter, kind, at, clerk, reason],
    )
    return DomainEvent(
        event,
        at,
        counter=counter,
        payload={"status": status, "clerk": holder, "by": clerk, "reason": reason},
    )


def ticket_events(db: Database, ticket_id: int) -> list[dict[str, Any]]:
    events = rows(
        db,
        "SELECT kind, at, counter, clerk, data FROM ticket_events WHERE ticket = ? ORDER BY id",
        [ticket_id],
    )
    return [{**row, "data": json.loads(row["data"]) if row["data"] else None} for row in events]


def record_print(
    db: Database,
    ticket_id: int,
    *,
    kiosk: str | None,
    printer: str,
    ok: bool,
    reason: str | None,
    now: datetime,
) -> None:
    """Log how a ticket printed, so printer trouble shows up in the admin's view."""
    db.execute(
        "INSERT INTO print_jobs (ticket, kiosk, printer, ok, reason, at)"
        " SELECT id, ?, ?, ?, ?, ? FROM tickets WHERE id = ?",
        [kiosk, printer, int(ok), reason, timestamp(now), ticket_id],
    )


def latest_print_status(db: Database) -> dict[str, dict[str, Any]]:
    """Each kiosk's last print, ok or not: where an admin sees which printer needs a hand."""
    latest = rows(
        db,
        "SELECT kiosk, ok, reason, at FROM print_jobs"
        " WHERE id IN (SELECT max(id) FROM print_jobs WHERE kiosk IS NOT NULL GROUP BY kiosk)",
    )
    return {row["kiosk"]: {**row, "ok": bool(row["ok"])} for row in latest}
