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
from core.configuration import Change, audited
from core.errors import Conflict, InvalidInput, NotFound
from core.fields import checked
from core.items import Display, DisplaySettings
from core.rows import rows

SETTING = "json:displays"


def list_displays(db: Database) -> list[dict[str, Any]]:
    """Every hall display, as stored: {id, name, counters?, departments?}."""
    return [dict(display) for display in get_setting(db, "displays", [])]


def display_shows(display: dict[str, Any]) -> str:
    """What a stored display shows: "departments", "counters" or "all"."""
    return str(Display.model_validate(display).shows)


def replace_displays(db: Database, displays: list[Display]) -> None:
    """Write a center file's displays in place of all the others."""
    _write(db, [])
    for display in displays:
        put_display(db, display)


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


def put_display(db: Database, display: Display) -> None:
    """Write a hall display, replacing the one of the same id: the one writer that the admin
    pages and the center file share. Its counters and departments must exist."""
    known_counters = {row["number"] for row in rows(db, "SELECT number FROM counters")}
    unknown = [number for number in display.counters if number not in known_counters]
    if unknown:
        raise InvalidInput(f"There is no counter {unknown[0]}.", code="unknown_counter")
    positions = {
        row["code"]: row["position"] for row in rows(db, "SELECT code, position FROM departments")
    }
    strangers = [code for code in display.departments if code not in positions]
    if strangers:
        raise InvalidInput(f"There is no department {strangers[0]!r}.", code="unknown_department")
    display.departments.sort(key=positions.__getitem__)
    displays = list_displays(db)
    ids = [shown["id"] for shown in displays]
    if display.id in ids:
        displays[ids.index(display.id)] = display.stored()
    else:
        displays.append(display.stored())
    _write(db, displays)


def add_display(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a hall display: its id (the `?display=` of its page), a name, what it shows.

    `values`: id, name, shows ("all", "counters", "departments"), counters, departments.
    """
    display = checked(Display, values)
    with audited(db, change, "display.add", display.id) as note:
        if any(shown["id"] == display.id for shown in list_displays(db)):
            raise Conflict(f"Hall display {display.id} exists already.", code="duplicate")
        put_display(db, display)
        note.after = display.stored()
    return display.stored()


def update_display(db: Database, change: Change, display_id: str, **values: Any) -> dict[str, Any]:
    """Rename a hall display or change what it shows; it reloads when the change is published."""
    display = Display(id=display_id, **checked(DisplaySettings, values).model_dump())
    with audited(db, change, "display.update", display_id) as note:
        displays = list_displays(db)
        note.before = displays[_find(displays, display_id)]
        put_display(db, display)
        note.after = display.stored()
    return display.stored()


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
