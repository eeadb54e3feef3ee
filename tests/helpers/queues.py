"""A queue set up in core for the calling, serving and rating tests: small centers, tickets
issued a minute apart, counters opened, next pressed, a ticket called or being served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.calling import call_next
from core.center import load_center
from core.counters import open_counter
from core.events import ticket_events
from core.models import Call, Ticket
from core.serving import finish, start
from core.tickets import issue_ticket
from db import connect, migrate

MONDAY = "2026-11-30"
CLERKS = {1: "lan", 2: "mai", 3: "hoa"}


def one_queue_center(priority: dict[str, Any]) -> dict[str, Any]:
    """A center with one service A at counters 1 and 2, under the given [priority] table."""
    return {
        "center": {"name": "Trung tâm thử", "timezone": "Asia/Ho_Chi_Minh"},
        "departments": [{"code": "TP", "name": "Sở Tư pháp"}],
        "services": [{"code": "A", "name": "Hộ tịch", "department": "TP"}],
        "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}],
        "priority": priority,
    }


def center_db(tmp_path: Path, priority: dict[str, Any]) -> Database:
    database = connect(tmp_path / "one-queue.db")
    migrate(database)
    load_center(database, one_queue_center(priority))
    return database


def issue(db: Database, clock: Any, service: str = "A", priority: str | None = None) -> Ticket:
    """Issue a ticket a minute after the previous one, so issue times differ."""
    clock.advance(minutes=1)
    return issue_ticket(db, service, now=clock(), priority=priority).ticket


def open_counters(db: Database, clock: Any, *numbers: int) -> None:
    for number in numbers:
        open_counter(db, number, clerk=CLERKS[number], now=clock())


def press_next(db: Database, clock: Any, number: int = 1) -> tuple[Ticket, Call]:
    """Press next at a counter where a ticket is known to wait."""
    called = call_next(db, number, clerk=CLERKS[number], now=clock())
    assert called is not None, f"counter {number} found nothing to call"
    return called


def next_label(db: Database, clock: Any, number: int = 1) -> str | None:
    """Press next at a counter and finish what it called at once; give the label called."""
    called = call_next(db, number, clerk=CLERKS[number], now=clock())
    if called is None:
        return None
    finish(db, number, clerk=CLERKS[number], now=clock())
    return called[0].label


def called_at_counter_1(db: Database, clock: Any) -> Ticket:
    """Open counter 1 for clerk lan, issue an A ticket and call it there."""
    open_counters(db, clock, 1)
    issue(db, clock)
    return press_next(db, clock)[0]


def serving_at_counter_1(db: Database, clock: Any) -> Ticket:
    called_at_counter_1(db, clock)
    clock.advance(minutes=1)
    return start(db, 1, clerk=CLERKS[1], now=clock())


def last_event(db: Database, ticket: Ticket) -> dict[str, Any]:
    return ticket_events(db, ticket.id)[-1]


def at(clock: Any) -> str:
    """The clock's moment as the database stores it."""
    return clock().strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
