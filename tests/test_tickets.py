"""Issuing tickets: numbers per service and center day, quotas, hours, people ahead, the wait."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter, pause_counter
from core.errors import Conflict, InvalidInput, NotFound
from core.events import ticket_events
from core.models import Issued, TicketStatus
from core.serving import cancel, finish, start
from core.tickets import (
    DEFAULT_SERVICE_S,
    ahead_of,
    find_by_label,
    find_by_token,
    get_ticket,
    issue_ticket,
    median_service_s,
)

CENTER_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = "2026-11-30"


def at_local(hour: int, minute: int = 0, day: int = 30) -> datetime:
    """A moment of the center's clock (Asia/Ho_Chi_Minh) in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CENTER_ZONE)


def issue(db: Database, clock: Any, service: str = "A", **options: Any) -> Issued:
    return issue_ticket(db, service, now=clock(), **options)


def serve_one(db: Database, clock: Any, *, come_after_s: int | None, serve_s: int) -> None:
    """Counter 1 calls its next ticket and finishes it `serve_s` seconds after it starts.

    With `come_after_s` the clerk presses start that long after the call; without, the ticket
    is finished straight from `called`.
    """
    call_next(db, 1, clerk="lan", now=clock())
    if come_after_s is not None:
        clock.advance(seconds=come_after_s)
        start(db, 1, clerk="lan", now=clock())
    clock.advance(seconds=serve_s)
    finish(db, 1, clerk="lan", now=clock())


def test_issue_ticket_numbers_each_service_from_one_with_padded_labels(
    db: Database, clock: Any
) -> None:
    labels = [issue(db, clock, code).ticket.label for code in ("A", "A", "B", "A", "D")]

    assert labels == ["A001", "A002", "B001", "A003", "D001"]
    third = find_by_label(db, "A003", MONDAY)
    assert (third.service, third.queue, third.number, third.day) == ("A", "A", 3, MONDAY)
    assert third.status == TicketStatus.WAITING and third.priority is None


def test_the_day_is_the_centers_day_not_utc(db: Database, clock: Any) -> None:
    issue(db, clock)
    clock.moment = at_local(23, 59)  # 16:59 UTC, still Monday in both
    assert issue(db, clock).ticket.label == "A002"

    clock.moment = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # Monday in UTC, Tuesday 00:30 here
    tuesday = issue(db, clock).ticket

    assert (tuesday.label, tuesday.number, tuesday.day) == ("A001", 1, "2026-12-01")
    assert find_by_label(db, "A001", MONDAY).id != tuesday.id


def test_a_new_day_restarts_numbering_at_one_for_every_service(db: Database, clock: Any) -> None:
    issue(db, clock, "A")
    issue(db, clock, "B")
    clock.advance(days=1)

    assert [issue(db, clock, code).ticket.label for code in ("B", "A")] == ["B001", "A001"]


def test_a_label_past_999_has_four_digits(db: Database, clock: Any) -> None:
    db.execute("INSERT INTO sequences (service, day, last_number) VALUES ('A', ?, 999)", [MONDAY])

    ticket = issue(db, clock).ticket

    assert (ticket.number, ticket.label) == (1000, "A1000")


def test_a_cancelled_number_is_never_given_again(db: Database, clock: Any) -> None:
    issue(db, clock)
    second = issue(db, clock).ticket
    cancel(db, second.id, clerk="mai", now=clock(), reason="left")

    assert issue(db, clock).ticket.label == "A003"


def test_a_service_refuses_tickets_past_its_daily_quota(db: Database, clock: Any) -> None:
    assert [issue(db, clock, "B").ticket.label for _ in range(3)] == ["B001", "B002", "B003"]

    with pytest.raises(Conflict) as refused:
        issue(db, clock, "B")

    assert refused.value.code == "quota_reached" and refused.value.status == 409
    count = db.execute("SELECT count(*) FROM tickets WHERE service = 'B'").fetchone()[0]
    assert count == 3
    assert issue(db, clock, "A").ticket.label == "A001"  # other services are not limited


def test_cancelled_tickets_still_count_in_the_daily_quota(db: Database, clock: Any) -> None:
    for _ in range(3):
        last = issue(db, clock, "B").ticket
    cancel(db, last.id, clerk="mai", now=clock(), reason="duplicate")

    with pytest.raises(Conflict, match="3 tickets today"):
        issue(db, clock, "B")


