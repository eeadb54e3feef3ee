"""The supervisor's view of the hall: how long each queue has waited against its target.

A queue is overloaded when its oldest waiting visitor has waited past the service's target, or
when visitors wait and no open counter serves them: the two things a supervisor acts on (open a
counter, move a clerk). Reads only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center, list_services
from core.models import parse_timestamp
from core.rows import rows


def queue_overview(db: Database, *, now: datetime) -> list[dict[str, Any]]:
    """Every enabled service: waiting (and of them priority), the longest wait, open counters,
    and the day's bookings with how many of them have checked in."""
    day = get_center(db).day(now)
    waiting = {
        row["queue"]: row
        for row in rows(
            db,
            "SELECT queue, count(*) AS waiting, count(priority) AS priority_waiting,"
            " min(issued_at) AS oldest FROM tickets WHERE day = ? AND status = 'waiting'"
            " GROUP BY queue",
            [day],
        )
    }
    # The day's bookings (cancelled ones left out) and how many have checked in so far.
    bookings = {
        row["service"]: row
        for row in rows(
            db,
            "SELECT service, count(*) AS booked, sum(status = 'checked_in') AS checked_in"
            " FROM appointments WHERE day = ? AND status != 'cancelled' GROUP BY service",
            [day],
        )
    }
    counters: dict[str, list[int]] = {}
    for row in rows(
        db,
        "SELECT service, number FROM counter_services JOIN counters ON counter = number"
        " WHERE status = 'open' ORDER BY number",
    ):
        counters.setdefault(row["service"], []).append(row["number"])
    overview = []
    for service in list_services(db):
        if not service.enabled:
            continue
        queue = waiting.get(service.code)
        longest_s = 0
        if queue is not None:
            longest_s = max(0, round((now - parse_timestamp(queue["oldest"])).total_seconds()))
        open_counters = counters.get(service.code, [])
        count = queue["waiting"] if queue else 0
        overview.append(
            {
                "service": service.code,
                "name": service.name,
                "name_en": service.name_en,
                "department": service.department,
                "waiting": count,
                "priority_waiting": queue["priority_waiting"] if queue else 0,
                "longest_wait_s": longest_s,
                "target_wait_min": service.target_wait_min,
                "open_counters": open_counters,
                "over_target": longest_s > service.target_wait_min * 60,
                "unserved": count > 0 and not open_counters,
                "booked": bookings[service.code]["booked"] if service.code in bookings else 0,
                "checked_in": bookings[service.code]["checked_in"]
                if service.code in bookings
                else 0,
            }
        )
    return overview
