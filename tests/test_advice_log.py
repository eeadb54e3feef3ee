"""The advisor on a constructed day in a real database (core/advice.py's reading, and the log of
core/advice_log.py): proposals, their decisions and the wait 30 minutes later.

The day: Hộ tịch (A, target 15 min, no history: 5-minute service) got a ticket every 6 minutes
from 08:00 to 08:24; at 08:29 only counter 1 (A, B) is open for it, held by An. Bình idles at
counter 3 (D, nobody waiting) and may serve A, B and D. With 5 waiting and 1/6 arrivals a minute,
A forecasts 25 minutes with one counter and 12.5 with two; its oldest visitor has waited 29.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlite_utils import Database

from core.advice import advise
from core.advice_log import (
    advice_report,
    apply_advice,
    dismiss_advice,
    log_round,
    longest_wait_at,
)
from core.calling import call_next
from core.center import get_counter
from core.configuration import Change
from core.configuration.skills import set_user_services
from core.counters import open_counter
from core.errors import Conflict
from core.items import StaffServices
from core.serving import cancel
from core.tickets import issue_ticket
from core.users import create_user

DAY = "2026-11-30"


@pytest.fixture
def overloaded(db: Database, clock: Any) -> Database:
    for username in ("an", "binh", "chi"):
        create_user(db, username, role="clerk", password="password-123", now=clock())
    db.execute("UPDATE users SET display_name = 'Trần Bình' WHERE username = 'binh'")
    change = Change(actor="root", now=clock())
    set_user_services(db, change, "binh", StaffServices(services=["A", "B", "D"]))
    open_counter(db, 1, clerk="an", now=clock())
    open_counter(db, 3, clerk="binh", now=clock())
    for _ in range(5):
        issue_ticket(db, "A", now=clock())
        clock.advance(minutes=6)
    clock.advance(minutes=-1)  # 08:29
    return db


def test_the_advisor_reads_the_day_and_proposes_the_idle_clerk(
    overloaded: Database, clock: Any
) -> None:
    moves = advise(overloaded, now=clock())

    assert [(m.clerk, m.from_counter, m.to_counter, m.to_service) for m in moves] == [
        ("binh", 3, 2, "A")
    ]
    assert (moves[0].wait_now_min, moves[0].wait_after_min) == (29.0, 12.5)
    assert moves[0].clerk_name == "Trần Bình"
    assert "Trần Bình" in moves[0].reason and "29 -> 12.5 min" in moves[0].reason


def test_a_round_logs_a_move_once_however_often_it_runs(overloaded: Database, clock: Any) -> None:
    first = log_round(overloaded, now=clock())
    clock.advance(minutes=1)
    second = log_round(overloaded, now=clock())

    assert [move["id"] for move in first] == [move["id"] for move in second]
    assert overloaded.execute("SELECT count(*), min(decision) FROM advice").fetchone() == (
        1,
        "pending",
    )


def test_applying_advice_moves_the_clerk_and_logs_the_decision(
    overloaded: Database, clock: Any
) -> None:
    (proposal,) = log_round(overloaded, now=clock())

    apply_advice(overloaded, proposal["id"], supervisor="chi", now=clock())

    assert get_counter(overloaded, 3).clerk is None
    assert get_counter(overloaded, 2).clerk == "binh"
    row = overloaded.execute(
        "SELECT decision, decided_by FROM advice WHERE id = ?", [proposal["id"]]
    ).fetchone()
    assert row == ("applied", "chi")
    actions = [a for (a,) in overloaded.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["user.move_counter", "advice.applied"]
    with pytest.raises(Conflict):
        apply_advice(overloaded, proposal["id"], supervisor="chi", now=clock())
    assert log_round(overloaded, now=clock()) == []  # A is within its target now


def test_advice_the_hall_overtook_expires(overloaded: Database, clock: Any) -> None:
    (proposal,) = log_round(overloaded, now=clock())
    for ticket_id in (1, 2, 3, 4):
        cancel(overloaded, ticket_id, clerk="chi", reason="left", now=clock())

    assert log_round(overloaded, now=clock()) == []

    decision = overloaded.execute(
        "SELECT decision FROM advice WHERE id = ?", [proposal["id"]]
    ).fetchone()
    assert decision == ("expired",)
    with pytest.raises(Conflict):
        apply_advice(overloaded, proposal["id"], supervisor="chi", now=clock())


def test_dismissed_advice_stays_quiet_for_half_an_hour(overloaded: Database, clock: Any) -> None:
    (proposal,) = log_round(overloaded, now=clock())
    dismiss_advice(overloaded, proposal["id"], supervisor="chi", now=clock())

    clock.advance(minutes=29)
    assert log_round(overloaded, now=clock()) == []
    clock.advance(minutes=2)
    (again,) = log_round(overloaded, now=clock())
    assert again["id"] != proposal["id"]


def test_the_wait_later_is_the_queues_longest_wait_30_minutes_on(
    overloaded: Database, clock: Any
) -> None:
    (proposal,) = log_round(overloaded, now=clock())  # 08:29
    apply_advice(overloaded, proposal["id"], supervisor="chi", now=clock())
    clock.advance(minutes=11)  # 08:40: the first ticket (08:00) is called
    call_next(overloaded, 1, clerk="an", now=clock())
    clock.advance(minutes=19)  # 08:59: the oldest left waiting came at 08:06

    log_round(overloaded, now=clock())

    later = overloaded.execute("SELECT wait_later_min FROM advice").fetchone()[0]
    assert later == 53.0
    assert longest_wait_at(overloaded, "A", DAY, clock()) == 53.0


def test_the_report_counts_advice_taken_and_its_effect(overloaded: Database, clock: Any) -> None:
    (proposal,) = log_round(overloaded, now=clock())
    apply_advice(overloaded, proposal["id"], supervisor="chi", now=clock())
    clock.advance(minutes=31)

    report = advice_report(overloaded, date(2026, 11, 30), date(2026, 11, 30), now=clock())

    assert (report["proposed"], report["taken"], report["taken_share"]) == (1, 1, 1.0)
    assert report["decisions"] == {"pending": 0, "applied": 1, "ignored": 0, "expired": 0}
    # Nobody was called: 30 minutes on, the 08:00 visitor had waited 59 minutes.
    assert report["taken_effect"] == {
        "count": 1,
        "measured": 1,
        "wait_now_min": 29.0,
        "wait_later_min": 59.0,
        "change_min": 30.0,
    }
    assert report["not_taken_effect"]["count"] == 0
