"""What the center offers: departments, and their services with quotas, targets and hours.

A service's code is its ticket prefix and the key of its history, so it never changes; to offer
a service under another code, add the new one and switch the old one off. Nothing that tickets
or counters still refer to can be removed: it is switched off instead, and history stays whole.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from sqlite_utils import Database

from core.center import get_service
from core.configuration import Change, audited
from core.configuration.displays import refuse_if_shown
from core.errors import Conflict, InvalidInput, NotFound
from core.fields import checked
from core.items import Department, DepartmentNames, Item, Service, ServiceSettings
from core.rows import rows
from core.schedule import hours_by_day, hours_for_file, parse_hours


def _department(db: Database, code: str) -> dict[str, Any]:
    for row in rows(db, "SELECT code, name, name_en FROM departments WHERE code = ?", [code]):
        return Department.model_validate(row).stored()
    raise NotFound(f"There is no department {code!r}.", code="unknown_department")


def list_department_rows(db: Database) -> list[dict[str, Any]]:
    """Departments in kiosk order, with how many services each has."""
    return rows(
        db,
        "SELECT d.code, d.name, d.name_en, count(s.code) AS services FROM departments d"
        " LEFT JOIN services s ON s.department = d.code GROUP BY d.code ORDER BY d.position",
    )


def read_departments(db: Database) -> list[Department]:
    """Every department's own settings, in kiosk order."""
    found = rows(db, "SELECT code, name, name_en FROM departments ORDER BY position")
    return [Department.model_validate(row) for row in found]


def put_department(db: Database, department: Department, position: int | None = None) -> None:
    """Write a department (new ones go last unless a position is given): the one writer that
    the admin pages and the center file share."""
    db.execute(
        "INSERT INTO departments (code, name, name_en, position) VALUES (?, ?, ?,"
        " coalesce(?, (SELECT coalesce(max(position), 0) + 1 FROM departments)))"
        " ON CONFLICT(code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,"
        " position = coalesce(?, position)",
        [department.code, department.name, department.name_en, position, position],
    )


def add_department(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a department at the end of the kiosk's list: code, name, name_en."""
    department = checked(Department, values)
    with audited(db, change, "department.add", department.code) as note:
        if rows(db, "SELECT 1 FROM departments WHERE code = ?", [department.code]):
            raise Conflict(f"Department {department.code} exists already.", code="duplicate")
        put_department(db, department)
        note.after = department.stored()
    return dict(note.after)


def update_department(db: Database, change: Change, code: str, **values: Any) -> dict[str, Any]:
    """Rename a department (in Vietnamese and English)."""
    names = checked(DepartmentNames, values)
    with audited(db, change, "department.update", code) as note:
        note.before = _department(db, code)
        put_department(db, Department(code=code, **names.model_dump()))
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


def read_service(db: Database, code: str) -> Service:
    """A service's own settings, as the center file and the admin API write them."""
    for row in rows(db, "SELECT * FROM services WHERE code = ?", [code]):
        return _service(row)
    raise NotFound(f"There is no service {code!r}.", code="unknown_service")


def _service(row: dict[str, Any]) -> Service:
    values = {key: row[key] for key in Service.model_fields}
    for key in NESTED_COLUMNS:  # an item within the service is kept as JSON
        values[key] = json.loads(row[key]) if row[key] else None
    values.update(enabled=bool(row["enabled"]), hours=hours_for_file(row["hours"]))
    return Service.model_validate(values)


def service_row(db: Database, code: str) -> dict[str, Any]:
    """A service as the admin pages show it: its settings, its week, the counters serving it."""
    return _service_dict(read_service(db, code), _served_by(db).get(code, []))


def list_service_rows(db: Database) -> list[dict[str, Any]]:
    """Every service, switched off ones included, in kiosk order, with the counters serving it
    and whether it may be removed (no counter serves it and it never issued a ticket)."""
    served_by = _served_by(db)
    issued = {row["service"] for row in rows(db, "SELECT DISTINCT service FROM sequences")}
    services = []
    for row in rows(db, "SELECT * FROM services ORDER BY position"):
        service = _service_dict(_service(row), served_by.get(row["code"], []))
        service["removable"] = not service["counters"] and row["code"] not in issued
        services.append(service)
    return services


def list_services(db: Database) -> list[Service]:
    """Every service's own settings, in kiosk order."""
    return [_service(row) for row in rows(db, "SELECT * FROM services ORDER BY position")]


def _served_by(db: Database) -> dict[str, list[int]]:
    served: dict[str, list[int]] = {}
    for row in rows(db, "SELECT service, counter FROM counter_services ORDER BY counter"):
        served.setdefault(row["service"], []).append(row["counter"])
    return served


def _service_dict(service: Service, counters: list[int]) -> dict[str, Any]:
    schedule = hours_by_day(json.dumps(parse_hours(service.hours)))
    return {**service.stored(), "schedule": schedule, "counters": counters}


# A service's columns are its item's fields: a new service setting is declared in core.items
# (and given its column by a migration), and this writer stores it with no change here.
SERVICE_COLUMNS = tuple(Service.model_fields)
# The settings that are items of their own (bookings, the guide): one JSON column each.
NESTED_COLUMNS = tuple(
    name
    for name, field in Service.model_fields.items()
    if any(isinstance(kind, type) and issubclass(kind, Item) for kind in get_args(field.annotation))
)
PUT_SERVICE = (
    f"INSERT INTO services ({', '.join(SERVICE_COLUMNS)}, position)"
    f" VALUES ({', '.join(f':{column}' for column in SERVICE_COLUMNS)},"
    " coalesce(:position, (SELECT coalesce(max(position), 0) + 1 FROM services)))"
    " ON CONFLICT(code) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in SERVICE_COLUMNS if column != "code")
    + ", position = coalesce(:position, position)"
)


def put_service(db: Database, service: Service, position: int | None = None) -> None:
    """Write a service (new ones go last unless a position is given): the one writer that the
    admin pages and the center file share. Its department must exist."""
    if not rows(db, "SELECT 1 FROM departments WHERE code = ?", [service.department]):
        raise InvalidInput(
            f"There is no department {service.department!r}.", code="unknown_department"
        )
    values = service.model_dump()
    for key in NESTED_COLUMNS:
        values[key] = json.dumps(values[key], ensure_ascii=False) if values[key] else None
    values.update(
        hours=json.dumps(parse_hours(service.hours)),
        enabled=int(service.enabled),
        position=position,
    )
    db.execute(PUT_SERVICE, values)


def add_service(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a service at the end of its list: code, names, department, target, quota, hours.

    It is offered at the kiosks at once when `enabled` (the default); a counter must still be
    told to serve it (see floor.update_counter).
    """
    service = checked(Service, values)
    with audited(db, change, "service.add", service.code) as note:
        if rows(db, "SELECT 1 FROM services WHERE code = ?", [service.code]):
            raise Conflict(f"Service {service.code} exists already.", code="duplicate")
        put_service(db, service)
        note.after = read_service(db, service.code).stored()
    return service_row(db, service.code)


def update_service(db: Database, change: Change, code: str, **values: Any) -> dict[str, Any]:
    """Change a service's names, department, target wait, daily quota and hours."""
    settings = checked(ServiceSettings, values)
    with audited(db, change, "service.update", code) as note:
        current = read_service(db, code)
        note.before = current.stored()
        put_service(db, Service(code=code, enabled=current.enabled, **settings.model_dump()))
        note.after = read_service(db, code).stored()
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
        note.before = read_service(db, code).stored()
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
