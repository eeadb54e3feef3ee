"""The append-only log of what happened to each ticket and counter, with its time and clerk."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.models import timestamp
from core.rows import rows


def append_event(
    db: Database,
    ticket_id: int,
    kind: str,
    now: datetime,
    *,
    counter: int | None = None,
    clerk: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Log one step of a ticket's life; reports and audits are derived from these rows."""
    db.execute(
        "INSERT INTO ticket_events (ticket, kind, at, counter, clerk, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [ticket_id, kind, timestamp(now), counter, clerk, json.dumps(data) if data else None],
    )


def append_counter_event(
    db: Database, counter: int, kind: str, now: datetime, *, clerk: str | None, reason: str | None
) -> None:
    """Log a counter opening, pausing or closing, with who and why."""
    db.execute(
        "INSERT INTO counter_events (counter, kind, at, clerk, reason) VALUES (?, ?, ?, ?, ?)",
        [counter, kind, timestamp(now), clerk, reason],
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
