"""Reports for supervisors: the summary of a period (design.md section 4), as JSON and as CSV,
and the staffing advice drawn from a period's history.

The period is `from` and `to`, center days `YYYY-MM-DD`, both included: today by default for
the summary; for the advice the last 28 days up to yesterday, since today is not over and four
weeks give four of each weekday. What each figure means is said in core/reports.py and
core/staffing.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SUPERVISORS, require
from api.validation import documented
from api.workbook import summary_workbook, xlsx_download
from core.center import get_center
from core.errors import InvalidInput
from core.hours_report import hours_report
from core.priority_report import priority_impact
from core.promise import promise_report
from core.reports import summary
from core.staffing import default_period, staffing_advice
from core.utilisation import clerk_time
from core.vocabulary import RATING_REASONS
from db.web import get_db, now

CSV_COLUMNS = (
    "issued",
    "served",
    "no_show",
    "cancelled",
    "expired",
    "wait_mean_s",
    "wait_p90_s",
    "service_mean_s",
    "service_p90_s",
    "service_level",
    "rating_mean",
    "ratings",
    "satisfied_share",
    "low_ratings",
    *(f"reason_{reason}" for reason in RATING_REASONS),
)
ANSWERS = {200: "the summary", 400: "bad dates"}
# The days a period may name: each one's midnights, in any time zone, must be datetimes.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


def today() -> date:
    return date.fromisoformat(get_center(get_db()).day(now()))


def period(defaults: tuple[date, date] | None = None) -> tuple[date, date]:
    """The request's `from` and `to`, each defaulting to its end of `defaults` (today)."""
    days = []
    for name, default in zip(("from", "to"), defaults or (today(), today()), strict=True):
        text = request.args.get(name)
        try:
            day = date.fromisoformat(text) if text else default
        except ValueError:
            raise InvalidInput(
                f"{name!r} must be a date such as 2026-11-30, not {text!r}.", code="bad_date"
            ) from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(
                f"{name!r} must lie between {FIRST_DAY} and {LAST_DAY}, not {text!r}.",
                code="bad_date",
            )
        days.append(day)
    return days[0], days[1]


@bp.get("/reports/summary")
@require(*SUPERVISORS)
@documented(
    "Summary of a period (?from=&to=, inclusive): per service, counter and clerk",
    access="supervisor",
    responses=ANSWERS,
)
def report_summary() -> ResponseReturnValue:
    return jsonify(summary(get_db(), *period()))


@bp.get("/reports/summary.csv")
@require(*SUPERVISORS)
@documented(
    "The same summary as a spreadsheet (CSV, UTF-8 with BOM for Excel)",
    access="supervisor",
    responses=ANSWERS,
)
def report_summary_csv() -> ResponseReturnValue:
    first, last = period()
    report = summary(get_db(), first, last)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads Vietnamese right only with the BOM
    writer = csv.writer(out)
    writer.writerow(("table", "key", "name", *CSV_COLUMNS))
    writer.writerow(_line("total", "", "", report["totals"]))
    for row in report["services"]:
        writer.writerow(_line("service", row["service"], row["name"], row))
    for row in report["counters"]:
        writer.writerow(_line("counter", row["counter"], row["name"], row))
    for row in report["clerks"]:
        writer.writerow(_line("clerk", row["clerk"], row["clerk"], row))
    name = f"report-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/staffing")
@require(*SUPERVISORS)
@documented(
    "Counters each service needs per hour of the day (?from=&to=, default the last 28 days)",
    access="supervisor",
    responses={200: "the advice", 400: "bad dates"},
)
def staffing_advice_report() -> ResponseReturnValue:
    return jsonify(staffing_advice(get_db(), *period(default_period(today()))))


def _line(table: str, key: Any, name: str, figures: dict[str, Any]) -> list[Any]:
    said = figures["reasons"]
    values = {**figures, **{f"reason_{code}": said.get(code, 0) for code in RATING_REASONS}}
    return [table, key, name, *("" if values.get(c) is None else values[c] for c in CSV_COLUMNS)]


@bp.get("/reports/summary.xlsx")
@require(*SUPERVISORS)
@documented(
    "The same summary as an Excel workbook: sheets of the totals, services, departments,"
    " counters, clerks and hours",
    access="supervisor",
    responses=ANSWERS,
)
def report_summary_xlsx() -> ResponseReturnValue:
    first, last = period()
    database = get_db()
    center = get_center(database)
    workbook = summary_workbook(
        summary(database, first, last),
        hours_report(database, first, last),
        center=center.name,
        language=center.language,
    )
    name = f"report-{first.isoformat()}-{last.isoformat()}.xlsx"
    return xlsx_download(workbook, name)


@bp.get("/reports/hours")
@require(*SUPERVISORS)
@documented(
    "Issued, served and the mean wait per weekday and hour of the day (?from=&to=)",
    access="supervisor",
    responses={
        200: "{from, to, days, hours, cells: [{weekday, hour, issued, issued_per_day,"
        " served, wait_mean_s}]}",
        400: "bad dates",
    },
)
def report_hours() -> ResponseReturnValue:
    return jsonify(hours_report(get_db(), *period()))


@bp.get("/reports/clerks")
@require(*SUPERVISORS)
@documented(
    "Each clerk's time at a counter, serving, paused and idle while others waited (?from=&to=)",
    access="supervisor",
    responses={
        200: "{from, to, clerks: [{clerk, open_s, serving_s, paused_s, idle_while_waiting_s,"
        " utilisation}]}",
        400: "bad dates",
    },
)
def report_clerks() -> ResponseReturnValue:
    return jsonify(clerk_time(get_db(), *period()))


@bp.get("/reports/priority")
@require(*SUPERVISORS)
@documented(
    "The share of priority visitors, and the minutes priority added to regular visitors' waits"
    " (each day replayed without priority; ?from=&to=, 62 days at most)",
    access="supervisor",
    responses={
        200: "{from, to, days, tickets, priority, priority_share, regular_wait_min,"
        " regular_wait_without_priority_min, minutes_added}",
        400: "bad dates, or a period over 62 days (bad_period)",
    },
)
def report_priority() -> ResponseReturnValue:
    return jsonify(priority_impact(get_db(), *period()))


@bp.get("/reports/promise")
@require(*SUPERVISORS)
@documented(
    "How often the call window printed on the ticket held, per service and hour (?from=&to=)",
    access="supervisor",
    responses={
        200: "{from, to, target: 0.8, issued, called_in_window, share, services: [{service,"
        " name, issued, called_in_window, share, hours: [{hour, issued, called_in_window,"
        " share}]}]}",
        400: "bad dates",
    },
)
def report_promise() -> ResponseReturnValue:
    return jsonify(promise_report(get_db(), *period()))
