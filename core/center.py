"""The center's configuration: reading it, and replacing it from a center file.

A center file (TOML, see design.md section 3) is validated whole before anything is written, so a
wrong file changes nothing; every message names the item at fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from core.audit import record
from core.errors import CenterFileError, NotFound, QueueError
from core.models import Center, Counter, CounterStatus, Department, Service
from core.rows import rows
from core.transaction import immediate
from core.vocabulary import (
    DEFAULT_CENTER_NAME,
    DEFAULT_LANGUAGE,
    DEFAULT_MAX_IN_ROW,
    DEFAULT_RATING_SCALE,
    DEFAULT_TIMEZONE,
)

if TYPE_CHECKING:
    from core.items import Counter as CounterItem
    from core.items import Department as DepartmentItem
    from core.items import Service as ServiceItem

DEFAULT_CENTER = {
    "name": DEFAULT_CENTER_NAME,
    "language": DEFAULT_LANGUAGE,
    "timezone": DEFAULT_TIMEZONE,
    "priority_max_in_row": str(DEFAULT_MAX_IN_ROW),
    "footer": "",
    "rating_scale": str(DEFAULT_RATING_SCALE),
    "dossier_pattern": "",
}


def get_center(db: Database) -> Center:
    """The center's settings, with defaults for what was never set."""
    stored = {row["key"]: row["value"] for row in rows(db, "SELECT key, value FROM settings")}
    values = {**DEFAULT_CENTER, **stored}
    max_in_row = int(values["priority_max_in_row"])
    return Center(
        name=values["name"],
        language=values["language"],
        timezone=values["timezone"],
        priority_max_in_row=max_in_row if max_in_row > 0 else None,
        footer=values["footer"],
        rating_scale=int(values["rating_scale"]),
        dossier_pattern=values["dossier_pattern"] or None,
    )


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    """A JSON setting (announcement options and the like), or the default."""
    for row in rows(db, "SELECT value FROM settings WHERE key = ?", [f"json:{key}"]):
        return json.loads(row["value"])
    return default


def display_scope(db: Database, display_id: str) -> dict[str, Any] | None:
    """What a hall display shows: its counters and the services it lists; None is everything.

    A display given departments shows their services' queues and calls; one given counters
    shows those counters' calls and the queues they serve.
    """
    for display in get_setting(db, "displays", []):
        if display["id"] != display_id:
            continue
        services = {service.code: service.department for service in list_services(db)}
        counters = {counter.number: counter.services for counter in list_counters(db)}
        if "departments" in display:
            shown = [
                code
                for code, department in services.items()
                if department in display["departments"]
            ]
            return {"name": display.get("name"), "counters": None, "services": shown}
        numbers = display.get("counters") or list(counters)
        shown = [code for code in services if any(code in counters.get(n, ()) for n in numbers)]
        return {"name": display.get("name"), "counters": numbers, "services": shown}
    return None


def list_departments(db: Database) -> list[Department]:
    found = rows(db, "SELECT code, name, name_en FROM departments ORDER BY position")
    return [Department(**row) for row in found]


def list_services(db: Database) -> list[Service]:
    return [Service.from_row(row) for row in rows(db, "SELECT * FROM services ORDER BY position")]


def get_service(db: Database, code: str) -> Service:
    for row in rows(db, "SELECT * FROM services WHERE code = ?", [code]):
        return Service.from_row(row)
    raise NotFound(f"No service with code {code!r}.")


def list_counters(db: Database) -> list[Counter]:
    services: dict[int, list[str]] = {}
    for row in rows(db, "SELECT counter, service FROM counter_services ORDER BY counter, rank"):
        services.setdefault(row["counter"], []).append(row["service"])
    return [
        _counter(row, services.get(row["number"], []))
        for row in rows(db, "SELECT * FROM counters ORDER BY number")
    ]


def get_counter(db: Database, number: int) -> Counter:
    for row in rows(db, "SELECT * FROM counters WHERE number = ?", [number]):
        served = rows(
            db, "SELECT service FROM counter_services WHERE counter = ? ORDER BY rank", [number]
        )
        return _counter(row, [r["service"] for r in served])
    raise NotFound(f"No counter number {number}.")


def _counter(row: dict[str, Any], services: list[str]) -> Counter:
    return Counter(
        number=row["number"],
        name=row["name"],
        status=CounterStatus(row["status"]),
        status_reason=row["status_reason"],
        clerk=row["clerk"],
        services=tuple(services),
    )


