"""Calling tickets: the counter's service order, the priority limit, calls by label, recalls."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next, call_ticket, choose_next, recall
from core.counters import pause_counter
from core.errors import Conflict, NotFound
from core.events import ticket_events
from core.models import TicketStatus
from core.serving import cancel, finish, no_show, return_to_queue, start, transfer
from core.tickets import find_by_label, get_ticket
from tests.helpers.queues import (
    MONDAY,
    issue,
    next_label,
    open_counters,
    press_next,
)


def test_call_next_serves_the_counters_first_service_before_its_second(
    db: Database, clock: Any
) -> None:
    issue(db, clock, "B")  # older, but counter 1 prefers A
    issue(db, clock, "A")
    open_counters(db, clock, 1)

    assert next_label(db, clock, 1) == "A001"
    assert next_label(db, clock, 1) == "B001"
    assert next_label(db, clock, 1) is None


def test_call_next_follows_each_counters_own_order(db: Database, clock: Any) -> None:
    issue(db, clock, "A")
    issue(db, clock, "B")
    open_counters(db, clock, 1, 2)

    assert next_label(db, clock, 2) == "B001"  # counter 2 serves B first
    assert next_label(db, clock, 2) == "A001"  # and A only when no B waits


def test_call_next_skips_services_the_counter_does_not_serve(db: Database, clock: Any) -> None:
    issue(db, clock, "D")
    open_counters(db, clock, 1, 3)

    assert next_label(db, clock, 1) is None
    assert next_label(db, clock, 3) == "D001"


def test_call_next_takes_the_oldest_regular_ticket_first(db: Database, clock: Any) -> None:
    for _ in range(3):
        issue(db, clock)
    open_counters(db, clock, 1)

    assert [next_label(db, clock) for _ in range(3)] == ["A001", "A002", "A003"]


def test_choose_next_gives_none_for_services_with_nothing_waiting(db: Database, clock: Any) -> None:
    issue(db, clock, "A")

    assert choose_next(db, ("B", "D"), MONDAY, 2) is None
    assert choose_next(db, ("B", "A"), MONDAY, 2) == find_by_label(db, "A001", MONDAY).id


def test_next_when_nothing_waits_gives_none_and_records_no_call(db: Database, clock: Any) -> None:
    open_counters(db, clock, 1)

    assert call_next(db, 1, clerk="lan", now=clock()) is None
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0


def test_next_claims_the_ticket_for_the_counter_and_the_clerk(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)
    clock.advance(minutes=4)

    ticket, call = press_next(db, clock)

    assert ticket.status == TicketStatus.CALLED
    assert (ticket.counter, ticket.clerk, ticket.call_count) == (1, "lan", 1)
    assert ticket.called_at == "2026-11-30T01:05:00.000+00:00"
    assert (call.seq, call.kind, call.label, call.service, call.counter) == (
        1,
        "next",
        "A001",
        "A",
        1,
    )
    assert call.at == ticket.called_at
    assert ticket_events(db, ticket.id)[-1] == {
        "kind": "called",
        "at": ticket.called_at,
        "counter": 1,
        "clerk": "lan",
        "data": None,
    }


@pytest.mark.parametrize("serving", [False, True])
def test_next_while_holding_a_ticket_is_refused(db: Database, clock: Any, serving: bool) -> None:
    issue(db, clock)
    issue(db, clock)
    open_counters(db, clock, 1)
    call_next(db, 1, clerk="lan", now=clock())
    if serving:
        start(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        call_next(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "ticket_in_hand" and "A001" in refused.value.message
    assert find_by_label(db, "A002", MONDAY).status == TicketStatus.WAITING


def test_next_on_a_closed_counter_is_refused(db: Database, clock: Any) -> None:
    issue(db, clock)

    with pytest.raises(Conflict) as refused:
        call_next(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "counter_closed"
    assert find_by_label(db, "A001", MONDAY).status == TicketStatus.WAITING


def test_next_on_a_paused_counter_is_refused(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)
    pause_counter(db, 1, clerk="lan", reason="nghỉ trưa", now=clock())

    with pytest.raises(Conflict) as refused:
        call_next(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "counter_paused"
    assert find_by_label(db, "A001", MONDAY).status == TicketStatus.WAITING


def test_next_by_another_clerk_than_the_counters_is_refused(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)

    with pytest.raises(Conflict) as refused:
        call_next(db, 1, clerk="mai", now=clock())

    assert refused.value.code == "counter_taken"


def test_a_returned_ticket_keeps_its_place(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)
    open_counters(db, clock, 1, 2)
    first, _ = press_next(db, clock)
    clock.advance(minutes=10)
    return_to_queue(db, 1, clerk="lan", now=clock())

    assert next_label(db, clock, 2) == "A001"
    assert get_ticket(db, first.id).issued_at == first.issued_at


def test_a_transferred_ticket_keeps_its_issue_time_and_so_its_place(
    db: Database, clock: Any
) -> None:
    issue(db, clock, "B")  # B001 at 08:01
    issue(db, clock, "A")  # A001 at 08:02
    open_counters(db, clock, 1, 2)
    call_next(db, 2, clerk="mai", now=clock())
    clock.advance(minutes=15)
    transfer(db, 2, "A", clerk="mai", now=clock())

    assert next_label(db, clock, 1) == "B001"
    assert next_label(db, clock, 1) == "A001"


def test_call_ticket_calls_a_given_label_out_of_order_and_logs_it(db: Database, clock: Any) -> None:
    for _ in range(3):
        issue(db, clock)
    open_counters(db, clock, 1)

    ticket, call = call_ticket(db, 1, " a003 ", clerk="lan", now=clock())

    assert (ticket.label, ticket.status, ticket.counter, ticket.call_count) == (
        "A003",
        TicketStatus.CALLED,
        1,
        1,
    )
    assert (call.kind, call.label, call.counter) == ("call", "A003", 1)
    event = ticket_events(db, ticket.id)[-1]
    assert (event["kind"], event["counter"], event["clerk"]) == ("called", 1, "lan")
    assert event["data"] == {"out_of_order": True, "was": "waiting"}
    finish(db, 1, clerk="lan", now=clock())
    assert next_label(db, clock) == "A001"


def test_call_ticket_calls_back_a_no_show(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)
    open_counters(db, clock, 1)
    call_next(db, 1, clerk="lan", now=clock())
    no_show(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=20)

    ticket, call = call_ticket(db, 1, "A001", clerk="lan", now=clock())

    assert (ticket.status, ticket.call_count, ticket.counter) == (TicketStatus.CALLED, 2, 1)
    assert ticket.called_at == "2026-11-30T01:22:00.000+00:00"
    assert call.seq == 2
    assert ticket_events(db, ticket.id)[-1]["data"] == {"out_of_order": True, "was": "no_show"}


def test_a_no_show_called_back_is_no_longer_finished(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)
    call_next(db, 1, clerk="lan", now=clock())
    no_show(db, 1, clerk="lan", now=clock())

    ticket, _ = call_ticket(db, 1, "A001", clerk="lan", now=clock())

    assert ticket.status == TicketStatus.CALLED and ticket.finished_at is None
    returned = return_to_queue(db, 1, clerk="lan", now=clock())
    assert returned.status == TicketStatus.WAITING and returned.finished_at is None


@pytest.mark.parametrize("move", ["serving", "done", "cancelled"])
def test_call_ticket_refuses_a_ticket_that_is_not_waiting_or_no_show(
    db: Database, clock: Any, move: str
) -> None:
    issue(db, clock)
    open_counters(db, clock, 1, 2)
    if move == "cancelled":
        cancel(db, find_by_label(db, "A001", MONDAY).id, clerk="sup", now=clock(), reason="left")
    else:
        call_next(db, 2, clerk="mai", now=clock())
        start(db, 2, clerk="mai", now=clock())
        if move == "done":
            finish(db, 2, clerk="mai", now=clock())

    with pytest.raises(Conflict) as refused:
        call_ticket(db, 1, "A001", clerk="lan", now=clock())

    assert refused.value.code == "not_waiting"
    assert find_by_label(db, "A001", MONDAY).status == move


def test_call_ticket_with_an_unknown_label_is_not_found(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)

    with pytest.raises(NotFound):
        call_ticket(db, 1, "A009", clerk="lan", now=clock())


def test_call_ticket_while_holding_a_ticket_is_refused(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)
    open_counters(db, clock, 1)
    call_next(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        call_ticket(db, 1, "A002", clerk="lan", now=clock())

    assert refused.value.code == "ticket_in_hand"


def test_recall_counts_the_call_and_records_a_newer_call(db: Database, clock: Any) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)
    _, first_call = press_next(db, clock)
    clock.advance(seconds=45)

    ticket, call = recall(db, 1, clerk="lan", now=clock())

    assert ticket.call_count == 2
    assert ticket.called_at == first_call.at  # the wait still ends at the first call
    assert call.kind == "recall" and call.label == "A001" and call.counter == 1
    assert call.seq > first_call.seq
    assert call.at == "2026-11-30T01:01:45.000+00:00"
    assert ticket_events(db, ticket.id)[-1] == {
        "kind": "recalled",
        "at": call.at,
        "counter": 1,
        "clerk": "lan",
        "data": {"call_count": 2},
    }
    assert recall(db, 1, clerk="lan", now=clock())[0].call_count == 3


@pytest.mark.parametrize("serving", [False, True])
def test_recall_needs_a_called_ticket(db: Database, clock: Any, serving: bool) -> None:
    issue(db, clock)
    open_counters(db, clock, 1)
    if serving:
        call_next(db, 1, clerk="lan", now=clock())
        start(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        recall(db, 1, clerk="lan", now=clock())

    assert refused.value.code == "no_ticket"


def test_only_todays_tickets_are_called(db: Database, clock: Any) -> None:
    issue(db, clock)  # Monday's A001 is never served
    clock.advance(days=1)
    open_counters(db, clock, 1)

    assert call_next(db, 1, clerk="lan", now=clock()) is None
    with pytest.raises(NotFound):
        call_ticket(db, 1, "A001", clerk="lan", now=clock())

    tuesday = issue(db, clock)
    assert tuesday.label == "A001"
    called = call_next(db, 1, clerk="lan", now=clock())
    assert called is not None and called[0].day == "2026-12-01"
