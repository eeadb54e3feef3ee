"""Hall displays that show part of the center: the whole hall, some counters, or some
departments. Each is one audited change (see the package docstring).

They are kept as the center file loader writes them, in the setting "json:displays": a list of
{id, name, counters?, departments?} (no counters and no departments: the whole hall), so
`display_scope` and the center file export read what the admin pages write.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from core.center import get_setting
from core.configuration import Change, audited, short_code, text
from core.errors import Conflict, InvalidInput, NotFound
from core.rows import rows

SETTING = "json:displays"
SHOWS = ("all", "counters", "departments")


def list_displays(db: Database) -> list[dict[str, Any]]:
    """Every hall display, as stored: {id, name, counters?, departments?}."""
    return [dict(display) for display in get_setting(db, "displays", [])]


def display_shows(display: dict[str, Any]) -> str:
    """What a display shows: "departments", "counters" or "all" (as display_scope reads it)."""
    if display.get("departments"):
        return "departments"
    if display.get("counters"):
        return "counters"
    return "all"


def _write(db: Database, displays: list[dict[str, Any]]) -> None:
    db.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        [SETTING, json.dumps(displays, ensure_ascii=False)],
    )


def _find(displays: list[dict[str, Any]], display_id: str) -> int:
    for index, display in enumerate(displays):
        if display["id"] == display_id:
            return index
    raise NotFound(f"There is no hall display {display_id!r}.", code="unknown_display")


def _checked_list(values: Any, what: str, code: str) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise InvalidInput(f"Choose at least one {what} for the display.", code=code)
    if len(set(values)) != len(values):
        raise InvalidInput(f"A {what} is chosen twice for the display.", code="duplicate")
    return values


def _checked_display(db: Database, display_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """The display to store, its counters and departments checked against the center's."""
    name = text(values.get("name"), "The display name", required=False)
    shows = values.get("shows") or "all"
    if shows not in SHOWS:
        raise InvalidInput(
            "The display shows the whole hall, some counters or some departments.", code="shows"
        )
    display: dict[str, Any] = {"id": display_id, "name": name}
    if shows == "counters":
        numbers = _checked_list(values.get("counters"), "counter", "no_counters")
        if any(not isinstance(n, int) or isinstance(n, bool) for n in numbers):
            raise InvalidInput("Counters are given by their numbers.", code="unknown_counter")
        known = {row["number"] for row in rows(db, "SELECT number FROM counters")}
        unknown = [number for number in numbers if number not in known]
        if unknown:
            raise InvalidInput(f"There is no counter {unknown[0]}.", code="unknown_counter")
        display["counters"] = sorted(numbers)
    elif shows == "departments":
        codes = _checked_list(values.get("departments"), "department", "no_departments")
        known_codes = {
            row["code"]: row["position"]
            for row in rows(db, "SELECT code, position FROM departments")
        }
        unknown = [code for code in codes if code not in known_codes]
        if unknown:
            raise InvalidInput(f"There is no department {unknown[0]!r}.", code="unknown_department")
        display["departments"] = sorted(codes, key=known_codes.__getitem__)
    return display


def add_display(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a hall display: its id (the `?display=` of its page), a name, what it shows.

    `values`: id, name, shows ("all", "counters", "departments"), counters, departments.
    """
    display_id = short_code(values.get("id"), "The display id")
    with audited(db, change, "display.add", display_id) as note:
        displays = list_displays(db)
        if any(display["id"] == display_id for display in displays):
            raise Conflict(f"Hall display {display_id} exists already.", code="duplicate")
        new = _checked_display(db, display_id, values)
        _write(db, [*displays, new])
        note.after = new
    return new


def update_display(db: Database, change: Change, display_id: str, **values: Any) -> dict[str, Any]:
    """Rename a hall display or change what it shows; it reloads when the change is published."""
    with audited(db, change, "display.update", display_id) as note:
        displays = list_displays(db)
        index = _find(displays, display_id)
        note.before = displays[index]
        new = _checked_display(db, display_id, values)
        displays[index] = new
        _write(db, displays)
        note.after = new
    return new


def remove_display(db: Database, change: Change, display_id: str) -> None:
    """Forget a hall display; a screen still opened with its id shows the whole hall."""
    with audited(db, change, "display.remove", display_id) as note:
        displays = list_displays(db)
        index = _find(displays, display_id)
        note.before = displays.pop(index)
        _write(db, displays)


def refuse_if_shown(db: Database, key: str, value: Any, what: str) -> None:
    """Refuse removing a counter (key "counters") or department a hall display still lists."""
    shown_on = [display["id"] for display in list_displays(db) if value in display.get(key, [])]
    if shown_on:
        raise Conflict(
            f"{what} is shown on the hall display(s) {', '.join(shown_on)};"
            " change those displays first.",
            code=f"{key.removesuffix('s')}_on_display",
        )