def test_the_daily_quota_starts_again_the_next_day(db: Database, clock: Any) -> None:
    for _ in range(3):
        issue(db, clock, "B")
    clock.advance(days=1)

    assert issue(db, clock, "B").ticket.label == "B001"


@pytest.mark.parametrize(
    ("hour", "minute", "is_open"),
    [
        (6, 59, False),
        (7, 0, True),
        (11, 29, True),
        (11, 30, False),
        (12, 0, False),
        (13, 0, True),
        (16, 29, True),
        (16, 30, False),
        (20, 0, False),
    ],
)
def test_a_service_takes_tickets_only_within_its_hours_end_exclusive(
    db: Database, clock: Any, hour: int, minute: int, is_open: bool
) -> None:
    clock.moment = at_local(hour, minute)

    if is_open:
        assert issue(db, clock, "D").ticket.label == "D001"
    else:
        with pytest.raises(Conflict) as refused:
            issue(db, clock, "D")
        assert refused.value.code == "closed"
        assert db.execute("SELECT count(*) FROM sequences").fetchone()[0] == 0


def test_a_service_without_hours_takes_tickets_at_any_time(db: Database, clock: Any) -> None:
    clock.moment = at_local(23, 30)

    assert issue(db, clock, "A").ticket.label == "A001"


def test_a_ticket_refused_at_midday_takes_no_number(db: Database, clock: Any) -> None:
    clock.moment = at_local(12, 0)
    with pytest.raises(Conflict):
        issue(db, clock, "D")
    clock.moment = at_local(13, 0)

    assert issue(db, clock, "D").ticket.label == "D001"


def test_an_unknown_service_is_not_found(db: Database, clock: Any) -> None:
    with pytest.raises(NotFound) as refused:
        issue(db, clock, "Z")

    assert refused.value.status == 404


def test_an_unknown_priority_category_is_invalid_and_takes_no_number(
    db: Database, clock: Any
) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue(db, clock, "A", priority="vip")

    assert refused.value.code == "unknown_priority" and refused.value.status == 400
    assert issue(db, clock, "A", priority="elderly").ticket.label == "A001"


def test_a_regular_ticket_has_every_waiting_ticket_of_its_service_ahead(
    db: Database, clock: Any
) -> None:
    issue(db, clock, "A")
    issue(db, clock, "A")
    issue(db, clock, "A", priority="elderly")
    issue(db, clock, "B")  # another queue

    assert issue(db, clock, "A").ahead == 3


def test_a_priority_ticket_has_only_waiting_priority_tickets_ahead(
    db: Database, clock: Any
) -> None:
    issue(db, clock, "A")
    issue(db, clock, "A", priority="elderly")
    issue(db, clock, "A")

    assert issue(db, clock, "A", priority="pregnant").ahead == 1


def test_ahead_of_counts_who_will_be_served_before_a_waiting_ticket(
    db: Database, clock: Any
) -> None:
    first = issue(db, clock).ticket
    clock.advance(minutes=1)
    second = issue(db, clock).ticket
    clock.advance(minutes=1)
    elderly = issue(db, clock, priority="elderly").ticket
    clock.advance(minutes=1)
    disabled = issue(db, clock, priority="disabled").ticket

    assert [ahead_of(db, get_ticket(db, t.id)) for t in (first, second, elderly, disabled)] == [
        2,
        3,
        0,
        1,
    ]


def test_ahead_of_a_called_ticket_is_zero(db: Database, clock: Any) -> None:
    issued = issue(db, clock).ticket
    issue(db, clock)
    open_counter(db, 1, clerk="lan", now=clock())
    call_next(db, 1, clerk="lan", now=clock())

    assert ahead_of(db, get_ticket(db, issued.id)) == 0
    assert ahead_of(db, find_by_label(db, "A002", MONDAY)) == 0


def test_the_first_ticket_has_no_one_ahead_and_no_wait(db: Database, clock: Any) -> None:
    issued = issue(db, clock)

    assert (issued.ahead, issued.estimated_wait_s) == (0, 0)


def test_the_wait_uses_the_default_service_time_before_there_is_history(
    db: Database, clock: Any
) -> None:
    for _ in range(3):
        issue(db, clock)

    # No counter is open: the people ahead are counted as if one were.
    assert issue(db, clock).estimated_wait_s == 3 * DEFAULT_SERVICE_S
    assert issue(db, clock, default_service_s=60).estimated_wait_s == 4 * 60


