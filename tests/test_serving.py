"""The ticket's state machine at a counter: start, finish, no-show, return, transfer, cancel,
reactivate; each allowed move logged with its counter and clerk, each forbidden one refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next, call_ticket
from core.counters import current_ticket, open_counter
from core.errors import Conflict, NotFound
from core.events import ticket_events
from core.models import TicketStatus
from core.serving import cancel, finish, no_show, reactivate, return_to_queue, start, transfer
from core.tickets import ahead_of, get_ticket, median_service_s
from tests.helpers.queues import (
    at,
    called_at_counter_1,
    issue,
    last_event,
    serving_at_counter_1,
)


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
