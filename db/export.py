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

from core.center import get_center
from core.center_file import current_center_file
from core.items import CenterFile, Item
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
    """A table (or an array-of-tables entry) with its set keys; None values and empty lists are
    left out, and a table-valued key (a service's weekly hours) follows as a sub-table."""
    lines = ["", header]
    tables = []
    for key, value in values.items():
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            tables += _table(f"[{header.strip('[]')}.{_key(key)}]", value)[1:]
        else:
            lines.append(f"{_key(key)} = {toml_value(value)}")
    return lines + tables


def export_center(db: Database, *, now: datetime | None = None) -> str:
    """The whole configuration as the text of a center file: each item as core.items keeps it."""
    center = get_center(db)
    moment = (now or datetime.now(UTC)).astimezone(center.zone)
    lines = [
        f"# Center file of {center.name}, exported {moment:%Y-%m-%d %H:%M}.",
        "# Load it with: flask --app server load-config FILE",
    ]
    items = current_center_file(db)
    for table in CenterFile.model_fields:
        value = getattr(items, table)
        if isinstance(value, Item):
            stored = value.stored()
            nested = {key: stored.pop(key) for key in ARRAYS_WITHIN.get(table, ())}
            lines += _table(f"[{table}]", stored)
            for key, entries in nested.items():
                for entry in entries:
                    lines += _table(f"[[{table}.{key}]]", entry)
        for entry in value if isinstance(value, list) else []:
            lines += _table(f"[[{table}]]", _for_file(entry.stored()))
    return "\n".join(lines) + "\n"


# Arrays of tables inside a table: [[priority.categories]].
ARRAYS_WITHIN = {"priority": ("categories",)}


def _for_file(values: dict[str, Any]) -> dict[str, Any]:
    """TOML has dates of its own: a holiday is written as one."""
    if isinstance(values.get("date"), str):
        return {**values, "date": date.fromisoformat(values["date"])}
    return values


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