def test_the_wait_is_shared_among_the_counters_open_for_the_service(
    db: Database, clock: Any
) -> None:
    for _ in range(3):
        issue(db, clock)
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    open_counter(db, 3, clerk="hoa", now=clock())  # serves D only

    issued = issue(db, clock)

    assert issued.estimated_wait_s == round(3 / 2 * DEFAULT_SERVICE_S)


def test_a_paused_counter_does_not_share_the_wait(db: Database, clock: Any) -> None:
    for _ in range(2):
        issue(db, clock)
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    pause_counter(db, 2, clerk="mai", reason="họp", now=clock())

    assert issue(db, clock).estimated_wait_s == 2 * DEFAULT_SERVICE_S


def test_the_wait_uses_the_default_until_three_tickets_are_finished(
    db: Database, clock: Any
) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    for _ in range(2):
        issue(db, clock)
        serve_one(db, clock, come_after_s=None, serve_s=60)
    issue(db, clock)

    assert median_service_s(db, "A") == DEFAULT_SERVICE_S
    assert issue(db, clock).estimated_wait_s == DEFAULT_SERVICE_S


def test_the_wait_uses_the_median_service_time_of_finished_tickets(
    db: Database, clock: Any
) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    for _ in range(3):
        issue(db, clock)
    serve_one(db, clock, come_after_s=None, serve_s=120)  # counted from the call
    serve_one(db, clock, come_after_s=60, serve_s=240)  # counted from start: 240, not 300
    serve_one(db, clock, come_after_s=None, serve_s=600)
    issue(db, clock)
    issue(db, clock)

    issued = issue(db, clock)

    assert median_service_s(db, "A") == 240
    assert issued.ahead == 2
    assert issued.estimated_wait_s == 2 * 240
    # B's history is its own.
    assert median_service_s(db, "B") == DEFAULT_SERVICE_S


def test_the_prediction_is_stored_with_the_ticket(db: Database, clock: Any) -> None:
    issue(db, clock)
    issue(db, clock)

    issued = issue(db, clock)

    assert issued.estimated_wait_s == 2 * DEFAULT_SERVICE_S
    assert issued.ticket.predicted_wait_s == issued.estimated_wait_s
    assert get_ticket(db, issued.ticket.id).predicted_wait_s == 2 * DEFAULT_SERVICE_S


def test_every_issue_logs_an_issued_event(db: Database, clock: Any) -> None:
    regular = issue(db, clock).ticket
    elderly = issue(db, clock, "B", priority="elderly", kiosk="k2").ticket

    assert ticket_events(db, regular.id) == [
        {
            "kind": "issued",
            "at": "2026-11-30T01:00:00.000+00:00",
            "counter": None,
            "clerk": None,
            "data": {"kiosk": None, "priority": None},
        }
    ]
    assert ticket_events(db, elderly.id) == [
        {
            "kind": "issued",
            "at": "2026-11-30T01:00:00.000+00:00",
            "counter": None,
            "clerk": None,
            "data": {"kiosk": "k2", "priority": "elderly"},
        }
    ]


def test_a_ticket_keeps_its_issue_time_priority_and_kiosk(db: Database, clock: Any) -> None:
    clock.advance(minutes=7, seconds=30)

    ticket = issue(db, clock, priority="disabled", kiosk="k1").ticket

    assert ticket.issued_at == "2026-11-30T01:07:30.000+00:00"
    assert (ticket.priority, ticket.kiosk, ticket.call_count) == ("disabled", "k1", 0)


def test_a_ticket_is_found_by_its_token(db: Database, clock: Any) -> None:
    first = issue(db, clock).ticket
    second = issue(db, clock).ticket

    assert first.token != second.token and len(first.token) >= 20
    assert find_by_token(db, second.token).label == "A002"
    with pytest.raises(NotFound):
        find_by_token(db, first.token[:-1])


def test_a_label_is_found_only_on_its_day(db: Database, clock: Any) -> None:
    monday = issue(db, clock).ticket
    clock.advance(days=1)
    tuesday = issue(db, clock).ticket

    assert find_by_label(db, "A001", MONDAY).id == monday.id
    assert find_by_label(db, "A001", "2026-12-01").id == tuesday.id
    with pytest.raises(NotFound):
        find_by_label(db, "A002", MONDAY)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, (0, 1)), (30, (0, 1)), (300, (3, 7)), (600, (7, 14)), (3600, (42, 78))],
)
def test_the_wait_is_shown_as_a_range_of_minutes(seconds: int, expected: tuple[int, int]) -> None:
    from core.tickets import wait_range_min

    assert wait_range_min(seconds) == expected
