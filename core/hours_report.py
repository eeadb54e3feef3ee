"""When visitors come and how long they wait: a period's tickets by weekday and hour of the day
(`GET /api/reports/hours`, the heat map of the reports page, the "hours" sheet of the workbook).

Hours are the center's local hours; a ticket counts in the hour it was issued. `issued_per_day`
divides by the days of that weekday in the period that had any ticket, so a Monday's 9:00 reads
as "visitors on an ordinary Monday at 9", whatever the length of the period. Waits are those of
served tickets, from issue to call, as the summary counts them.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.reports import check_period


def hours_report(db: Database, first: date, last: date) -> dict[str, Any]:
    """Issued, served and the mean wait per weekday (0 Monday .. 6 Sunday) and local hour."""
    check_period(first, last)
    zone = get_center(db).zone
    issued: dict[tuple[int, int], int] = {}
    waits: dict[tuple[int, int], list[float]] = {}
    days: dict[int, set[str]] = {}
    for day, issued_at, wait_s in db.execute(
        "SELECT day, issued_at, CASE WHEN status = 'done' THEN"
        " (julianday(called_at) - julianday(issued_at)) * 86400.0 END"
        " FROM tickets WHERE day BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ):
        moment = datetime.fromisoformat(issued_at).astimezone(zone)
        key = (moment.weekday(), moment.hour)
        issued[key] = issued.get(key, 0) + 1
        days.setdefault(moment.weekday(), set()).add(day)
        if wait_s is not None:
            waits.setdefault(key, []).append(wait_s)
    means = {key: round(statistics.fmean(found)) for key, found in waits.items()}
    cells = [
        {
            "weekday": weekday,
            "hour": hour,
            "issued": count,
            "issued_per_day": round(count / len(days[weekday]), 1),
            "served": len(waits.get((weekday, hour), [])),
            "wait_mean_s": means.get((weekday, hour)),
        }
        for (weekday, hour), count in sorted(issued.items())
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": {str(weekday): len(found) for weekday, found in sorted(days.items())},
        "hours": sorted({hour for _, hour in issued}),
        "cells": cells,
    }
