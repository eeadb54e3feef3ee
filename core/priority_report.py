"""What serving priority visitors first costs the others (`GET /api/reports/priority`).

The share of priority visitors of a period, and the minutes priority added to the waits of the
regular visitors: each day is replayed (core/replay.py) twice on its real arrivals and plan,
once as it ran and once with nobody priority, and the regular visitors' mean waits are compared.
Both runs use the same model, so what it cannot know (a clerk's pace on that day) cancels out.
A replay takes tens of milliseconds per day; the period is bounded to MAX_DAYS days.
"""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from core.errors import InvalidInput
from core.replay import replay
from core.simulation import day_visits, real_plan

MAX_DAYS = 62


def priority_impact(db: Database, first: date, last: date) -> dict[str, Any]:
    """The priority visitors' share and the minutes priority added to regular visitors' waits."""
    if last < first or (last - first).days >= MAX_DAYS:
        raise InvalidInput(
            f"The cost of priority is worked out over {MAX_DAYS} days at most.", "bad_period"
        )
    days = [
        date.fromisoformat(day)
        for (day,) in db.execute(
            "SELECT DISTINCT day FROM tickets WHERE day BETWEEN ? AND ? ORDER BY day",
            [first.isoformat(), last.isoformat()],
        )
    ]
    tickets = priority = 0
    with_priority: list[float] = []
    without_priority: list[float] = []
    for day in days:
        visits = day_visits(db, day)
        plan = real_plan(db, day)
        tickets += len(visits)
        priority += sum(visit.priority for visit in visits)
        as_run = replay(visits, plan).waits
        equal = replay([replace(visit, priority=False) for visit in visits], plan).waits
        for visit in visits:
            if not visit.priority and visit.ticket in as_run and visit.ticket in equal:
                with_priority.append(as_run[visit.ticket])
                without_priority.append(equal[visit.ticket])
    mean_with = statistics.fmean(with_priority) / 60 if with_priority else None
    mean_without = statistics.fmean(without_priority) / 60 if without_priority else None
    return {
        "from": first.isoformat(),
        "to": (first + timedelta(days=(last - first).days)).isoformat(),
        "days": len(days),
        "tickets": tickets,
        "priority": priority,
        "priority_share": round(priority / tickets, 3) if tickets else None,
        "regular_wait_min": None if mean_with is None else round(mean_with, 1),
        "regular_wait_without_priority_min": (
            None if mean_without is None else round(mean_without, 1)
        ),
        "minutes_added": (
            None
            if mean_with is None or mean_without is None
            else round(mean_with - mean_without, 1)
        ),
    }
