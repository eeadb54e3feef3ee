"""Snapshots for the screens: the hall board (latest calls, waiting per service) and the kiosk's
list of services with their waits. Pushed whole, so a screen that missed an event heals itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center, list_departments, list_services
from core.rows import rows
from core.schedule import holiday_dates, opening_spans
from core.tickets import DEFAULT_SERVICE_S, estimate_wait_s, is_within_hours, wait_range_min

BOARD_CALLS = 8


def waiting_counts(db: Database, day: str) -> dict[str, int]:
    """Tickets waiting today, per service queue (every enabled service, zeros included)."""
    counts = {service.code: 0 for service in list_services(db) if service.enabled}
    for row in rows(
        db, "SELECT queue, regular + priority AS n FROM queue_lengths WHERE day = ?", [day]
    ):
        if row["n"] or row["queue"] in counts:
            counts[row["queue"]] = row["n"]
    return counts


def latest_seq(db: Database) -> int:
    return int(db.execute("SELECT coalesce(max(seq), 0) FROM calls").fetchone()[0])


def board(db: Database, *, now: datetime) -> dict[str, Any]:
    """The board as staff see it: the seq of the latest call, the last calls with their priority
    category, who waits. The hall sees `public_board` of it."""
    day = get_center(db).day(now)
    calls = [
        {key: row[key] for key in ("label", "counter", "service", "priority", "at")}
        # a recall moves its ticket up: each ticket is shown once, at its latest call
        for row in rows(
            db,
            "SELECT label, counter, service, priority, at FROM calls WHERE seq IN"
            " (SELECT max(seq) FROM calls WHERE day = ? GROUP BY ticket) ORDER BY seq DESC LIMIT ?",
            [day, BOARD_CALLS],
        )
    ]
    return {"seq": latest_seq(db), "calls": calls, "waiting": waiting_counts(db, day)}


def public_board(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The board for the hall: each call says whether it is priority, never why (a visitor's
    pregnancy or disability is not the hall's business)."""
    calls = [{**call, "priority": call["priority"] is not None} for call in snapshot["calls"]]
    return {**snapshot, "calls": calls}


def services_overview(
    db: Database, *, now: datetime, default_service_s: int = DEFAULT_SERVICE_S
) -> list[dict[str, Any]]:
    """Every enabled service as the kiosk shows it: waiting, expected wait, open or why not."""
    center = get_center(db)
    day = center.day(now)
    waiting = waiting_counts(db, day)
    issued = {
        row["service"]: row["last_number"]
        for row in rows(db, "SELECT service, last_number FROM sequences WHERE day = ?", [day])
    }
    departments = {department.code: department for department in list_departments(db)}
    holidays, today = holiday_dates(db), now.astimezone(center.zone).date()
    overview = []
    for service in list_services(db):
        if not service.enabled:
            continue
        closed_reason = None
        if not is_within_hours(service, center.zone, now, holidays=holidays):
            closed_reason = "hours"
        elif service.daily_quota is not None and issued.get(service.code, 0) >= service.daily_quota:
            closed_reason = "quota_reached"
        department = departments[service.department]
        estimated = estimate_wait_s(
            db, service.code, waiting.get(service.code, 0), default_service_s
        )
        overview.append(
            {
                "code": service.code,
                "name": service.name,
                "name_en": service.name_en,
                "department": service.department,
                "department_name": department.name,
                "department_name_en": department.name_en,
                "waiting": waiting.get(service.code, 0),
                "estimated_wait_s": estimated,
                "estimated_wait_range_min": list(wait_range_min(estimated)),
                "is_open": closed_reason is None,
                "closed_reason": closed_reason,
                "guide": service.guide,
                "hours": [
                    f"{start}-{end}"
                    for start, end in opening_spans(service.hours, service.week, today, holidays)
                    or ()
                ],
            }
        )
    return overview
