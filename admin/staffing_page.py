"""The staffing advice page: for supervisors and admins, the counters each service needs in each
hour of the day (core/staffing.py), beside the counters the configuration lets serve it.

A plain GET form like the reports page, so a manager can bookmark the advice for next week's
rota; by default the last 28 days up to yesterday, four of each weekday.
"""

from __future__ import annotations

from typing import Any

from admin import bp, page
from admin.reports_page import center_today, period_page
from core.staffing import default_period, staffing_advice


@bp.get("/staffing")
@page("admin.staffing")
def staffing() -> dict[str, Any]:
    shown = period_page(staffing_advice, *default_period(center_today()))
    advice = shown.pop("result")
    return {**shown, "advice": advice}
