"""The configuration pages: each gathers from core/ what it shows and what its script edits.

What may be removed is worked out here, so a page offers "Remove" only where the server would
accept it; the server still checks, since the page may be stale.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import pgettext

from admin import bp, page
from core.center import get_center, list_kiosks, list_services
from core.configuration import settings
from core.configuration.catalogue import list_department_rows, list_service_rows
from core.configuration.displays import display_shows, list_displays
from core.configuration.floor import list_counter_rows
from core.configuration.staff import list_users
from core.configuration.tokens import list_tokens
from core.events import latest_print_status
from core.schedule import WEEKDAYS, list_holidays
from core.vocabulary import DAYS_AHEAD_MAX, WINDOW_MAX_MIN
from db.web import get_db, now
from lockouts import login_throttle


@bp.get("/center")
@page("admin.center")
def center() -> dict[str, Any]:
    database = get_db()
    return {
        "settings": settings.center_settings(database),
        "appointments": settings.read_appointments(database),
        "limits": {"days_ahead": DAYS_AHEAD_MAX, "window_min": WINDOW_MAX_MIN},
        "retention_days": current_app.config.get("RETENTION_DAYS"),
    }


@bp.get("/departments")
@page("admin.departments")
def departments() -> dict[str, Any]:
    return {"departments": list_department_rows(get_db())}


@bp.get("/services")
@page("admin.services")
def services() -> dict[str, Any]:
    database = get_db()
    services = list_service_rows(database)
    for service in services:
        service["hours_lines"] = hours_lines(service["schedule"])
    departments = list_department_rows(database)
    return {
        "services": services,
        "departments": departments,
        "department_names": {row["code"]: row["name"] for row in departments},
        "holidays": list_holidays(database),
        "weekdays": WEEKDAYS,
    }


def hours_lines(schedule: dict[str, list[str]] | None) -> list[tuple[str, list[str]]]:
    """A service's week in a few lines: runs of days with the same hours, ("T2–T6", spans)."""
    if schedule is None:
        return [(pgettext("admin", "No limit"), [])]
    short = [
        pgettext("admin", "Mon"),
        pgettext("admin", "Tue"),
        pgettext("admin", "Wed"),
        pgettext("admin", "Thu"),
        pgettext("admin", "Fri"),
        pgettext("admin", "Sat"),
        pgettext("admin", "Sun"),
    ]
    days = [[span.replace("-", "–") for span in schedule[day]] for day in WEEKDAYS]
    if all(day == days[0] for day in days):
        return [(pgettext("admin", "Every day"), days[0])]
    lines, first = [], 0
    for index in range(1, len(days) + 1):
        if index == len(days) or days[index] != days[first]:
            if days[first]:
                names = short[first] if index - 1 == first else f"{short[first]}–{short[index - 1]}"
                lines.append((names, days[first]))
            first = index
    return lines


@bp.get("/counters")
@page("admin.counters")
def counters() -> dict[str, Any]:
    database = get_db()
    services = list_service_rows(database)
    return {
        "counters": list_counter_rows(database),
        "services": services,
        "service_names": {service["code"]: service["name"] for service in services},
    }


@bp.get("/kiosks")
@page("admin.kiosks")
def kiosks() -> dict[str, Any]:
    database = get_db()
    return {
        "kiosks": list_kiosks(database),
        "kiosk_url": url_for("kiosk.page", _external=True),
        "printer_status": latest_print_status(database),
    }


@bp.get("/displays")
@page("admin.displays")
def displays() -> dict[str, Any]:
    database = get_db()
    shown = [
        {
            "id": display["id"],
            "name": display.get("name") or "",
            "shows": display_shows(display),
            "counters": display.get("counters", []),
            "departments": display.get("departments", []),
        }
        for display in list_displays(database)
    ]
    departments = list_department_rows(database)
    return {
        "displays": shown,
        "counters": list_counter_rows(database),
        "departments": departments,
        "department_names": {row["code"]: row["name"] for row in departments},
        "display_url": url_for("display.page", _external=True),
    }


@bp.get("/priority")
@page("admin.priority")
def priority() -> dict[str, Any]:
    database = get_db()
    return {
        "priority": settings.priority_settings(database),
        "used_categories": settings.categories_in_use(database),
    }


@bp.get("/announcement")
@page("admin.announcement")
def announcement() -> dict[str, Any]:
    return {"announcement": settings.announcement_settings(get_db())}


@bp.get("/users")
@page("admin.users")
def users() -> dict[str, Any]:
    database, moment = get_db(), now()
    zone = get_center(database).zone
    throttle = login_throttle()
    locks = [
        {
            "username": lock.username,
            "address": lock.address,
            "until": lock.locked_until.astimezone(zone).strftime("%H:%M"),
        }
        for lock in throttle.locks(moment)
    ]
    return {
        "users": list_users(database),
        "locked": throttle.locked_names(moment),
        "locks": locks,
        "services": [service for service in list_services(database) if service.enabled],
    }


@bp.get("/tokens")
@page("admin.tokens")
def tokens() -> dict[str, Any]:
    return {
        "tokens": list_tokens(get_db()),
        "example_url": url_for("api.all_counters", _external=True),
    }
