"""`flask --app server export-config [FILE]`: write the center's configuration back out as a
center file (design.md section 3), so what was edited in the admin pages can be kept in version
control, reviewed, or loaded into another server.

The TOML is written by hand rather than by a library: the file is meant to be read and edited
by people, so it follows the layout of the design's example (one table per item, short arrays
inline, optional keys left out when unset). Loading the export gives the same tables again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlite_utils import Database

from core.center import get_center, get_setting, list_kiosks, list_priority_categories
from core.rows import rows
from core.schedule import hours_for_file, list_holidays
from db import connect, migrate

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# TOML basic strings may hold any character but these, which must be escaped.
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for character in value:
        if character in ESCAPES:
            out.append(ESCAPES[character])
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            out.append(f"\\u{ord(character):04X}")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A TOML value of the kinds a center file holds: text, whole number, boolean, date, list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _key(name: str) -> str:
    return name if BARE_KEY.match(name) else toml_string(name)


def _table(header: str, values: dict[str, Any]) -> list[str]:
    """A table (or an array-of-tables entry) with its set keys; None values are left out."""
    lines = ["", header]
    lines += [
        f"{_key(key)} = {toml_value(value)}" for key, value in values.items() if value is not None
    ]
    return lines


def export_center(db: Database, *, now: datetime | None = None) -> str:
    """The whole configuration as the text of a center file."""
    center = get_center(db)
    moment = (now or datetime.now(UTC)).astimezone(center.zone)
    lines = [
        f"# Center file of {center.name}, exported {moment:%Y-%m-%d %H:%M}.",
        "# Load it with: flask --app server load-config FILE",
    ]
    lines += _table(
        "[center]",
        {
            "name": center.name,
            "language": center.language,
            "timezone": center.timezone,
            "footer": center.footer or None,
        },
    )
    if center.priority_max_in_row is None:
        lines += _table("[priority]", {"policy": "strict"})
    else:
        lines += _table("[priority]", {"max_in_row": center.priority_max_in_row})
    for category in list_priority_categories(db):
        lines += _table("[[priority.categories]]", category)
    announcement = get_setting(db, "announcement")
    if announcement is not None:
        lines += _table("[announcement]", announcement)
    for holiday in list_holidays(db):
        day = date.fromisoformat(holiday["date"])
        lines += _table("[[holidays]]", {"date": day, "name": holiday["name"] or None})
    for department in rows(db, "SELECT code, name, name_en FROM departments ORDER BY position"):
        lines += _table("[[departments]]", department)
    for service in rows(db, "SELECT * FROM services ORDER BY position"):
        lines += _service(service)
    for counter in _counters(db):
        lines += _table("[[counters]]", counter)
    for kiosk in list_kiosks(db):
        lines += _table("[[kiosks]]", kiosk)
    for display in get_setting(db, "displays", []):
        lines += _table("[[displays]]", {key: value for key, value in display.items() if value})
    return "\n".join(lines) + "\n"


def _service(row: dict[str, Any]) -> list[str]:
    hours = hours_for_file(row["hours"])
    lines = _table(
        "[[services]]",
        {
            "code": row["code"],
            "name": row["name"],
            "name_en": row["name_en"],
            "department": row["department"],
            "target_wait_min": row["target_wait_min"],
            "daily_quota": row["daily_quota"],
            "hours": hours if isinstance(hours, list) and hours else None,
            "enabled": None if row["enabled"] else False,
        },
    )
    if isinstance(hours, dict):  # a sub-table of this service: after all its own keys
        lines += _table("[services.hours]", hours)[1:]
    return lines


def _counters(db: Database) -> list[dict[str, Any]]:
    served: dict[int, list[str]] = {}
    for row in rows(db, "SELECT counter, service FROM counter_services ORDER BY counter, rank"):
        served.setdefault(row["counter"], []).append(row["service"])
    return [
        {"number": row["number"], "name": row["name"], "services": served.get(row["number"], [])}
        for row in rows(db, "SELECT number, name FROM counters ORDER BY number")
    ]


@click.command("export-config")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def export_config(target: Path | None, force: bool) -> None:
    """Write the center's configuration as a center file (TOML) to FILE, or to the screen."""
    database = connect(current_app.config["DATABASE"])
    try:
        migrate(database)
        text = export_center(database)
    finally:
        database.conn.close()
    if target is None:
        click.echo(text, nl=False)
        return
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; choose a new name or pass --force.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote the center file {target}.", err=True)
