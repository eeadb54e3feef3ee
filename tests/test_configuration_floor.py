"""Editing the floor: counters with their services in order, and kiosks with their printers;
each change checked, applied whole and audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.center import list_counters
from core.configuration import Change, floor
from core.counters import open_counter
from core.errors import Conflict, InvalidInput, NotFound, QueueError
from tests.helpers.configuration import last_entry, printer_check, refused

# ---------- counters and kiosks ----------


def test_counters_are_added_with_their_services_in_order(db: Database, change: Change) -> None:
    floor.add_counter(db, change, number=7, name="", services=["D", "A"])
    floor.update_counter(db, change, 7, name="Quầy doanh nghiệp", services=["A", "D", "B"])

    counter = next(c for c in list_counters(db) if c.number == 7)
    assert (counter.name, counter.services) == ("Quầy doanh nghiệp", ("A", "D", "B"))
    entry = last_entry(db)
    assert entry.details["before"]["services"] == ["D", "A"]
    assert entry.details["after"]["services"] == ["A", "D", "B"]


@pytest.mark.parametrize(
    ("number", "services", "error", "code"),
    [
        (1, ["A"], Conflict, "duplicate"),
        (0, ["A"], InvalidInput, "range"),
        (7, [], InvalidInput, "no_services"),
        (7, ["A", "A"], InvalidInput, "duplicate"),
        (7, ["Z"], InvalidInput, "unknown_service"),
    ],
)
def test_add_counter_refuses_bad_values(
    db: Database,
    change: Change,
    number: int,
    services: list[str],
    error: type[QueueError],
    code: str,
) -> None:
    refused(
        db,
        error,
        code,
        lambda: floor.add_counter(db, change, number=number, name=None, services=services),
    )


def test_a_counter_that_was_used_cannot_be_removed(
    db: Database, change: Change, clock: Any
) -> None:
    open_counter(db, 2, clerk="an", now=clock())
    refused(db, Conflict, "counter_in_use", lambda: floor.remove_counter(db, change, 2))

    floor.add_counter(db, change, number=9, name=None, services=["A"])
    floor.remove_counter(db, change, 9)
    assert [counter.number for counter in list_counters(db)] == [1, 2, 3]


def test_kiosks_are_added_changed_and_removed(db: Database, change: Change) -> None:
    floor.add_kiosk(db, change, check_printer=printer_check, id="k1", printer="dummy:")
    floor.update_kiosk(
        db,
        change,
        "k1",
        check_printer=printer_check,
        name="Sảnh",
        printer="tcp://10.0.0.5",
        paper="58mm",
    )

    assert settings_kiosks(db) == [
        {"id": "k1", "name": "Sảnh", "printer": "tcp://10.0.0.5", "paper": "58mm"}
    ]
    floor.remove_kiosk(db, change, "k1")
    assert settings_kiosks(db) == []
    assert [e.action for e in list_entries(db)] == ["kiosk.remove", "kiosk.update", "kiosk.add"]


def settings_kiosks(db: Database) -> list[dict[str, Any]]:
    return [dict(row) for row in db.query("SELECT id, name, printer, paper FROM kiosks")]


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"id": "k 1"}, InvalidInput, "code"),
        ({"id": "k2", "printer": "lpt1"}, InvalidInput, "printer"),
        ({"id": "k2", "paper": "A4"}, InvalidInput, "paper"),
        ({"id": "k1"}, Conflict, "duplicate"),
    ],
)
def test_add_kiosk_refuses_bad_values(
    db: Database, change: Change, values: dict[str, Any], error: type[QueueError], code: str
) -> None:
    floor.add_kiosk(db, change, check_printer=printer_check, id="k1")
    refused(
        db, error, code, lambda: floor.add_kiosk(db, change, check_printer=printer_check, **values)
    )


def test_an_unknown_kiosk_cannot_be_changed(db: Database, change: Change) -> None:
    refused(db, NotFound, "unknown_kiosk", lambda: floor.remove_kiosk(db, change, "k9"))
