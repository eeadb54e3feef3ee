"""The supervisors' side of the suggestion box: the list by status, with each feedback's age, its
contact, the ticket it is tied to and that ticket's history, and which complaints are overdue.

A complaint is due by the end of the `[feedback] answer_days`-th working day after the day it
was given (core.working_days); still new or in progress after that, it is overdue, and the live
monitor flags it. Reads only.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.configuration.settings import read_feedback_settings
from core.feedback_records import UNANSWERED, FeedbackKind, FeedbackStatus
from core.models import parse_timestamp
from core.rows import rows
from core.working_days import WorkingCalendar, working_calendar

LIST_MAX = 500  # the newest first; older ones stay, and a status filter reaches them


def list_feedback(
    db: Database, *, now: datetime, status: str | None = None, overdue: bool = False
) -> list[dict[str, Any]]:
    """Feedback newest first (of one status, or all), at most LIST_MAX, with contact, age, due
    day and the tied ticket's label and history; `overdue` keeps the overdue complaints only."""
    if status is not None and status not in tuple(FeedbackStatus):
        raise ValueError(f"status must be one of {', '.join(FeedbackStatus)}")
    where, params = ("WHERE f.status = ?", [status]) if status else ("", [])
    if overdue:
        where = "WHERE f.kind = 'complaint' AND f.status IN ('new', 'in_progress')"
        params = []
    found = rows(
        db,
        "SELECT f.*, t.label, t.day AS ticket_day FROM feedback f"
        f" LEFT JOIN tickets t ON t.id = f.ticket {where}"
        " ORDER BY f.created_at DESC, f.id DESC LIMIT ?",
        [*params, LIST_MAX],
    )
    calendar, answer_days = working_calendar(db), read_feedback_settings(db).answer_days
    today = date.fromisoformat(get_center(db).day(now))
    histories = _histories(db, [row["ticket"] for row in found if row["ticket"]])
    listed = []
    for row in found:
        due = _due(row, calendar, answer_days)
        item = _item(row, now, due, today)
        item["working_days"] = calendar.between(date.fromisoformat(row["day"]), today)
        item["ticket_history"] = histories.get(row["ticket"], []) if row["ticket"] else None
        if item["overdue"] or not overdue:
            listed.append(item)
    return listed


def overdue_complaints(db: Database, *, now: datetime) -> list[dict[str, Any]]:
    """The complaints still unanswered after their working days, oldest first: the monitor's
    flag (code, service, counter, age, due day; no text or contact)."""
    overdue = list_feedback(db, now=now, overdue=True)
    keys = ("code", "service", "counter", "status", "created_at", "age_s", "due", "working_days")
    return [{key: item[key] for key in keys} for item in reversed(overdue)]


def status_counts(db: Database) -> dict[str, int]:
    """How many feedbacks have each status (every status named, 0 when none)."""
    counts = {str(status): 0 for status in FeedbackStatus}
    for row in rows(db, "SELECT status, count(*) AS n FROM feedback GROUP BY status"):
        counts[row["status"]] = row["n"]
    return counts


def _due(row: dict[str, Any], calendar: WorkingCalendar, answer_days: int) -> date | None:
    """A complaint's last day for its answer; None for a suggestion or praise."""
    if row["kind"] != FeedbackKind.COMPLAINT:
        return None
    return calendar.after(date.fromisoformat(row["day"]), answer_days)


def _item(row: dict[str, Any], now: datetime, due: date | None, today: date) -> dict[str, Any]:
    unanswered = row["status"] in UNANSWERED
    return {
        "code": row["code"],
        "kind": row["kind"],
        "status": row["status"],
        "text": row["text"],
        "contact": row["contact"],
        "created_at": row["created_at"],
        "age_s": max(0, round((now - parse_timestamp(row["created_at"])).total_seconds())),
        "service": row["service"],
        "counter": row["counter"],
        "clerk": row["clerk"],
        "ticket": row["label"],
        "ticket_day": row["ticket_day"],
        "reply": row["reply"],
        "replied_at": row["replied_at"],
        "replied_by": row["replied_by"],
        "due": due.isoformat() if due else None,
        "overdue": bool(due and unanswered and today > due),
    }


def _histories(db: Database, tickets: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The events of these tickets (issued, called, served...), oldest first, by ticket."""
    if not tickets:
        return {}
    marks = ",".join("?" * len(set(tickets)))
    found = rows(
        db,
        "SELECT ticket, kind, at, counter, clerk, data FROM ticket_events"
        f" WHERE ticket IN ({marks}) ORDER BY id",
        sorted(set(tickets)),
    )
    histories: dict[int, list[dict[str, Any]]] = {}
    for row in found:
        event = {key: row[key] for key in ("kind", "at", "counter", "clerk")}
        event["data"] = json.loads(row["data"]) if row["data"] else None
        histories.setdefault(row["ticket"], []).append(event)
    return histories
