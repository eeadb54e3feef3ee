"""The priority policy: priority first, but never more than N in a row while regular tickets wait
(counted across counters, per service), or strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next, recall
from core.center import get_center
from core.serving import finish
from tests.helpers.queues import (
    center_db,
    issue,
    next_label,
    open_counters,
)


def test_call_next_takes_priority_first_then_the_oldest(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)
    issue(db, clock, priority="elderly")
    open_counters(db, clock, 1)

    assert [next_label(db, clock) for _ in range(3)] == ["A003", "A001", "A002"]


def test_call_next_serves_priority_tickets_among_themselves_by_issue_time(
    db: Database, clock: Any
) -> None:
    issue(db, clock, priority="pregnant")
    issue(db, clock, priority="elderly")
    open_counters(db, clock, 1)

    assert [next_label(db, clock) for _ in range(2)] == ["A001", "A002"]


def test_at_most_two_priority_calls_in_a_row_counted_across_counters(
    db: Database, clock: Any
) -> None:
    issue(db, clock)
    for _ in range(3):
        issue(db, clock, priority="elderly")
    open_counters(db, clock, 1, 2)

    first = next_label(db, clock, 1)
    second = next_label(db, clock, 2)  # no B waits, so counter 2 takes from A too
    third = next_label(db, clock, 1)  # two priority calls in a row: the regular ticket now

    assert [first, second, third] == ["A002", "A003", "A001"]
    assert next_label(db, clock, 2) == "A004"


def test_after_a_regular_call_the_priority_streak_starts_again(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)
    for _ in range(4):
        issue(db, clock, priority="disabled")
    open_counters(db, clock, 1)

    assert [next_label(db, clock) for _ in range(6)] == [
        "A003",
        "A004",
        "A001",
        "A005",
        "A006",
        "A002",
    ]


def test_the_priority_streak_is_counted_per_service(db: Database, clock: Any) -> None:
    issue(db, clock, "B", priority="elderly")
    issue(db, clock, "B", priority="elderly")
    issue(db, clock, "A")
    issue(db, clock, "A", priority="elderly")
    open_counters(db, clock, 1, 2)
    assert [next_label(db, clock, 2) for _ in range(2)] == ["B001", "B002"]

    # Two priority calls in B say nothing about A: its priority ticket still goes first.
    assert next_label(db, clock, 1) == "A002"


def test_recalls_do_not_count_in_the_priority_streak(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock, priority="elderly")
    issue(db, clock, priority="elderly")
    open_counters(db, clock, 1)
    call_next(db, 1, clerk="lan", now=clock())
    recall(db, 1, clerk="lan", now=clock())
    recall(db, 1, clerk="lan", now=clock())
    finish(db, 1, clerk="lan", now=clock())

    assert [next_label(db, clock) for _ in range(2)] == ["A003", "A001"]


def test_priority_keeps_being_served_when_no_regular_ticket_waits(db: Database, clock: Any) -> None:
    for _ in range(4):
        issue(db, clock, priority="elderly")
    open_counters(db, clock, 1)

    assert [next_label(db, clock) for _ in range(4)] == ["A001", "A002", "A003", "A004"]


@pytest.mark.parametrize("priority", [{"policy": "strict"}, {"max_in_row": 0}])
def test_strict_policy_always_serves_priority_first(
    tmp_path: Path, clock: Any, priority: dict[str, Any]
) -> None:
    strict = center_db(tmp_path, priority)
    assert get_center(strict).priority_max_in_row is None
    issue(strict, clock)
    for _ in range(4):
        issue(strict, clock, priority="elderly")
    open_counters(strict, clock, 1, 2)

    called = [next_label(strict, clock, number) for number in (1, 2, 1, 2, 1)]

    assert called == ["A002", "A003", "A004", "A005", "A001"]
    strict.conn.close()


def test_a_limit_of_one_alternates_priority_and_regular(tmp_path: Path, clock: Any) -> None:
    one_in_row = center_db(tmp_path, {"max_in_row": 1})
    for _ in range(2):
        issue(one_in_row, clock)
    for _ in range(2):
        issue(one_in_row, clock, priority="pregnant")
    open_counters(one_in_row, clock, 1)

    called = [next_label(one_in_row, clock) for _ in range(4)]

    assert called == ["A003", "A001", "A004", "A002"]
    one_in_row.conn.close()