def list_priority_categories(db: Database) -> list[dict[str, Any]]:
    return list(rows(db, "SELECT code, name, name_en FROM priority_categories ORDER BY position"))


def list_kiosks(db: Database) -> list[dict[str, Any]]:
    return list(rows(db, "SELECT id, name, printer, paper FROM kiosks ORDER BY id"))


def get_kiosk(db: Database, kiosk_id: str) -> dict[str, Any] | None:
    for row in rows(db, "SELECT id, name, printer, paper FROM kiosks WHERE id = ?", [kiosk_id]):
        return row
    return None


def load_center(
    db: Database,
    data: dict[str, Any],
    *,
    check_printer: Callable[[str], object] | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Replace the center's configuration by a parsed center file; all or nothing.

    Each item goes through the writer the admin pages use (core.configuration's `put_*`).
    `check_printer` validates a kiosk's printer URL (the adapter's parser), raising ValueError.
    Services and counters that tickets still refer to are kept, disabled, so history stays whole.
    With an `actor` (and `now`), the load is recorded in the audit log.
    """
    from core.center_file import read_center_file
    from core.configuration import catalogue, displays, floor, settings, skills

    center = read_center_file(data, check_printer=check_printer)
    parts = ("departments", "services", "counters", "kiosks")
    counts = {part: len(getattr(center, part)) for part in parts}
    with immediate(db):
        settings.put_center(db, center.center)
        settings.put_priority_policy(db, center.priority)
        if center.priority.categories:
            _in_file(settings.put_priority_categories, db, center.priority.categories)
        if center.announcement is not None:
            settings.put_announcement(db, center.announcement)
        if center.appointments is not None:
            settings.put_appointments(db, center.appointments)
        if center.feedback is not None:
            settings.put_feedback_settings(db, center.feedback)
        if center.holidays is not None:  # left out: the holidays kept in the admin pages stay
            settings.put_holidays(db, center.holidays)
        db.execute("DELETE FROM counter_services")  # before services go: rows point at them
        for position, department in enumerate(center.departments, start=1):
            catalogue.put_department(db, department, position)
        db.execute("UPDATE services SET enabled = 0")
        for position, service in enumerate(center.services, start=1):
            catalogue.put_service(db, service, position)
        _forget_unused_services(db, center.services, center.departments)
        for counter in center.counters:
            floor.put_counter(db, counter)
        _forget_unused_counters(db, center.counters)
        db.execute("DELETE FROM kiosks")
        for kiosk in center.kiosks:
            floor.put_kiosk(db, kiosk)
        displays.replace_displays(db, center.displays)
        if center.staff is not None:  # left out: the skills kept in the admin pages stay
            skills.replace_skills(db, center.staff)
        if actor is not None and now is not None:
            record(db, actor=actor, action="center.loaded", now=now, after=counts)
    return counts


def _in_file(write: Callable[..., object], *arguments: Any) -> None:
    """A writer's refusal, as the refusal of the file (all or nothing: the load rolls back)."""
    try:
        write(*arguments)
    except QueueError as error:
        raise CenterFileError(error.message) from error


def _forget_unused_services(
    db: Database, services: list[ServiceItem], departments: list[DepartmentItem]
) -> None:
    """Delete what the file left out and no ticket refers to; the rest stays, switched off."""
    codes = [service.code for service in services]
    db.execute(
        "DELETE FROM services WHERE enabled = 0 AND code NOT IN (SELECT service FROM tickets)"
        " AND code NOT IN (SELECT service FROM sequences)"
        f" AND code NOT IN ({','.join('?' * len(codes))})",
        codes,
    )
    known = [department.code for department in departments]
    db.execute(
        f"DELETE FROM departments WHERE code NOT IN ({','.join('?' * len(known))})"
        " AND code NOT IN (SELECT department FROM services)",
        known,
    )


def _forget_unused_counters(db: Database, counters: list[CounterItem]) -> None:
    numbers = [counter.number for counter in counters]
    db.execute(
        f"DELETE FROM counters WHERE number NOT IN ({','.join('?' * len(numbers))})"
        " AND number NOT IN (SELECT counter FROM tickets WHERE counter IS NOT NULL)"
        " AND number NOT IN (SELECT counter FROM counter_events)",
        numbers,
    )
