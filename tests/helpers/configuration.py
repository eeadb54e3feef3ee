"""What the configuration tests share: a snapshot of every configuration table, a check that
a refused change moved none of them, and a fresh database to load a center file into."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.errors import QueueError
from db import connect, migrate

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TABLES = (
    "settings",
    "departments",
    "services",
    "counters",
    "counter_services",
    "kiosks",
    "priority_categories",
    "users",
    "audit_log",
)


def everything(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {table}").fetchall())
        for table in TABLES
    }


# The tables a center file fills; a load, an export and a load again must give the same.
CENTER_FILE_TABLES = (
    "departments",
    "services",
    "counters",
    "counter_services",
    "kiosks",
    "priority_categories",
)


def configuration(db: Database) -> dict[str, Any]:
    """The center file's tables, and the settings with their JSON compared as values."""
    found: dict[str, Any] = {
        table: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {table}").fetchall())
        for table in CENTER_FILE_TABLES
    }
    found["settings"] = sorted(
        (key, json.loads(value) if key.startswith("json:") else value)
        for key, value in db.execute("SELECT key, value FROM settings").fetchall()
    )
    return found


def fresh_database(path: Path) -> Database:
    """A new, migrated database file, as a center's server starts with."""
    database = connect(path)
    migrate(database)
    return database


def refused(db: Database, error: type[QueueError], code: str, act: Callable[[], Any]) -> str:
    """Run a change that must be refused with this code; check nothing moved; the message."""
    before = everything(db)
    with pytest.raises(error) as raised:
        act()
    assert raised.value.code == code, raised.value.message
    assert everything(db) == before
    return raised.value.message


def last_entry(db: Database) -> Any:
    return list_entries(db, kind=None, limit=1)[0]


def printer_check(url: str) -> None:
    if not url.startswith(("dummy:", "none:", "tcp://")):
        raise ValueError(f"bad printer URL {url!r}")
