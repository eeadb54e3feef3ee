"""The audit log: who changed the center's configuration or a staff account, when, and why.

Append-only. This module has no function that changes or removes a row, and the schema's
triggers (migration m002) refuse UPDATE and DELETE on the table, so a row once written stays
as written. A row is appended inside the transaction of the change it describes: a change that
fails leaves no row, and a row never describes a change that did not happen.

The audit page also shows the ticket events that are audits in their own right (a call out of
order, a cancel, a transfer, a reactivation). ticket_events already keeps them with their clerk
and time, so they are read from there and merged by time, never copied.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.models import timestamp
from core.rows import rows

KINDS = ("config", "users", "tickets", "feedback")
USER_ACTIONS = "user.%"
FEEDBACK_ACTIONS = "feedback.%"  # answers to the suggestion box, and changes of their status
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

# The partial index ticket_events_audit covers exactly this condition (keep the two equal).
AUDITED_TICKET_EVENTS = (
    "(e.kind IN ('cancelled', 'transferred', 'reactivated', 'prioritised')"
    " OR (e.kind = 'called' AND e.data IS NOT NULL))"
)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit page, from the log (`source` "audit") or a ticket event."""

    source: str
    id: int
    at: str
    actor: str | None
    action: str
    target: str | None
    details: dict[str, Any] | None
    reason: str | None

    @property
    def kind(self) -> str:
        """config, users, tickets or feedback: the filter of the audit page this entry falls
        under."""
        if self.source == "ticket":
            return "tickets"
        if self.action.startswith("feedback."):
            return "feedback"
        return "users" if self.action.startswith("user.") else "config"

    @property
    def cursor(self) -> str:
        """Where the next page starts (entries strictly older than this one), URL-safe."""
        key = f"{self.at}|{self.source}|{self.id}".encode()
        return base64.urlsafe_b64encode(key).decode().rstrip("=")

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "at": self.at,
            "kind": self.kind,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "details": self.details,
            "reason": self.reason,
        }


def record(
    db: Database,
    *,
    actor: str,
    action: str,
    now: datetime,
    target: str | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> int:
    """Append one row (call it inside the change's transaction); return its id.

    `before` and `after` are the changed item as JSON values (None when it did not exist or
    no longer exists); they must never hold a secret such as a password.
    """
    details = json.dumps({"before": before, "after": after}, ensure_ascii=False)
    cursor = db.execute(
        "INSERT INTO audit_log (at, actor, action, target, details, reason)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [timestamp(now), actor, action, target, details, reason or None],
    )
    return int(cursor.fetchone()[0])


def latest_id(db: Database) -> int:
    """The id of the latest row (0 for none): the configuration's version, as pages see it."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])


def days_to_range(zone: ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    """The moments [start, end) that cover the center days first..last, both included."""
    if last < first:
        raise ValueError("the period ends before it starts")
    start = datetime.combine(first, time(0), tzinfo=zone)
    return start, datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)


def list_entries(
    db: Database,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    kind: str | None = None,
    before: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[AuditEntry]:
    """The log and the audited ticket events in [start, end), newest first, one page.

    `kind` is one of KINDS (None: all); `before` is the `cursor` of the last entry of the
    previous page. An unknown kind or a malformed cursor is a ValueError.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    bounds: list[str] = []
    params: list[Any] = []
    if start is not None:
        bounds.append("at >= ?")
        params.append(timestamp(start))
    if end is not None:
        bounds.append("at < ?")
        params.append(timestamp(end))
    if before is not None:
        bounds.append("(at, source, id) < (?, ?, ?)")
        params += _parse_cursor(before)
    branches, branch_params = [], []
    if kind in (None, "config", "users", "feedback"):
        condition, wanted = {
            None: ("1", []),
            "config": ("action NOT LIKE ? AND action NOT LIKE ?", [USER_ACTIONS, FEEDBACK_ACTIONS]),
            "users": ("action LIKE ?", [USER_ACTIONS]),
            "feedback": ("action LIKE ?", [FEEDBACK_ACTIONS]),
        }[kind]
        branches.append(
            "SELECT 'audit' AS source, id, at, actor, action, target, details, reason"
            f" FROM audit_log WHERE {condition}"
        )
        branch_params += wanted
    if kind in (None, "tickets"):
        branches.append(
            "SELECT 'ticket' AS source, e.id, e.at, e.clerk AS actor,"
            " CASE e.kind WHEN 'called' THEN 'ticket.called_out_of_order'"
            " ELSE 'ticket.' || e.kind END AS action, t.label AS target,"
            " json_set(coalesce(e.data, '{}'), '$.counter', e.counter) AS details,"
            " json_extract(e.data, '$.reason') AS reason"
            " FROM ticket_events e JOIN tickets t ON t.id = e.ticket"
            f" WHERE {AUDITED_TICKET_EVENTS}"
            " AND (e.kind != 'called' OR json_extract(e.data, '$.out_of_order'))"
        )
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    sql = (
        f"SELECT * FROM ({' UNION ALL '.join(branches)}){where}"
        " ORDER BY at DESC, source DESC, id DESC LIMIT ?"
    )
    return [_entry(row) for row in rows(db, sql, [*branch_params, *params, limit])]


def _parse_cursor(cursor: str) -> list[Any]:
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("the page cursor is not one this server gave") from error
    at, _, rest = key.partition("|")
    source, _, number = rest.partition("|")
    if not at or source not in ("audit", "ticket") or not number.isdigit():
        raise ValueError("the page cursor is not one this server gave")
    return [at, source, int(number)]


def _entry(row: dict[str, Any]) -> AuditEntry:
    details = json.loads(row["details"]) if row["details"] else None
    return AuditEntry(
        source=row["source"],
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        details=details,
        reason=row["reason"],
    )
