"""What the center offers: departments, and their services with quotas, targets and hours.

A service's code is its ticket prefix and the key of its history, so it never changes; to offer
a service under another code, add the new one and switch the old one off. Nothing that tickets
or counters still refer to can be removed: it is switched off instead, and history stays whole.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

from core.center import get_service
from core.configuration import Change, audited, required_text, short_code, text, whole_number
from core.configuration.displays import refuse_if_shown
from core.errors import Conflict, InvalidInput, NotFound
from core.rows import rows
from core.schedule import hours_by_day, hours_for_file, parse_hours

SERVICE_CODE = re.compile(r"^[A-Z]{1,3}$")
TARGET_WAIT_MAX = 600
QUOTA_MAX = 100_000


def _department(db: Database, code: str) -> dict[str, Any]:
    for row in rows(db, "SELECT code, name, name_en FROM departments WHERE code = ?", [code]):
        return row
    raise NotFound(f"There is no department {code!r}.", code="unknown_department")


def list_department_rows(db: Database) -> list[dict[str, Any]]:
    """Departments in kiosk order, with how many services each has."""
    return rows(
        db,
        "SELECT d.code, d.name, d.name_en, count(s.code) AS services FROM departments d"
        " LEFT JOIN services s ON s.department = d.code GROUP BY d.code ORDER BY d.position",
    )


def add_department(
    db: Database, change: Change, *, code: str, name: str, name_en: str | None
) -> dict[str, Any]:
    """Add a department at the end of the kiosk's list."""
    new = {
        "code": short_code(code, "The department code"),
        "name": required_text(name, "The department name"),
        "name_en": text(name_en, "The English name", required=False),
    }
    with audited(db, change, "department.add", new["code"]) as note:
        if rows(db, "SELECT 1 FROM departments WHERE code = ?", [new["code"]]):
            raise Conflict(f"Department {new['code']} exists already.", code="duplicate")
        db.execute(
            "INSERT INTO departments (code, name, name_en, position) VALUES (?, ?, ?,"
            " (SELECT coalesce(max(position), 0) + 1 FROM departments))",
            [new["code"], new["name"], new["name_en"]],
        )
        note.after = new
    return new


def update_department(
    db: Database, change: Change, code: str, *, name: str, name_en: str | None
) -> dict[str, Any]:
    """Rename a department (in Vietnamese and English)."""
    name = required_text(name, "The department name")
    name_en = text(name_en, "The English name", required=False)
    with audited(db, change, "department.update", code) as note:
        note.before = _department(db, code)
        db.execute(
            "UPDATE departments SET name = ?, name_en = ? WHERE code = ?", [name, name_en, code]
        )
        note.after = _department(db, code)
    return dict(note.after)


def remove_department(db: Database, change: Change, code: str) -> None:
    """Remove a department that has no service, even a switched-off one."""
    with audited(db, change, "department.remove", code) as note:
        note.before = _department(db, code)
        services = [
            row["code"]
            for row in rows(db, "SELECT code FROM services WHERE department = ?", [code])
        ]
        if services:
            raise Conflict(
                f"Department {code} still has the services {', '.join(services)}; move or"
                " remove them first.",
                code="department_in_use",
            )
        refuse_if_shown(db, "departments", code, f"Department {code}")
        db.execute("DELETE FROM departments WHERE code = ?", [code])


def service_row(db: Database, code: str) -> dict[str, Any]:
    """A service as the admin pages and the audit log show it."""
    for row in rows(db, "SELECT * FROM services WHERE code = ?", [code]):
        return _service_dict(row, _served_by(db).get(code, []))
    raise NotFound(f"There is no service {code!r}.", code="unknown_service")


def list_service_rows(db: Database) -> list[dict[str, Any]]:
    """Every service, switched off ones included, in kiosk order, with the counters serving it
    and whether it may be removed (no counter serves it and it never issued a ticket)."""
    served_by = _served_by(db)
    issued = {row["service"] for row in rows(db, "SELECT DISTINCT service FROM sequences")}
    services = []
    for row in rows(db, "SELECT * FROM services ORDER BY position"):
        service = _service_dict(row, served_by.get(row["code"], []))
        service["removable"] = not service["counters"] and row["code"] not in issued
        services.append(service)
    return services


def _served_by(db: Database) -> dict[str, list[int]]:
    served: dict[str, list[int]] = {}
    for row in rows(db, "SELECT service, counter FROM counter_services ORDER BY counter"):
        served.setdefault(row["service"], []).append(row["counter"])
    return served


