"""The queue lengths SQLite keeps (queue_lengths, migration m014_load) against a count of the
waiting tickets, through every way a ticket enters or leaves a line; and the people ahead they
give a new ticket."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.board import waiting_counts
from core.calling import call_next
from core.counters import open_counter
from core.serving import (
    cancel,
    finish,
    no_show,
    reactivate,
    return_to_queue,
    set_priority,
    transfer,
)
from core.tickets import ahead_of, issue_ticket, queue_length
from tests.conftest import Clock

DAY = "2026-11-30"


def counted(db: Database) -> dict[tuple[str, str], tuple[int, int]]:
    """The lengths by counting the waiting tickets, as the code did before they were kept."""
    return {
        (row[0], row[1]): (row[2], row[3])
        for row in db.execute(
            "SELECT queue, day, sum(priority IS NULL), sum(priority IS NOT NULL) FROM tickets"
            " WHERE status = 'waiting' GROUP BY queue, day"
        )
    }


def kept(db: Database) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (row[0], row[1]): (row[2], row[3])
        for row in db.execute("SELECT queue, day, regular, priority FROM queue_lengths")
        if row[2] or row[3]
    }


def test_lengths_follow_every_way_in_and_out_of_a_line(db: Database, clock: Clock) -> None:
    issued = [
        issue_ticket(db, "A", now=clock.advance(minutes=1), priority=priority)
        for priority in (None, "elderly", None, None, "pregnant", None)
    ]
    assert kept(db) == counted(db) == {("A", DAY): (4, 2)}
    open_counter(db, 1, clerk="an", now=clock())
    missed: list[Any] = []
    steps: list[Any] = [
        lambda: call_next(db, 1, clerk="an", now=clock()),  # a priority ticket leaves the line
        lambda: return_to_queue(db, 1, clerk="an", now=clock()),  # ... and comes back
        lambda: call_next(db, 1, clerk="an", now=clock()),
        lambda: transfer(db, 1, "D", clerk="an", now=clock()),  # into another queue
        lambda: call_next(db, 1, clerk="an", now=clock()),
        lambda: missed.append(no_show(db, 1, clerk="an", now=clock())),
        lambda: reactivate(db, missed[0].id, clerk="chi", now=clock()),
        lambda: set_priority(
            db, issued[2].ticket.id, "disabled", clerk="chi", now=clock(), reason="wheelchair"
        ),
        lambda: set_priority(db, issued[0].ticket.id, None, clerk="chi", now=clock(), reason="x"),
        lambda: cancel(db, issued[3].ticket.id, clerk="chi", now=clock(), reason="left"),
        lambda: call_next(db, 1, clerk="an", now=clock()),
        lambda: finish(db, 1, clerk="an", now=clock()),
    ]
    for step in steps:
        clock.advance(seconds=30)
        step()
        assert kept(db) == counted(db)
    assert kept(db)[("A", DAY)] != (4, 2)  # the steps did move the line
    db.execute("DELETE FROM ticket_events")
    db.execute("DELETE FROM calls")
    db.execute("DELETE FROM tickets WHERE status = 'waiting' AND queue = 'A'")
    assert kept(db) == counted(db)


def test_a_new_ticket_is_told_the_line_ahead_of_its_rank(db: Database, clock: Clock) -> None:
    for priority in (None, None, "elderly", None):
        issue_ticket(db, "A", now=clock.advance(minutes=1), priority=priority)
    assert queue_length(db, "A", DAY) == (3, 1)
    assert issue_ticket(db, "A", now=clock.advance(minutes=1)).ahead == 4
    assert issue_ticket(db, "A", now=clock.advance(minutes=1), priority="disabled").ahead == 1
    assert queue_length(db, "D", DAY) == (0, 0)
    assert waiting_counts(db, DAY) == {"A": 6, "B": 0, "D": 0}


def test_a_waiting_ticket_counts_its_own_place(db: Database, clock: Clock) -> None:
    tickets = [
        issue_ticket(db, "A", now=clock.advance(minutes=1), priority=priority).ticket
        for priority in (None, "elderly", None, "elderly")
    ]
    assert [ahead_of(db, ticket) for ticket in tickets] == [2, 0, 3, 1]
    same_moment = [issue_ticket(db, "A", now=clock()).ticket for _ in range(2)]
    assert [ahead_of(db, ticket) for ticket in same_moment] == [4, 5]
