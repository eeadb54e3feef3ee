"""The staffing advice page: for supervisors and admins, the counters each service needs in each
hour of the day (core/staffing.py), beside the counters the configuration lets serve it.

A plain GET form like the reports page, so a manager can bookmark the advice for next week's
rota; by default the last 28 days up to yesterday, four of each weekday.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_babel import pgettext

from admin import bp, page
from core.center import get_center
from core.errors import InvalidInput
from core.staffing import default_period, staffing_advice
from db.web import get_db, now


def _day(text: str | None, default: date) -> date | None:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return None


@bp.get("/staffing")
@page("admin.staffing")
def staffing() -> dict[str, Any]:
    database = get_db()
    today = date.fromisoformat(get_center(database).day(now()))
    default_first, default_last = default_period(today)
    first = _day(request.args.get("from"), default_first)
    last = _day(request.args.get("to"), default_last)
    problem = None
    advice = None
    if first is None or last is None:
        problem = pgettext("admin", "A date was not understood: use the calendar to choose it.")
    else:
        try:
            advice = staffing_advice(database, first, last)
        except InvalidInput as refused:
            problem = {
                "bad_period": pgettext(
                    "admin", "Choose a period that ends after it starts, of a year at most."
                )
            }.get(refused.code, refused.message)
    return {
        "advice": advice,
        "problem": problem,
        "first": (first or default_first).isoformat(),
        "last": (last or default_last).isoformat(),
    }
