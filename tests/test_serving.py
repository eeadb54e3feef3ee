"""The ticket's state machine at a counter: start, finish, no-show, return, transfer, cancel,
reactivate; each allowed move logged with its counter and clerk, each forbidden one refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next, call_ticket
from core.counters import current_ticket, open_counter
from core.errors import Conflict, NotFound
from core.events import ticket_events
from core.models import Ticket, TicketStatus
from core.serving import cancel, finish, no_show, reactivate, return_to_queue, start, transfer
from core.tickets import ahead_of, get_ticket, issue_ticket, median_service_s

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


def test_start_moves_a_called_ticket_to_serving(db: Database, clock: Any) -> None:
    ticket = called_at_counter_1(db, clock)
    clock.advance(seconds=40)

    started = start(db, 1, clerk="lan", now=clock())

    assert started.id == ticket.id and started.status == TicketStatus.SERVING
    assert started.started_at == at(clock) and started.called_at == ticket.called_at
    assert last_event(db, started) == {
        "kind": "started",
        "at": at(clock),
        "counter": 1,
        "clerk": "lan",
        "data": None,
    }


def test_finish_from_serving_marks_the_ticket_done_with_its_outcome(
    db: Database, clock: Any
) -> None:
    serving = serving_at_counter_1(db, clock)
    clock.advance(minutes=6)

    done = finish(db, 1, clerk="lan", now=clock(), outcome="received")

    assert done.status == TicketStatus.DONE
    assert (done.started_at, done.finished_at) == (serving.started_at, at(clock))
    assert done.outcome == "received"
    assert last_event(db, done) == {
        "kind": "finished",
        "at": at(clock),
        "counter": 1,
        "clerk": "lan",
        "data": {"outcome": "received"},
    }
    assert current_ticket(db, 1) is None


def test_finish_from_called_counts_the_service_from_the_call(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    for service_s in (100, 200, 900):
        issue(db, clock)
        call_next(db, 1, clerk="lan", now=clock())
        clock.advance(seconds=service_s)
        done = finish(db, 1, clerk="lan", now=clock())
        assert done.status == TicketStatus.DONE
        assert done.started_at is None and done.finished_at == at(clock)

    assert median_service_s(db, "A") == 200
    assert last_event(db, done)["data"] is None  # no outcome given


def test_the_whole_life_of_a_served_ticket_is_in_its_events(db: Database, clock: Any) -> None:
    serving_at_counter_1(db, clock)
    ticket = finish(db, 1, clerk="lan", now=clock())

    events = ticket_events(db, ticket.id)

    assert [(e["kind"], e["counter"], e["clerk"]) for e in events] == [
        ("issued", None, None),
        ("called", 1, "lan"),
        ("started", 1, "lan"),
        ("finished", 1, "lan"),
    ]


def test_no_show_leaves_the_counter_free_for_the_next_ticket(db: Database, clock: Any) -> None:
    ticket = called_at_counter_1(db, clock)
    issue(db, clock)
    clock.advance(minutes=2)

    missed = no_show(db, 1, clerk="lan", now=clock())

    assert missed.id == ticket.id and missed.status == TicketStatus.NO_SHOW
    assert missed.finished_at == at(clock) and missed.counter == 1
    assert last_event(db, missed) == {
        "kind": "no_show",
        "at": at(clock),
        "counter": 1,
        "clerk": "lan",
        "data": None,
    }
    assert current_ticket(db, 1) is None
    following = call_next(db, 1, clerk="lan", now=clock())
    assert following is not None and following[0].label == "A002"


@pytest.mark.parametrize("serving", [False, True])
def test_return_puts_the_held_ticket_back_in_its_queue(
    db: Database, clock: Any, serving: bool
) -> None:
    held = serving_at_counter_1(db, clock) if serving else called_at_counter_1(db, clock)
    clock.advance(minutes=3)

    returned = return_to_queue(db, 1, clerk="lan", now=clock())

    assert returned.status == TicketStatus.WAITING and returned.queue == "A"
    assert (returned.counter, returned.clerk, returned.called_at, returned.started_at) == (
        None,
        None,
        None,
        None,
    )
    assert (returned.issued_at, returned.call_count) == (held.issued_at, 1)
    assert last_event(db, returned) == {
        "kind": "returned",
        "at": at(clock),
        "counter": 1,
        "clerk": "lan",
        "data": None,
    }
    assert current_ticket(db, 1) is None


@pytest.mark.parametrize("serving", [False, True])
def test_transfer_makes_the_ticket_wait_in_another_queue_with_its_label_and_issue_time(
    db: Database, clock: Any, serving: bool
) -> None:
    held = serving_at_counter_1(db, clock) if serving else called_at_counter_1(db, clock)
    later_d = issue(db, clock, "D")
    clock.advance(minutes=5)

    moved = transfer(db, 1, "D", clerk="lan", now=clock())

    assert moved.status == TicketStatus.WAITING
    assert (moved.label, moved.service, moved.queue) == ("A001", "A", "D")
    assert moved.issued_at == held.issued_at
    assert (moved.counter, moved.clerk, moved.called_at, moved.started_at) == (
        None,
        None,
        None,
        None,
    )
    assert last_event(db, moved) == {
        "kind": "transferred",
        "at": at(clock),
        "counter": 1,
        "clerk": "lan",
        "data": {"from": "A", "to": "D"},
    }
    # It waits in D, ahead of the D ticket issued after it; counter 1 (A, B) no longer sees it.
    assert ahead_of(db, get_ticket(db, later_d.id)) == 1
    assert call_next(db, 1, clerk="lan", now=clock()) is None
    open_counter(db, 3, clerk="hoa", now=clock())
    called = call_next(db, 3, clerk="hoa", now=clock())
    assert called is not None and called[0].id == held.id


def test_transfer_to_the_queue_the_ticket_is_in_is_refused(db: Database, clock: Any) -> None:
    called_at_counter_1(db, clock)

    with pytest.raises(Conflict) as refused:
        transfer(db, 1, "A", clerk="lan", now=clock())

    assert refused.value.code == "same_queue"
    assert current_ticket(db, 1) is not None


@pytest.mark.parametrize("service", ["Z", "B"])
def test_transfer_to_an_unknown_or_disabled_service_is_not_found(
    db: Database, clock: Any, service: str
) -> None:
    called_at_counter_1(db, clock)
    db.execute("UPDATE services SET enabled = 0 WHERE code = 'B'")

    with pytest.raises(NotFound):
        transfer(db, 1, service, clerk="lan", now=clock())

    held = current_ticket(db, 1)
    assert held is not None and held.queue == "A" and held.status == TicketStatus.CALLED


def test_cancel_takes_a_waiting_ticket_out_of_the_queue(db: Database, clock: Any) -> None:
    ticket = issue(db, clock)
    clock.advance(minutes=30)

    cancelled = cancel(db, ticket.id, clerk="sup", now=clock(), reason="visitor left")

    assert cancelled.status == TicketStatus.CANCELLED and cancelled.finished_at == at(clock)
    assert last_event(db, cancelled) == {
        "kind": "cancelled",
        "at": at(clock),
        "counter": None,
        "clerk": "sup",
        "data": {"reason": "visitor left"},
    }
    open_counter(db, 1, clerk="lan", now=clock())
    assert call_next(db, 1, clerk="lan", now=clock()) is None


def test_reactivate_puts_a_no_show_back_at_its_original_place(db: Database, clock: Any) -> None:
    missed = called_at_counter_1(db, clock)
    issue(db, clock)
    no_show(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=15)

    again = reactivate(db, missed.id, clerk="sup", now=clock())

    assert again.status == TicketStatus.WAITING
    assert (again.counter, again.clerk, again.called_at, again.finished_at) == (
        None,
        None,
        None,
        None,
    )
    assert again.issued_at == missed.issued_at
    assert last_event(db, again) == {
        "kind": "reactivated",
        "at": at(clock),
        "counter": None,
        "clerk": "sup",
        "data": None,
    }
    called = call_next(db, 1, clerk="lan", now=clock())
    assert called is not None and called[0].label == "A001" and called[0].call_count == 2


def test_a_reactivated_ticket_can_be_cancelled(db: Database, clock: Any) -> None:
    missed = called_at_counter_1(db, clock)
    no_show(db, 1, clerk="lan", now=clock())
    reactivate(db, missed.id, clerk="sup", now=clock())

    assert cancel(db, missed.id, clerk="sup", now=clock(), reason="x").status == "cancelled"


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


def test_a_no_show_called_back_can_be_served_to_the_end(db: Database, clock: Any) -> None:
    missed = called_at_counter_1(db, clock)
    no_show(db, 1, clerk="lan", now=clock())
    call_ticket(db, 1, "A001", clerk="lan", now=clock())
    start(db, 1, clerk="lan", now=clock())

    done = finish(db, 1, clerk="lan", now=clock())

    assert done.id == missed.id and done.status == TicketStatus.DONE
    assert [e["kind"] for e in ticket_events(db, done.id)] == [
        "issued",
        "called",
        "no_show",
        "called",
        "started",
        "finished",
    ]
