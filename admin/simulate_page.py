"""The what-if page: a logged day replayed under another plan (core/simulation.py), beside what
really happened, for supervisors and admins.

A plain GET form like the reports page, so a plan tried is a link a manager can send: `date`,
one `c<number>=A,B` per counter open (its services in calling order; blank: closed; new
counters are added in the empty rows), `max_in_row` (`strict`: priority always first) and
`hours` (`from`, `until`). The chart of the queue through the day is drawn here as SVG.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import request
from flask_babel import pgettext

from admin import bp, page
from admin.reports_page import center_today
from core import simulation
from core.center import list_services
from core.errors import QueueError
from core.simulation import Changes, real_plan
from db.web import get_db

COUNTER_FIELD = re.compile(r"^c([1-9][0-9]{0,2})$")
CLOCK = re.compile(r"^(\d\d):(\d\d)$")
NEW_ROWS = 3
CHART_WIDTH, CHART_HEIGHT = 720, 220


def _last_logged_day(today: date) -> date:
    row = get_db().execute("SELECT max(day) FROM tickets WHERE day < ?", [today.isoformat()])
    found = row.fetchone()[0]
    return date.fromisoformat(found) if found else today


def _seconds(text: str) -> float | None:
    match = CLOCK.match(text)
    return float(int(match[1]) * 3600 + int(match[2]) * 60) if match else None


def _changes(arguments: Any) -> Changes:
    """The plan the form asks for; only what it changes."""
    counters: dict[int, list[str]] | None = None
    if "plan" in arguments:
        counters = {}
        for name, value in arguments.items():
            match = COUNTER_FIELD.match(name)
            services = [code.strip().upper() for code in value.split(",") if code.strip()]
            if match and services:
                counters[int(match[1])] = services
        for index in range(NEW_ROWS):
            number = arguments.get(f"new{index}", "").strip()
            services = [c.strip().upper() for c in arguments.get(f"new{index}s", "").split(",")]
            if number.isdigit() and 0 < int(number) < 1000 and any(services):
                counters[int(number)] = [code for code in services if code]
    cap = arguments.get("max_in_row", "")
    start, end = _seconds(arguments.get("from", "")), _seconds(arguments.get("until", ""))
    return Changes(
        counters=counters,
        max_in_row=int(cap) if cap.isdigit() and 1 <= int(cap) <= 20 else None,
        strict_priority=cap == "strict",
        hours=(start, end) if start is not None and end is not None and end > start else None,
    )


def chart(queue: list[dict[str, Any]]) -> dict[str, Any]:
    """The polylines of the queue's length through the day, real and replayed, in SVG units."""
    if not queue:
        return {}
    highest = max(max(point["simulated"], point["actual"]) for point in queue) or 1
    step = CHART_WIDTH / max(len(queue) - 1, 1)

    def line(key: str) -> str:
        return " ".join(
            f"{index * step:.1f},{CHART_HEIGHT - point[key] / highest * CHART_HEIGHT:.1f}"
            for index, point in enumerate(queue)
        )

    hours = [
        (index * step, point["at"]) for index, point in enumerate(queue) if point["at"][3:] == "00"
    ]
    return {
        "simulated": line("simulated"),
        "actual": line("actual"),
        "highest": highest,
        "hours": hours,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


def _in_words(refused: QueueError, day: date, arguments: Any) -> str:
    """The refusal as the manager reads it, in the page's language."""
    if refused.code == "no_record":
        return pgettext("admin", "No ticket was issued on this day: choose another day.")
    if refused.code == "unserved_service":
        counters = _changes(arguments).counters or {}
        served = {code for services in counters.values() for code in services}
        visited = {visit.service for visit in simulation.day_visits(get_db(), day)}
        return pgettext(
            "admin",
            "These services had visitors that day, but no counter of the plan serves them: %(codes)s.",  # noqa: E501
            codes=", ".join(sorted(visited - served)),
        )
    if refused.code == "bad_plan":
        return pgettext(
            "admin",
            "Each counter serves services that exist, each once, 30 at most; 200 counters at most.",
        )
    return refused.message


def _figure_rows(result: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """The table's rows: all services, then each service, replayed beside real."""
    names = {service.code: service.name for service in list_services(get_db())}
    rows = [("", pgettext("admin", "All services"), result, result["actual"])]
    for code, figures in result["per_service"].items():
        rows.append((code, names.get(code, code), figures, result["actual"]["per_service"][code]))
    return rows


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


@bp.get("/simulate")
@page("admin.simulate")
def simulate() -> dict[str, Any]:
    today = center_today()
    text = request.args.get("date", "")
    problem = None
    try:
        day = date.fromisoformat(text) if text else _last_logged_day(today)
    except ValueError:
        day, problem = today, pgettext("admin", "A date was not understood: use the calendar.")
    result = None
    if problem is None:
        try:
            result = simulation.simulate(get_db(), day, _changes(request.args))
        except QueueError as refused:
            problem = _in_words(refused, day, request.args)
    plan = real_plan(get_db(), day)
    shown = result["plan"]["counters"] if result else {}
    rows = shown or {str(desk.number): list(desk.services) for desk in plan.desks}
    return {
        "day": day.isoformat(),
        "result": result,
        "figure_rows": _figure_rows(result) if result else [],
        "share": _share,
        "problem": problem,
        "rows": rows,
        "new_rows": range(NEW_ROWS),
        "chart": chart(result["queue"]) if result else {},
        "arguments": request.args,
    }
