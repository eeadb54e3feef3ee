"""The moves the state machine forbids: at a counter holding no ticket, after the ticket is done,
by a clerk who does not hold the counter, at a closed counter; each refused and changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlite_utils import Database

from core.counters import open_counter
from core.errors import Conflict, NotFound
from core.events import ticket_events
from core.models import Ticket, TicketStatus
from core.serving import cancel, finish, no_show, reactivate, return_to_queue, start, transfer
from core.tickets import get_ticket
from tests.helpers.queues import (
    called_at_counter_1,
    issue,
    last_event,
    serving_at_counter_1,
)

COUNTER_MOVES: dict[str, Callable[[Database, Any], Ticket]] = {
    "start": lambda db, clock: start(db, 1, clerk="lan", now=clock()),
    "finish": lambda db, clock: finish(db, 1, clerk="lan", now=clock()),
    "no_show": lambda db, clock: no_show(db, 1, clerk="lan", now=clock()),
    "return": lambda db, clock: return_to_queue(db, 1, clerk="lan", now=clock()),
    "transfer": lambda db, clock: transfer(db, 1, "B", clerk="lan", now=clock()),
}


@pytest.mark.parametrize("move", sorted(COUNTER_MOVES))
def test_a_move_at_a_counter_holding_no_ticket_is_refused(
    db: Database, clock: Any, move: str
) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    waiting = issue(db, clock)

    with pytest.raises(Conflict) as refused:
        COUNTER_MOVES[move](db, clock)

    assert refused.value.code == "no_ticket" and refused.value.status == 409
    assert get_ticket(db, waiting.id).status == TicketStatus.WAITING


@pytest.mark.parametrize("move", sorted(COUNTER_MOVES))
def test_a_move_after_the_ticket_is_done_is_refused(db: Database, clock: Any, move: str) -> None:
    ticket = called_at_counter_1(db, clock)
    finish(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        COUNTER_MOVES[move](db, clock)

    assert refused.value.code == "no_ticket"
    assert get_ticket(db, ticket.id).status == TicketStatus.DONE


@pytest.mark.parametrize("move", ["start", "no_show"])
def test_start_and_no_show_are_refused_while_serving(db: Database, clock: Any, move: str) -> None:
    serving = serving_at_counter_1(db, clock)

    with pytest.raises(Conflict) as refused:
        COUNTER_MOVES[move](db, clock)

    assert refused.value.code == "wrong_state"
    assert get_ticket(db, serving.id) == serving
    assert [e["kind"] for e in ticket_events(db, serving.id)] == ["issued", "called", "started"]


@pytest.mark.parametrize("move", sorted(COUNTER_MOVES))
def test_a_move_by_a_clerk_who_does_not_hold_the_counter_is_refused(
    db: Database, clock: Any, move: str
) -> None:
    ticket = called_at_counter_1(db, clock)
    moves_by_mai = {
        "start": lambda: start(db, 1, clerk="mai", now=clock()),
        "finish": lambda: finish(db, 1, clerk="mai", now=clock()),
        "no_show": lambda: no_show(db, 1, clerk="mai", now=clock()),
        "return": lambda: return_to_queue(db, 1, clerk="mai", now=clock()),
        "transfer": lambda: transfer(db, 1, "B", clerk="mai", now=clock()),
    }

    with pytest.raises(Conflict) as refused:
        moves_by_mai[move]()

    assert refused.value.code == "counter_taken"
    assert get_ticket(db, ticket.id) == ticket


def test_a_move_at_a_closed_counter_is_refused(db: Database, clock: Any) -> None:
    with pytest.raises(Conflict) as refused:
        finish(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "counter_closed"


def test_a_supervisor_may_finish_for_the_counter_and_is_logged(db: Database, clock: Any) -> None:
    called_at_counter_1(db, clock)

    done = finish(db, 1, clerk="sup", now=clock(), override=True)

    assert done.status == TicketStatus.DONE
    assert (last_event(db, done)["counter"], last_event(db, done)["clerk"]) == (1, "sup")


@pytest.mark.parametrize("state", ["called", "serving", "done", "cancelled"])
def test_cancel_is_refused_for_a_ticket_that_is_not_waiting(
    db: Database, clock: Any, state: str
) -> None:
    ticket = called_at_counter_1(db, clock)
    if state in ("serving", "done"):
        start(db, 1, clerk="lan", now=clock())
    if state == "done":
        finish(db, 1, clerk="lan", now=clock())
    if state == "cancelled":
        return_to_queue(db, 1, clerk="lan", now=clock())
        cancel(db, ticket.id, clerk="sup", now=clock(), reason="left")
    before = get_ticket(db, ticket.id)
    assert before.status == state

    with pytest.raises(Conflict) as refused:
        cancel(db, ticket.id, clerk="sup", now=clock(), reason="again")

    assert refused.value.code == "wrong_state"
    assert get_ticket(db, ticket.id) == before


@pytest.mark.parametrize("state", ["waiting", "called", "done"])
def test_reactivate_is_refused_for_a_ticket_that_is_not_a_no_show(
    db: Database, clock: Any, state: str
) -> None:
    ticket = called_at_counter_1(db, clock)
    if state == "waiting":
        return_to_queue(db, 1, clerk="lan", now=clock())
    if state == "done":
        finish(db, 1, clerk="lan", now=clock())
    before = get_ticket(db, ticket.id)
    assert before.status == state

    with pytest.raises(Conflict) as refused:
        reactivate(db, ticket.id, clerk="sup", now=clock())

    assert refused.value.code == "wrong_state"
    assert get_ticket(db, ticket.id) == before


def test_cancel_and_reactivate_of_an_unknown_ticket_are_not_found(db: Database, clock: Any) -> None:
    with pytest.raises(NotFound):
        cancel(db, 99, clerk="sup", now=clock(), reason="x")
    with pytest.raises(NotFound):
        reactivate(db, 99, clerk="sup", now=clock())
