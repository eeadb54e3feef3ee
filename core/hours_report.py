"""When visitors come and how long they wait: a period's tickets by weekday and hour of the day
(`GET /api/reports/hours`, the heat map of the reports page, the "hours" sheet of the workbook).

Hours are the center's local hours; a ticket counts in the hour it was issued. `issued_per_day`
divides by the days of that weekday in the period that had any ticket, so a Monday's 9:00 reads
as "visitors on an ordinary Monday at 9", whatever the length of the period. Waits are those of
served tickets, from issue to call, as the summary counts them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.reports import check_period


def hours_report(db: Database, first: date, last: date) -> dict[str, Any]:
    """Issued, served and the mean wait per weekday (0 Monday .. 6 Sunday) and local hour."""
    check_period(first, last)
    zone = get_center(db).zone
    issued: dict[tuple[int, int], int] = {}
    served: dict[tuple[int, int], int] = {}
    wait_sums: dict[tuple[int, int], float] = {}
    days: dict[int, set[str]] = {}
    # SQLite groups by day and UTC hour; each group's local weekday and hour is worked out
    # once (a year is a few thousand groups, not 150,000 tickets), DST included. A zone whose
    # offset is not whole hours (India, Nepal) is grouped by the minute instead.
    offset = datetime.combine(first, time(12), zone).utcoffset() or timedelta()
    width = 13 if offset.total_seconds() % 3600 == 0 else 16
    for day, utc_start, count, done, wait_s in db.execute(
        "SELECT day, substr(issued_at, 1, ?), count(*), count(CASE WHEN status = 'done' THEN 1"
        " END), sum(CASE WHEN status = 'done' THEN (julianday(called_at) - julianday(issued_at))"
        " * 86400.0 END) FROM tickets WHERE day BETWEEN ? AND ? GROUP BY 1, 2",
        [width, first.isoformat(), last.isoformat()],
    ):
        minute = utc_start if width == 16 else utc_start + ":00"
        moment = datetime.fromisoformat(minute + ":00+00:00").astimezone(zone)
        key = (moment.weekday(), moment.hour)
        issued[key] = issued.get(key, 0) + count
        served[key] = served.get(key, 0) + done
        wait_sums[key] = wait_sums.get(key, 0.0) + (wait_s or 0.0)
        days.setdefault(moment.weekday(), set()).add(day)
    means = {key: round(wait_sums[key] / count) for key, count in served.items() if count}
    cells = [
        {
            "weekday": weekday,
            "hour": hour,
            "issued": count,
            "issued_per_day": round(count / len(days[weekday]), 1),
            "served": served[(weekday, hour)],
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
