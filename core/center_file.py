"""Reading a center file (design.md section 3) into its configuration items.

Each table is read by the item model of core.items, the same one the admin API takes; what
only a whole file can say (a code given twice, a service naming a department the file lacks)
is checked here. Every problem is reported with the table and item it sits in ("services[3]
(code 'X'): ..."), since tomllib gives no line numbers for values and a manager must find the
mistake quickly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError
from sqlite_utils import Database

from core.center import get_setting, list_counters, list_kiosks, list_priority_categories
from core.errors import CenterFileError
from core.fields import explain, path_text
from core.items import (
    ARRAYS,
    CenterFile,
    Display,
    Holiday,
    Kiosk,
    Priority,
    PriorityCategory,
)
from core.schedule import list_holidays

TABLES = tuple(CenterFile.model_fields)


def read_center_file(
    data: dict[str, Any], *, check_printer: Callable[[str], object] | None = None
) -> CenterFile:
    """Check a parsed center file whole; return its items or raise CenterFileError."""
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise CenterFileError(f"Unknown table(s) {unknown}; expected some of {sorted(TABLES)}.")
    try:
        center = CenterFile.model_validate(data)
    except ValidationError as error:
        raise CenterFileError(_named(data, error)) from None
    _check_across(center, check_printer)
    return center


def _named(data: dict[str, Any], error: ValidationError) -> str:
    """The first refusal, after the item it sits in."""
    _code, place, message = explain(error)
    table = str(place[0]) if place else ""
    if table in ARRAYS and len(place) == 1:
        return f"[[{table}]] is missing: give at least one [[{table}]] entry ({message})."
    if table in ARRAYS:
        index = int(place[1])
        where = f"{table}[{index + 1}]" + _identity(table, data, index, place[2:])
        field = path_text(place[2:])
    else:
        where, field = f"[{table}]", path_text(place[1:])
    message = message.rstrip(".")
    if not field or not message.startswith(path_text(place)):
        return f"{where}: {message}."
    # explain() spoke of the whole path; the item is named already, so speak of its key only.
    return f"{where}: {field}{message.removeprefix(path_text(place))}."


def _identity(table: str, data: dict[str, Any], index: int, field: tuple[Any, ...]) -> str:
    """ " (code 'A')": how the item names itself, unless its key is what is wrong."""
    key = ARRAYS[table].key
    items = data.get(table)
    item = items[index] if isinstance(items, list) and index < len(items) else None
    if key is None or not isinstance(item, dict) or key not in item or field[:1] == (key,):
        return ""
    return f" ({key} {item[key]!r})"


def _check_across(center: CenterFile, check_printer: Callable[[str], object] | None) -> None:
    """What no single item can know: duplicates, and references to items the file lacks."""
    for table in ("departments", "services", "counters", "kiosks", "displays"):
        _unique(table, getattr(center, table))
    departments = {department.code for department in center.departments}
    services = {service.code for service in center.services}
    numbers = {counter.number for counter in center.counters}
    for index, service in enumerate(center.services, start=1):
        if service.department not in departments:
            _refuse(
                f"services[{index}] (code {service.code!r})",
                f"department {service.department!r} is not in [[departments]]",
            )
    for index, counter in enumerate(center.counters, start=1):
        for code in counter.services:
            if code not in services:
                _refuse(
                    f"counters[{index}] (number {counter.number})",
                    f"service {code!r} is not in [[services]]",
                )
    for index, display in enumerate(center.displays, start=1):
        where = f"displays[{index}] (id {display.id!r})"
        for key, known in (("counters", numbers), ("departments", departments)):
            strangers = [item for item in getattr(display, key) if item not in known]
            if strangers:
                _refuse(where, f"{key} {strangers} are not in the center file")
    for index, kiosk in enumerate(center.kiosks, start=1):
        if check_printer is not None:
            try:
                check_printer(kiosk.printer)
            except ValueError as error:
                _refuse(f"kiosks[{index}] (id {kiosk.id!r})", str(error))
    if center.holidays is not None:
        _unique("holidays", center.holidays)
    if center.staff is not None:
        _unique("staff", center.staff)
        for index, member in enumerate(center.staff, start=1):
            strangers = [code for code in member.services if code not in services]
            if strangers:
                _refuse(
                    f"staff[{index}] (username {member.username!r})",
                    f"service {strangers[0]!r} is not in [[services]]",
                )


def _unique(table: str, items: Iterable[Any]) -> None:
    seen: set[Any] = set()
    for index, item in enumerate(items, start=1):
        value = getattr(item, item.key)
        if value in seen:
            _refuse(f"{table}[{index}]", f"duplicate {item.noun} {item.key} {value!r}")
        seen.add(value)


def _refuse(where: str, message: str) -> None:
    raise CenterFileError(f"{where}: {message}.")


def current_center_file(db: Database) -> CenterFile:
    """The configuration as it stands, as the items of a center file (for the exporter)."""
    from core.configuration import catalogue, displays, floor, settings, skills

    priority = settings.read_priority_policy(db)
    categories = [PriorityCategory.model_validate(row) for row in list_priority_categories(db)]
    return CenterFile.model_construct(
        center=settings.read_center(db),
        priority=Priority(**priority.model_dump(), categories=categories),
        # Left as they are when never set, so that loading the export writes no new setting.
        announcement=settings.read_announcement(db) if get_setting(db, "announcement") else None,
        appointments=settings.read_appointments(db) if get_setting(db, "appointments") else None,
        feedback=settings.read_feedback_settings(db) if get_setting(db, "feedback") else None,
        holidays=[Holiday.model_validate(holiday) for holiday in list_holidays(db)],
        departments=catalogue.read_departments(db),
        services=catalogue.list_services(db),
        counters=[floor.read_counter(db, counter.number) for counter in list_counters(db)],
        kiosks=[Kiosk.model_validate(kiosk) for kiosk in list_kiosks(db)],
        displays=[Display.model_validate(display) for display in displays.list_displays(db)],
        staff=skills.read_skills(db) or None,
    )
