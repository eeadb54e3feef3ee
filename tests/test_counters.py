"""Counters: one clerk at a time, one counter per clerk, pauses with a reason, closing when idle."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.center import get_counter
from core.counters import close_counter, current_ticket, open_counter, pause_counter
from core.errors import Conflict, InvalidInput, NotFound
from core.models import CounterStatus, TicketStatus
from core.serving import finish, start
from core.tickets import issue_ticket


def counter_events(db: Database) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in db.execute(
            "SELECT counter, kind, at, clerk, reason FROM counter_events ORDER BY id"
        ).fetchall()
    ]


def test_a_closed_counter_opens_for_a_clerk(db: Database, clock: Any) -> None:
    assert get_counter(db, 1).status == CounterStatus.CLOSED

    counter = open_counter(db, 1, clerk="lan", now=clock())

    assert (counter.status, counter.clerk, counter.status_reason) == (
        CounterStatus.OPEN,
        "lan",
        None,
    )
    assert counter.services == ("A", "B")
    assert counter_events(db) == [(1, "opened", "2026-11-30T01:00:00.000+00:00", "lan", None)]


def test_an_open_counter_refuses_another_clerk(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        open_counter(db, 1, clerk="mai", now=clock())

    assert refused.value.code == "counter_taken" and "lan" in refused.value.message
    assert get_counter(db, 1).clerk == "lan"
    assert len(counter_events(db)) == 1


def test_a_paused_counter_refuses_another_clerk(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    pause_counter(db, 1, clerk="lan", reason="nghỉ", now=clock())

    with pytest.raises(Conflict) as refused:
        open_counter(db, 1, clerk="mai", now=clock())

    assert refused.value.code == "counter_taken"
    assert get_counter(db, 1).status == CounterStatus.PAUSED


def test_a_closed_counter_opens_for_the_next_clerk(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    close_counter(db, 1, clerk="lan", now=clock())

    assert open_counter(db, 1, clerk="mai", now=clock()).clerk == "mai"


def test_a_supervisor_override_takes_an_open_counter(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=5)

    counter = open_counter(db, 1, clerk="sup", now=clock(), override=True)

    assert (counter.status, counter.clerk) == (CounterStatus.OPEN, "sup")
    assert counter_events(db)[-1] == (1, "opened", "2026-11-30T01:05:00.000+00:00", "sup", None)


def test_a_clerk_open_at_one_counter_cannot_open_another(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        open_counter(db, 2, clerk="lan", now=clock())

    assert refused.value.code == "clerk_elsewhere" and "counter 1" in refused.value.message
    assert get_counter(db, 2).status == CounterStatus.CLOSED


def test_a_clerk_paused_at_one_counter_cannot_open_another(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    pause_counter(db, 1, clerk="lan", reason="họp", now=clock())

    with pytest.raises(Conflict) as refused:
        open_counter(db, 2, clerk="lan", now=clock())

    assert refused.value.code == "clerk_elsewhere"


def test_a_clerk_who_closed_one_counter_may_open_another(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    close_counter(db, 1, clerk="lan", now=clock())

    assert open_counter(db, 2, clerk="lan", now=clock()).status == CounterStatus.OPEN


@pytest.mark.parametrize("reason", ["", "   "])
def test_pause_needs_a_reason(db: Database, clock: Any, reason: str) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    with pytest.raises(InvalidInput) as refused:
        pause_counter(db, 1, clerk="lan", reason=reason, now=clock())

    assert refused.value.code == "reason_required"
    assert get_counter(db, 1).status == CounterStatus.OPEN


def test_pause_keeps_the_reason_and_logs_it(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    clock.advance(hours=3)

    counter = pause_counter(db, 1, clerk="lan", reason="  nghỉ trưa ", now=clock())

    assert (counter.status, counter.status_reason, counter.clerk) == (
        CounterStatus.PAUSED,
        "nghỉ trưa",
        "lan",
    )
    assert counter_events(db)[-1] == (
        1,
        "paused",
        "2026-11-30T04:00:00.000+00:00",
        "lan",
        "nghỉ trưa",
    )


def test_pause_by_another_clerk_is_refused(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        pause_counter(db, 1, clerk="mai", reason="nghỉ", now=clock())

    assert refused.value.code == "counter_taken"
    assert get_counter(db, 1).status == CounterStatus.OPEN


def test_pause_of_a_closed_counter_is_refused(db: Database, clock: Any) -> None:
    with pytest.raises(Conflict) as refused:
        pause_counter(db, 1, clerk="lan", reason="nghỉ", now=clock())

    assert refused.value.code == "counter_closed"


def test_opening_a_paused_counter_resumes_it(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    pause_counter(db, 1, clerk="lan", reason="nghỉ", now=clock())
    clock.advance(minutes=15)

    counter = open_counter(db, 1, clerk="lan", now=clock())

    assert (counter.status, counter.status_reason) == (CounterStatus.OPEN, None)
    assert [event[1] for event in counter_events(db)] == ["opened", "paused", "resumed"]


def test_close_with_a_ticket_in_hand_is_refused(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    issue_ticket(db, "A", now=clock())
    call_next(db, 1, clerk="lan", now=clock())
    start(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        close_counter(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "ticket_in_hand" and "A001" in refused.value.message
    assert get_counter(db, 1).status == CounterStatus.OPEN
    assert [event[1] for event in counter_events(db)] == ["opened"]


def test_close_after_the_ticket_is_finished_frees_the_counter(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    issue_ticket(db, "A", now=clock())
    call_next(db, 1, clerk="lan", now=clock())
    finish(db, 1, clerk="lan", now=clock())
    clock.advance(hours=8)

    counter = close_counter(db, 1, clerk="lan", now=clock(), reason="hết giờ")

    assert (counter.status, counter.clerk, counter.status_reason) == (
        CounterStatus.CLOSED,
        None,
        "hết giờ",
    )
    assert counter_events(db)[-1] == (
        1,
        "closed",
        "2026-11-30T09:00:00.000+00:00",
        "lan",
        "hết giờ",
    )


def test_close_by_another_clerk_is_refused_but_a_supervisor_may(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        close_counter(db, 1, clerk="mai", now=clock())
    assert refused.value.code == "counter_taken"

    counter = close_counter(db, 1, clerk="sup", now=clock(), override=True)
    assert counter.status == CounterStatus.CLOSED
    _, kind, _, clerk, _ = counter_events(db)[-1]
    assert (kind, clerk) == ("closed", "sup")


def test_closing_a_closed_counter_changes_and_logs_nothing(db: Database, clock: Any) -> None:
    counter = close_counter(db, 2, clerk="lan", now=clock())

    assert counter.status == CounterStatus.CLOSED
    assert counter_events(db) == []


def test_the_current_ticket_is_the_one_called_or_served(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    issue_ticket(db, "A", now=clock())
    assert current_ticket(db, 1) is None

    call_next(db, 1, clerk="lan", now=clock())
    held = current_ticket(db, 1)
    assert held is not None and held.label == "A001" and held.status == TicketStatus.CALLED
    start(db, 1, clerk="lan", now=clock())
    held = current_ticket(db, 1)
    assert held is not None and held.status == TicketStatus.SERVING
    finish(db, 1, clerk="lan", now=clock())
    assert current_ticket(db, 1) is None
    assert current_ticket(db, 2) is None


def test_an_unknown_counter_is_not_found(db: Database, clock: Any) -> None:
    with pytest.raises(NotFound):
        open_counter(db, 9, clerk="lan", now=clock())
    with pytest.raises(NotFound):
        get_counter(db, 9)
