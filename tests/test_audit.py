"""The audit log: append-only in the schema itself, and merged by time with the ticket events
that are audits (out-of-order calls, cancels, transfers, reactivations)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

import core.audit
from core.audit import days_to_range, latest_id, list_entries, record
from core.calling import call_next, call_ticket
from core.counters import open_counter
from core.serving import cancel, no_show, reactivate, transfer
from core.tickets import issue_ticket

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_row_is_kept_as_written(db: Database, clock: Any) -> None:
    row_id = record(
        db,
        actor="root",
        action="service.update",
        target="A",
        before={"name": "Hộ tịch"},
        after={"name": "Hộ tịch, quốc tịch"},
        reason="Sáp nhập",
        now=clock(),
    )

    entry = list_entries(db)[0]
    assert (entry.id, entry.actor, entry.action, entry.target, entry.reason) == (
        row_id,
        "root",
        "service.update",
        "A",
        "Sáp nhập",
    )
    assert entry.at == "2026-11-30T01:00:00.000+00:00"
    assert entry.details == {"before": {"name": "Hộ tịch"}, "after": {"name": "Hộ tịch, quốc tịch"}}
    assert latest_id(db) == row_id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET reason = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_the_schema_refuses_to_change_or_remove_a_row(
    db: Database, clock: Any, statement: str
) -> None:
    record(db, actor="root", action="center.update", target="center", now=clock(), reason="x")

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)
    assert [(e.actor, e.reason) for e in list_entries(db)] == [("root", "x")]


def test_the_module_offers_no_way_to_change_or_remove_a_row() -> None:
    public = [name for name in dir(core.audit) if not name.startswith("_")]
    assert not [name for name in public if any(w in name for w in ("update", "delete", "remove"))]


def test_details_must_be_json(db: Database, clock: Any) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO audit_log (at, actor, action, details) VALUES (?, 'x', 'y', 'not json')",
            ["2026-11-30T01:00:00.000+00:00"],
        )


def busy_morning(db: Database, clock: Any) -> None:
    """A morning with every kind of audited ticket event, and ordinary ones around them."""
    for _ in range(4):
        issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="an", now=clock())
    clock.advance(minutes=1)
    call_next(db, 1, clerk="an", now=clock())  # A001, in order: not audited
    clock.advance(minutes=1)
    no_show(db, 1, clerk="an", now=clock())
    clock.advance(minutes=1)
    call_ticket(db, 1, "A003", clerk="an", now=clock())  # out of order
    clock.advance(minutes=1)
    transfer(db, 1, "B", clerk="an", now=clock())
    clock.advance(minutes=1)
    reactivate(db, 1, clerk="chi", now=clock())  # A001 back in its queue
    clock.advance(minutes=1)
    cancel(db, 4, clerk="chi", now=clock(), reason="Công dân đã về")


def test_audited_ticket_events_are_merged_with_the_log_newest_first(
    db: Database, clock: Any
) -> None:
    record(db, actor="root", action="counter.update", target="1", now=clock())
    busy_morning(db, clock)
    clock.advance(minutes=1)
    record(db, actor="root", action="user.role", target="an", now=clock())

    entries = list_entries(db)

    assert [(e.action, e.target, e.actor) for e in entries] == [
        ("user.role", "an", "root"),
        ("ticket.cancelled", "A004", "chi"),
        ("ticket.reactivated", "A001", "chi"),
        ("ticket.transferred", "A003", "an"),
        ("ticket.called_out_of_order", "A003", "an"),
        ("counter.update", "1", "root"),
    ]
    assert entries[1].reason == "Công dân đã về"
    assert entries[3].details == {"from": "A", "to": "B", "counter": 1}
    assert entries[4].details == {"out_of_order": True, "was": "waiting", "counter": 1}
    assert [e.kind for e in entries] == [
        "users",
        "tickets",
        "tickets",
        "tickets",
        "tickets",
        "config",
    ]


@pytest.mark.parametrize(
    ("kind", "actions"),
    [
        ("config", ["counter.update"]),
        ("users", ["user.role"]),
        ("tickets", ["ticket.cancelled", "ticket.reactivated", "ticket.transferred"]),
    ],
)
def test_entries_filter_by_kind(db: Database, clock: Any, kind: str, actions: list[str]) -> None:
    record(db, actor="root", action="counter.update", target="1", now=clock())
    busy_morning(db, clock)
    record(db, actor="root", action="user.role", target="an", now=clock())

    assert [e.action for e in list_entries(db, kind=kind)][:3] == actions


def test_entries_filter_by_center_days(db: Database, clock: Any) -> None:
    record(db, actor="root", action="center.update", target="center", now=clock())
    clock.advance(days=1)
    record(db, actor="root", action="kiosk.add", target="k1", now=clock())
    monday = date(2026, 11, 30)

    start, end = days_to_range(ZONE, monday, monday)
    assert [e.action for e in list_entries(db, start=start, end=end)] == ["center.update"]
    start, end = days_to_range(ZONE, monday + timedelta(days=1), monday + timedelta(days=7))
    assert [e.action for e in list_entries(db, start=start, end=end)] == ["kiosk.add"]
    with pytest.raises(ValueError):
        days_to_range(ZONE, monday, monday - timedelta(days=1))


def test_pages_follow_each_other_without_gap_or_repeat(db: Database, clock: Any) -> None:
    for number in range(7):
        record(db, actor="root", action="kiosk.add", target=f"k{number}", now=clock())
    busy_morning(db, clock)
    everything = list_entries(db, limit=500)

    pages, before = [], None
    while True:
        page = list_entries(db, before=before, limit=3)
        if not page:
            break
        pages += page
        before = page[-1].cursor
    assert pages == everything and len(everything) == 11


@pytest.mark.parametrize(
    "cursor",
    ["garbage!", "MjAyNnxhdWRpdHx4", "MjAyNnxvdGhlcnwx"],  # "2026|audit|x", "2026|other|1"
)
def test_a_cursor_this_server_did_not_give_is_refused(db: Database, cursor: str) -> None:
    with pytest.raises(ValueError):
        list_entries(db, before=cursor)


def test_an_unknown_kind_is_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        list_entries(db, kind="everything")


def test_the_ticket_events_are_read_through_their_partial_index(db: Database) -> None:
    plan = " ".join(
        str(row[-1])
        for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM ticket_events e"
            f" WHERE {core.audit.AUDITED_TICKET_EVENTS} AND e.at >= ?",
            ["2026-11-30"],
        ).fetchall()
    )
    assert "ticket_events_audit" in plan
