"""Staffing advice for supervisors: how many counters each service needs in each hour of the day,
from the history of a period (how it is worked out is said in core/staffing.py).

The period is `from` and `to`, center days `YYYY-MM-DD`, both included; by default the last 28
days up to yesterday, since today is not over and a month gives four of each weekday.
"""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SUPERVISORS, require
from api.validation import documented
from core.center import get_center
from core.errors import InvalidInput
from core.staffing import default_period, staffing_advice
from db.web import get_db, now


def advice_period() -> tuple[date, date]:
    """The request's `from` and `to`, each defaulting to its end of the last 28 days."""
    today = date.fromisoformat(get_center(get_db()).day(now()))
    days = []
    for name, default in zip(("from", "to"), default_period(today), strict=True):
        text = request.args.get(name)
        try:
            days.append(date.fromisoformat(text) if text else default)
        except ValueError:
            raise InvalidInput(
                f"{name!r} must be a date such as 2026-11-30, not {text!r}.", code="bad_date"
            ) from None
    return days[0], days[1]


@bp.get("/reports/staffing", endpoint="staffing_advice")
@require(*SUPERVISORS)
@documented(
    "Counters each service needs per hour of the day (?from=&to=, default the last 28 days)",
    access="supervisor",
    responses={200: "the advice", 400: "bad dates"},
)
def advise_staffing() -> ResponseReturnValue:
    return jsonify(staffing_advice(get_db(), *advice_period()))
