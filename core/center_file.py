"""Validation of a center file (design.md section 3) into rows ready to write.

Every problem is reported with the table and item it sits in ("services[3] (code 'X'): ..."),
since tomllib gives no line numbers for values and a manager must find the mistake quickly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import CenterFileError
from core.schedule import HOLIDAYS_SETTING, parse_holidays, parse_hours

LANGUAGES = ("vi", "en")
SERVICE_CODE = re.compile(r"^[A-Z]{1,3}$")
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PAPERS = ("80mm", "58mm")


def validate_center_file(
    data: dict[str, Any], *, check_printer: Callable[[str], object] | None = None
) -> dict[str, Any]:
    """Check a parsed center file whole; return its normalised parts or raise CenterFileError."""
    known_tables = {
        "center",
        "departments",
        "services",
        "counters",
        "kiosks",
        "priority",
        "announcement",
        "holidays",
        "displays",
    }
    unknown = sorted(set(data) - known_tables)
    if unknown:
        raise CenterFileError(
            f"Unknown table(s) {unknown}; expected some of {sorted(known_tables)}."
        )
    settings = _center(data.get("center"))
    departments = _departments(data.get("departments"))
    services = _services(data.get("services"), {d["code"] for d in departments})
    counters = _counters(data.get("counters"), [s["code"] for s in services])
    kiosks = _kiosks(data.get("kiosks", []), check_printer)
    categories, max_in_row = _priority(data.get("priority", {}))
    settings["priority_max_in_row"] = str(max_in_row)
    if "announcement" in data:
        settings["json:announcement"] = json.dumps(_announcement(data["announcement"]))
    settings["json:displays"] = json.dumps(
        _displays(data.get("displays", []), {d["code"] for d in departments}, counters)
    )
    if "holidays" in data:  # left out: the holidays kept in the admin pages stay
        settings[HOLIDAYS_SETTING] = json.dumps(_holidays(data["holidays"]))
    return {
        "settings": settings,
        "departments": departments,
        "services": services,
        "counters": counters,
        "kiosks": kiosks,
        "priority_categories": categories,
    }


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CenterFileError(f"{where} must be a table.")
    return value


def _array(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise CenterFileError(f"{where} is missing: give at least one {where} entry.")
    return [_table(item, f"{where}[{index}]") for index, item in enumerate(value, start=1)]


def _text(item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CenterFileError(f"{where}: '{key}' must be a non-empty text.")
    if len(value) > 200:
        raise CenterFileError(f"{where}: '{key}' is longer than 200 characters.")
    return value.strip()


def _center(value: Any) -> dict[str, str]:
    center = _table(value, "[center]")
    name = _text(center, "name", "[center]")
    language = center.get("language", "vi")
    if language not in LANGUAGES:
        raise CenterFileError(f"[center]: language {language!r} must be one of {list(LANGUAGES)}.")
    timezone = center.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CenterFileError(f"[center]: timezone {timezone!r} is not a known zone.") from error
    footer = _text(center, "footer", "[center]", required=False) or ""
    return {"name": name or "", "language": language, "timezone": timezone, "footer": footer}


def _departments(value: Any) -> list[dict[str, Any]]:
    departments = _array(value, "[[departments]]")
    seen: set[str] = set()
    for index, department in enumerate(departments, start=1):
        where = f"departments[{index}]"
        code = _text(department, "code", where)
        if code in seen:
            raise CenterFileError(f"{where}: duplicate department code {code!r}.")
        seen.add(code or "")
        where = f"{where} (code {code!r})"
        _text(department, "name", where)
        _text(department, "name_en", where, required=False)
    return departments


def _services(value: Any, departments: set[str]) -> list[dict[str, Any]]:
    services = _array(value, "[[services]]")
    seen: set[str] = set()
    result = []
    for index, service in enumerate(services, start=1):
        where = f"services[{index}]"
        code = service.get("code")
        if not isinstance(code, str) or not SERVICE_CODE.match(code):
            raise CenterFileError(f"{where}: code {code!r} must be 1-3 capital letters (A, B, TR).")
        if code in seen:
            raise CenterFileError(f"{where}: duplicate service code {code!r}.")
        seen.add(code)
        where = f"{where} (code {code!r})"
        department = service.get("department")
        if department not in departments:
            raise CenterFileError(f"{where}: department {department!r} is not in [[departments]].")
        target = service.get("target_wait_min", 15)
        if not isinstance(target, int) or isinstance(target, bool) or not 0 < target <= 600:
            raise CenterFileError(f"{where}: target_wait_min must be minutes, 1 to 600.")
        quota = service.get("daily_quota")
        if quota is not None and (
            not isinstance(quota, int) or isinstance(quota, bool) or quota <= 0
        ):
            raise CenterFileError(f"{where}: daily_quota must be a positive whole number.")
        result.append(
            {
                "code": code,
                "name": _text(service, "name", where),
                "name_en": _text(service, "name_en", where, required=False),
                "department": department,
                "target_wait_min": target,
                "daily_quota": quota,
                "hours": _hours(service.get("hours", []), where),
                "enabled": _enabled(service, where),
            }
        )
    return result


def _hours(value: Any, where: str) -> list[list[str]] | dict[str, list[list[str]]]:
    """`hours = [...]` (every day) or a `[services.hours]` table of weekdays (core.schedule)."""
    try:
        return parse_hours(value)
    except ValueError as error:
        raise CenterFileError(f"{where}: {error}") from error


def _enabled(service: dict[str, Any], where: str) -> bool:
    enabled = service.get("enabled", True)
    if not isinstance(enabled, bool):
        raise CenterFileError(f"{where}: enabled must be true or false.")
    return enabled


def _holidays(value: Any) -> list[dict[str, str]]:
    try:
        return parse_holidays(value)
    except ValueError as error:
        raise CenterFileError(str(error)) from error


def _counters(value: Any, services: list[str]) -> list[dict[str, Any]]:
    counters = _array(value, "[[counters]]")
    seen: set[int] = set()
    result = []
    for index, counter in enumerate(counters, start=1):
        where = f"counters[{index}]"
        number = counter.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 1000:
            raise CenterFileError(f"{where}: number must be a whole number from 1 to 999.")
        if number in seen:
            raise CenterFileError(f"{where}: duplicate counter number {number}.")
        seen.add(number)
        where = f"{where} (number {number})"
        served = counter.get("services")
        if not isinstance(served, list) or not served:
            raise CenterFileError(f"{where}: services must list at least one service code.")
        for code in served:
            if code not in services:
                raise CenterFileError(f"{where}: service {code!r} is not in [[services]].")
        if len(set(served)) != len(served):
            raise CenterFileError(f"{where}: a service is listed twice.")
        name = _text(counter, "name", where, required=False) or f"Quầy {number}"
        result.append({"number": number, "name": name, "services": served})
    return result


def _kiosks(value: Any, check_printer: Callable[[str], object] | None) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise CenterFileError("[[kiosks]] must be an array of tables.")
    seen: set[str] = set()
    result = []
    for index, kiosk in enumerate(value, start=1):
        where = f"kiosks[{index}]"
        kiosk = _table(kiosk, where)
        kiosk_id = kiosk.get("id")
        if not isinstance(kiosk_id, str) or not CODE.match(kiosk_id) or kiosk_id in seen:
            raise CenterFileError(f"{where}: id {kiosk_id!r} must be a unique short name (k1).")
        seen.add(kiosk_id)
        where = f"{where} (id {kiosk_id!r})"
        printer = kiosk.get("printer", "none:")
        if not isinstance(printer, str):
            raise CenterFileError(f"{where}: printer must be a URL text.")
        if check_printer is not None:
            try:
                check_printer(printer)
            except ValueError as error:
                raise CenterFileError(f"{where}: {error}") from error
        paper = kiosk.get("paper", "80mm")
        if paper not in PAPERS:
            raise CenterFileError(f"{where}: paper {paper!r} must be one of {list(PAPERS)}.")
        name = _text(kiosk, "name", where, required=False) or kiosk_id
        result.append({"id": kiosk_id, "name": name, "printer": printer, "paper": paper})
    return result


def _priority(value: Any) -> tuple[list[dict[str, Any]], int]:
    priority = _table(value, "[priority]")
    max_in_row = priority.get("max_in_row", 2)
    policy = priority.get("policy")
    if policy == "strict":
        max_in_row = 0
    elif policy is not None:
        raise CenterFileError('[priority]: policy must be "strict" or left out (use max_in_row).')
    if not isinstance(max_in_row, int) or isinstance(max_in_row, bool) or not 0 <= max_in_row <= 20:
        raise CenterFileError("[priority]: max_in_row must be 0 (strict) to 20.")
    categories = priority.get("categories", [])
    if not isinstance(categories, list):
        raise CenterFileError("[priority]: categories must be an array of tables.")
    seen: set[str] = set()
    for index, category in enumerate(categories, start=1):
        where = f"priority.categories[{index}]"
        code = _table(category, where).get("code")
        if not isinstance(code, str) or not CODE.match(code) or code in seen:
            raise CenterFileError(f"{where}: code {code!r} must be a unique short name.")
        seen.add(code)
        _text(category, "name", f"{where} (code {code!r})")
    return categories, max_in_row


def _announcement(value: Any) -> dict[str, Any]:
    announcement = _table(value, "[announcement]")
    unknown = sorted(set(announcement) - {"language", "template", "repeat"})
    if unknown:
        raise CenterFileError(f"[announcement]: unknown key(s) {unknown}.")
    if announcement.get("language", "vi") not in LANGUAGES:
        raise CenterFileError(f"[announcement]: language must be one of {list(LANGUAGES)}.")
    repeat = announcement.get("repeat", 2)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= 5:
        raise CenterFileError("[announcement]: repeat must be 1 to 5.")
    template = announcement.get("template")
    if template is not None and not (
        isinstance(template, str)
        or (isinstance(template, list) and all(isinstance(token, str) for token in template))
    ):
        raise CenterFileError(
            '[announcement]: template must be a text like "intro {label} to_counter {counter}".'
        )
    return announcement


def _displays(
    value: Any, departments: set[str], counters: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Hall displays that show part of the center: some counters, or some departments."""
    if not isinstance(value, list):
        raise CenterFileError("[[displays]] must be an array of tables.")
    numbers = {counter["number"] for counter in counters}
    seen: set[str] = set()
    result = []
    for index, display in enumerate(value, start=1):
        where = f"displays[{index}]"
        display = _table(display, where)
        display_id = display.get("id")
        if not isinstance(display_id, str) or not CODE.match(display_id) or display_id in seen:
            raise CenterFileError(f"{where}: id {display_id!r} must be a unique short name.")
        seen.add(display_id)
        where = f"{where} (id {display_id!r})"
        unknown = sorted(set(display) - {"id", "name", "counters", "departments"})
        if unknown:
            raise CenterFileError(f"{where}: unknown key(s) {unknown}.")
        shown: dict[str, Any] = {
            "id": display_id,
            "name": _text(display, "name", where, required=False),
        }
        for key, known in (("counters", numbers), ("departments", departments)):
            if key not in display:
                continue
            items = display[key]
            if not isinstance(items, list) or not items:
                raise CenterFileError(f"{where}: {key} must list at least one.")
            strangers = [item for item in items if item not in known]
            if strangers:
                raise CenterFileError(f"{where}: {key} {strangers} are not in the center file.")
            shown[key] = items
        result.append(shown)
    return result
