"""The reports page: the summary of a period (core/reports.py) for supervisors and admins, with
the usual periods one click away and the same figures as a CSV download; then what visitors said
(their reasons and comments, with the clerk, service and dossier), the ratings per dossier, and
how often the rebalancing advice was taken and what it did.

A plain GET form, so a report is a link a manager can bookmark or send.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import request
from flask_babel import pgettext

from admin import bp, page
from core.advice_log import advice_report
from core.center import get_center
from core.errors import InvalidInput
from core.hours_report import hours_report
from core.priority_report import priority_impact
from core.rating_report import rating_list
from core.reports import summary
from core.utilisation import clerk_time
from db.web import get_db, now

SAID_SHOWN = 200  # ratings with reasons or a comment the page lists; the CSV has them all


def _day(text: str | None, default: date) -> date | None:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return None


def quick_periods(today: date) -> list[tuple[str, date, date]]:
    """The periods a manager asks for most, each (name, first day, last day)."""
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return [
        (pgettext("admin", "Today"), today, today),
        (pgettext("admin", "Yesterday"), today - timedelta(days=1), today - timedelta(days=1)),
        (pgettext("admin", "Last 7 days"), today - timedelta(days=6), today),
        (pgettext("admin", "This month"), month, today),
        (pgettext("admin", "Last month"), last_month_end.replace(day=1), last_month_end),
    ]


def period_page(
    compute: Callable[[Any, date, date], Any], default_first: date, default_last: date
) -> dict[str, Any]:
    """Read a page's `from` and `to` (GET), compute its figures, or say what is wrong with them.

    Answers `result` (None when refused), `problem` (words for the manager), `first`, `last`.
    """
    first = _day(request.args.get("from"), default_first)
    last = _day(request.args.get("to"), default_last)
    problem = None
    result = None
    if first is None or last is None:
        problem = pgettext("admin", "A date was not understood: use the calendar to choose it.")
    else:
        try:
            result = compute(get_db(), first, last)
        except InvalidInput as refused:
            problem = {
                "bad_period": pgettext(
                    "admin", "Choose a period that ends after it starts, of a year at most."
                )
            }.get(refused.code, refused.message)
    return {
        "result": result,
        "problem": problem,
        "first": (first or default_first).isoformat(),
        "last": (last or default_last).isoformat(),
    }


def center_today() -> date:
    return date.fromisoformat(get_center(get_db()).day(now()))


@bp.get("/reports")
@page("admin.reports")
def reports() -> dict[str, Any]:
    today = center_today()
    shown = period_page(summary, today, today)
    report = shown.pop("result")
    said = None
    if report:  # what visitors said, newest first: the reasons and comments, per clerk and service
        period = (date.fromisoformat(report["from"]), date.fromisoformat(report["to"]))
        said = rating_list(get_db(), *period, only_said=True, limit=SAID_SHOWN)
    return {
        **shown,
        "report": report,
        "hours": heat_map(hours_report(get_db(), *_period(report))) if report else None,
        **(_people(*_period(report)) if report else {}),
        "said": said,
        "idle": _idle(report) if report else {},
        "advice": advice_report(get_db(), *_period(report), now=now()) if report else None,
        "quick": quick_periods(today),
    }


PRIORITY_PAGE_DAYS = 31  # each day is replayed twice: a month keeps the page quick


def _people(first: date, last: date) -> dict[str, Any]:
    """The clerks' time, and what priority cost the regular visitors (a month at most)."""
    database = get_db()
    short = (last - first).days < PRIORITY_PAGE_DAYS
    return {
        "clerk_time": clerk_time(database, first, last)["clerks"],
        "priority": priority_impact(database, first, last) if short else None,
    }


def _period(report: dict[str, Any]) -> tuple[date, date]:
    return date.fromisoformat(report["from"]), date.fromisoformat(report["to"])


def heat_map(hours: dict[str, Any]) -> dict[str, Any]:
    """The hours report as a grid: a row per weekday that had visitors, a cell per hour, each
    with a level 1..5 of its visitors against the busiest hour."""
    busiest = max((cell["issued_per_day"] for cell in hours["cells"]), default=0) or 1
    found = {(cell["weekday"], cell["hour"]): cell for cell in hours["cells"]}
    weekdays = sorted({cell["weekday"] for cell in hours["cells"]})
    grid = [
        (
            weekday,
            [
                {
                    **found[(weekday, hour)],
                    "level": 1 + int(4 * found[(weekday, hour)]["issued_per_day"] / busiest),
                }
                if (weekday, hour) in found
                else None
                for hour in hours["hours"]
            ],
        )
        for weekday in weekdays
    ]
    names = [
        pgettext("admin", "Monday"),
        pgettext("admin", "Tuesday"),
        pgettext("admin", "Wednesday"),
        pgettext("admin", "Thursday"),
        pgettext("admin", "Friday"),
        pgettext("admin", "Saturday"),
        pgettext("admin", "Sunday"),
    ]
    return {**hours, "grid": grid, "weekday_names": names}


def _idle(report: dict[str, Any]) -> dict[str, list[str]]:
    """The services and counters nobody used in the period: named in a line, not given rows."""
    return {
        table: [str(row[key]) for row in report[table] if not _active(row)]
        for table, key in (("services", "service"), ("counters", "counter"))
    }


def _active(row: dict[str, Any]) -> bool:
    return any(
        row[figure] for figure in ("issued", "served", "no_show", "cancelled", "expired", "ratings")
    )


@bp.app_template_filter("active")
def active(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a report table that saw any visitor."""
    return [row for row in rows if _active(row)]


@bp.app_template_filter("duration")
def duration(seconds: int | None) -> str:
    """Seconds as the report shows them: "12:05" (minutes:seconds), "1:02:05", or a dash."""
    if seconds is None:
        return "–"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
