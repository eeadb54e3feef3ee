"""What the serving tests share: a ticket issued, called or being served at counter 1."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter
from core.events import ticket_events
from core.models import Ticket
from core.serving import start
from core.tickets import issue_ticket

MONDAY = "2026-11-30"


def issue(db: Database, clock: Any, service: str = "A") -> Ticket:
    clock.advance(minutes=1)
    return issue_ticket(db, service, now=clock()).ticket


def called_at_counter_1(db: Database, clock: Any) -> Ticket:
    """Open counter 1 for clerk lan, issue an A ticket and call it there."""
    open_counter(db, 1, clerk="lan", now=clock())
    issue(db, clock)
    called = call_next(db, 1, clerk="lan", now=clock())
    assert called is not None
    return called[0]


def serving_at_counter_1(db: Database, clock: Any) -> Ticket:
    called_at_counter_1(db, clock)
    clock.advance(minutes=1)
    return start(db, 1, clerk="lan", now=clock())


def last_event(db: Database, ticket: Ticket) -> dict[str, Any]:
    return ticket_events(db, ticket.id)[-1]


def at(clock: Any) -> str:
    """The clock's moment as the database stores it."""
    return clock().strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
