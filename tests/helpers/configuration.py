"""What the configuration tests share: a snapshot of every configuration table, and a check that
a refused change moved none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.errors import QueueError

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