def _service_dict(row: dict[str, Any], counters: list[int]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "name_en": row["name_en"],
        "department": row["department"],
        "target_wait_min": row["target_wait_min"],
        "daily_quota": row["daily_quota"],
        "hours": hours_for_file(row["hours"]),
        "schedule": hours_by_day(row["hours"]),
        "enabled": bool(row["enabled"]),
        "counters": counters,
    }


def _audited_service(service: dict[str, Any]) -> dict[str, Any]:
    """The service's own settings, without what is derived (schedule) or kept elsewhere."""
    derived = ("schedule", "counters", "removable")
    return {key: value for key, value in service.items() if key not in derived}


def _checked_service(db: Database, values: dict[str, Any]) -> dict[str, Any]:
    quota = values.get("daily_quota")
    try:
        hours = parse_hours(values.get("hours"))
    except ValueError as error:
        raise InvalidInput(f"The hours: {error}", code="hours") from error
    department = values.get("department")
    if not isinstance(department, str) or not rows(
        db, "SELECT 1 FROM departments WHERE code = ?", [department]
    ):
        raise InvalidInput(f"There is no department {department!r}.", code="unknown_department")
    return {
        "name": required_text(values.get("name"), "The service name"),
        "name_en": text(values.get("name_en"), "The English name", required=False),
        "department": department,
        "target_wait_min": whole_number(
            values.get("target_wait_min", 15), "The target wait", 1, TARGET_WAIT_MAX
        ),
        "daily_quota": None
        if quota is None
        else whole_number(quota, "The daily quota", 1, QUOTA_MAX),
        "hours": json.dumps(hours),
    }


def add_service(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a service at the end of its list: code, names, department, target, quota, hours.

    It is offered at the kiosks at once when `enabled` (the default); a counter must still be
    told to serve it (see floor.update_counter).
    """
    code = values.get("code")
    if not isinstance(code, str) or not SERVICE_CODE.match(code):
        raise InvalidInput(
            f"The service code {code!r} must be 1 to 3 capital letters (A, B, TR).", code="code"
        )
    enabled = bool(values.get("enabled", True))
    with audited(db, change, "service.add", code) as note:
        checked = _checked_service(db, values)
        if rows(db, "SELECT 1 FROM services WHERE code = ?", [code]):
            raise Conflict(f"Service {code} exists already.", code="duplicate")
        db.execute(
            "INSERT INTO services (code, name, name_en, department, target_wait_min,"
            " daily_quota, hours, enabled, position) VALUES (:code, :name, :name_en,"
            " :department, :target_wait_min, :daily_quota, :hours, :enabled,"
            " (SELECT coalesce(max(position), 0) + 1 FROM services))",
            {**checked, "code": code, "enabled": int(enabled)},
        )
        note.after = _audited_service(service_row(db, code))
    return service_row(db, code)


def update_service(db: Database, change: Change, code: str, **values: Any) -> dict[str, Any]:
    """Change a service's names, department, target wait, daily quota and hours."""
    with audited(db, change, "service.update", code) as note:
        note.before = _audited_service(service_row(db, code))
        checked = _checked_service(db, values)
        db.execute(
            "UPDATE services SET name = :name, name_en = :name_en, department = :department,"
            " target_wait_min = :target_wait_min, daily_quota = :daily_quota, hours = :hours"
            " WHERE code = :code",
            {**checked, "code": code},
        )
        note.after = _audited_service(service_row(db, code))
    return service_row(db, code)


def set_service_enabled(db: Database, change: Change, code: str, enabled: bool) -> dict[str, Any]:
    """Switch a service on or off now: off, the kiosks stop offering it; its queue stays."""
    action = "service.enable" if enabled else "service.disable"
    with audited(db, change, action, code) as note:
        note.before = {"enabled": get_service(db, code).enabled}
        db.execute("UPDATE services SET enabled = ? WHERE code = ?", [int(enabled), code])
        note.after = {"enabled": enabled}
    return service_row(db, code)


def remove_service(db: Database, change: Change, code: str) -> None:
    """Remove a service that never issued a ticket and that no counter serves."""
    with audited(db, change, "service.remove", code) as note:
        note.before = _audited_service(service_row(db, code))
        counters = _served_by(db).get(code, [])
        if counters:
            raise Conflict(
                f"Counters {', '.join(map(str, counters))} serve {code}; take it off them first.",
                code="service_in_use",
            )
        if rows(db, "SELECT 1 FROM sequences WHERE service = ? LIMIT 1", [code]) or rows(
            db, "SELECT 1 FROM tickets WHERE service = ? OR queue = ? LIMIT 1", [code, code]
        ):
            raise Conflict(
                f"Service {code} has issued tickets, which reports still need; switch it off.",
                code="service_has_tickets",
            )
        db.execute("DELETE FROM services WHERE code = ?", [code])
