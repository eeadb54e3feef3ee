"""Screen snapshots: the hall board (latest calls, waiting per service, seq), the kiosk's list."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.board import board, services_overview
from core.calling import call_next, recall
from core.counters import open_counter
from core.serving import finish
from core.tickets import DEFAULT_SERVICE_S, issue_ticket

CENTER_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def call_and_finish(db: Database, clock: Any, number: int, clerk: str) -> str:
    clock.advance(minutes=1)
    called = call_next(db, number, clerk=clerk, now=clock())
    assert called is not None
    finish(db, number, clerk=clerk, now=clock())
    return called[0].label


def overview_by_code(db: Database, clock: Any) -> dict[str, dict[str, Any]]:
    return {service["code"]: service for service in services_overview(db, now=clock())}


def test_an_empty_board_has_no_calls_and_every_service_at_zero(db: Database, clock: Any) -> None:
    assert board(db, now=clock()) == {"seq": 0, "calls": [], "waiting": {"A": 0, "B": 0, "D": 0}}


def test_the_board_counts_waiting_tickets_per_service_zeros_included(
    db: Database, clock: Any
) -> None:
    issue_ticket(db, "A", now=clock())
    issue_ticket(db, "A", now=clock(), priority="elderly")
    issue_ticket(db, "B", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    call_next(db, 1, clerk="lan", now=clock())

    assert board(db, now=clock())["waiting"] == {"A": 1, "B": 1, "D": 0}


def test_the_board_shows_the_latest_eight_calls_newest_first(db: Database, clock: Any) -> None:
    for _ in range(10):
        issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())

    called = [call_and_finish(db, clock, 1, "lan") for _ in range(10)]
    snapshot = board(db, now=clock())

    assert called == [f"A{n:03d}" for n in range(1, 11)]
    assert [call["label"] for call in snapshot["calls"]] == [f"A{n:03d}" for n in range(10, 2, -1)]
    assert snapshot["calls"][0] == {
        "label": "A010",
        "counter": 1,
        "service": "A",
        "priority": None,
        "at": "2026-11-30T01:10:00.000+00:00",
    }
    assert snapshot["seq"] == 10


def test_a_recalled_ticket_appears_once_at_the_top(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock())
    issue_ticket(db, "A", now=clock(), priority="pregnant")
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    first = call_next(db, 1, clerk="lan", now=clock())  # the priority ticket, A002
    clock.advance(minutes=1)
    second = call_next(db, 2, clerk="mai", now=clock())  # A001
    assert first is not None and second is not None
    clock.advance(minutes=1)

    _, again = recall(db, 1, clerk="lan", now=clock())
    snapshot = board(db, now=clock())

    assert [(call["label"], call["counter"]) for call in snapshot["calls"]] == [
        ("A002", 1),
        ("A001", 2),
    ]
    assert snapshot["calls"][0]["at"] == again.at
    assert snapshot["calls"][0]["priority"] == "pregnant"
    assert snapshot["seq"] == again.seq == 3


def test_the_board_seq_is_the_seq_of_the_latest_call(db: Database, clock: Any) -> None:
    issue_ticket(db, "B", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    called = call_next(db, 2, clerk="mai", now=clock())
    assert called is not None

    assert board(db, now=clock())["seq"] == called[1].seq == 1
    _, again = recall(db, 2, clerk="mai", now=clock())
    assert board(db, now=clock())["seq"] == again.seq == 2


def test_the_next_day_starts_an_empty_board_but_seq_keeps_growing(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    call_and_finish(db, clock, 1, "lan")
    clock.advance(days=1)

    assert board(db, now=clock()) == {"seq": 1, "calls": [], "waiting": {"A": 0, "B": 0, "D": 0}}

    issue_ticket(db, "A", now=clock())
    call_and_finish(db, clock, 1, "lan")
    assert board(db, now=clock())["seq"] == 2


def test_services_overview_lists_every_service_open_in_the_morning(
    db: Database, clock: Any
) -> None:
    issue_ticket(db, "A", now=clock())
    issue_ticket(db, "A", now=clock())

    overview = services_overview(db, now=clock())

    assert [service["code"] for service in overview] == ["A", "B", "D"]
    service_a = overview[0]
    assert service_a == {
        "code": "A",
        "name": "Hộ tịch",
        "name_en": None,
        "department": "TP",
        "department_name": "Sở Tư pháp",
        "department_name_en": "Justice",
        "waiting": 2,
        "estimated_wait_s": 2 * DEFAULT_SERVICE_S,
        "estimated_wait_range_min": [7, 14],
        "is_open": True,
        "closed_reason": None,
        "guide": None,
        "hours": [],
    }
    assert overview[2]["hours"] == ["07:00-11:30", "13:00-16:30"]
    assert all(service["is_open"] for service in overview)


def test_services_overview_says_a_service_is_closed_out_of_hours(db: Database, clock: Any) -> None:
    clock.moment = datetime(2026, 11, 30, 12, 0, tzinfo=CENTER_ZONE)

    services = overview_by_code(db, clock)

    assert (services["D"]["is_open"], services["D"]["closed_reason"]) == (False, "hours")
    assert (services["A"]["is_open"], services["A"]["closed_reason"]) == (True, None)

    clock.moment = datetime(2026, 11, 30, 13, 0, tzinfo=CENTER_ZONE)
    assert overview_by_code(db, clock)["D"]["is_open"] is True


def test_services_overview_says_a_service_has_reached_its_quota(db: Database, clock: Any) -> None:
    for _ in range(2):
        issue_ticket(db, "B", now=clock())
    assert overview_by_code(db, clock)["B"]["is_open"] is True

    issue_ticket(db, "B", now=clock())
    services = overview_by_code(db, clock)

    assert (services["B"]["is_open"], services["B"]["closed_reason"]) == (False, "quota_reached")
    clock.advance(days=1)
    assert overview_by_code(db, clock)["B"]["closed_reason"] is None


def test_services_overview_shares_the_wait_among_open_counters(db: Database, clock: Any) -> None:
    for _ in range(4):
        issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())

    assert overview_by_code(db, clock)["A"]["estimated_wait_s"] == 2 * DEFAULT_SERVICE_S
