"""The rebalancing advisor's choice on constructed halls with known answers (core/advice.py).

The hall: Hộ tịch (HT) heading over its 20-minute target with one counter; Lan idles at an
Đất đai (DD) counter and may serve HT; Minh's Chứng thực (CT) queue needs him; Bình may serve
DD only. Each service takes 10 minutes. By the docstring's arithmetic, HT with 3 waiting and
0.15 arrivals a minute forecasts 45 minutes with one counter and 15 with two.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.advice import (
    WAIT_CAP_MIN,
    Desk,
    Hall,
    Queue,
    capacities,
    forecast_min,
    forecasts,
    propose_moves,
)


def queue(service: str, *, waiting: int, arrivals: float, oldest: float = 0.0) -> Queue:
    return Queue(
        service=service,
        name={"HT": "Hộ tịch", "DD": "Đất đai", "CT": "Chứng thực"}[service],
        target_min=20.0,
        waiting=waiting,
        oldest_min=oldest,
        arrivals_per_min=arrivals,
        service_min=10.0,
    )


def overloaded_hall() -> Hall:
    return Hall(
        queues={
            "HT": queue("HT", waiting=3, arrivals=0.15, oldest=42.0),
            "DD": queue("DD", waiting=0, arrivals=0.0),
            "CT": queue("CT", waiting=2, arrivals=0.05),
        },
        desks=(
            Desk(1, "open", "an", ("HT",)),
            Desk(3, "open", "lan", ("DD",)),
            Desk(4, "open", "minh", ("CT",)),
            Desk(5, "open", "binh", ("DD",)),
            Desk(6, "closed", None, ("HT", "CT")),
            Desk(7, "closed", None, ("HT",)),
            Desk(8, "closed", None, ("DD",)),
        ),
        skills={
            "an": frozenset({"HT"}),
            "lan": frozenset({"HT", "DD"}),
            "minh": frozenset({"HT", "CT"}),
            "binh": frozenset({"DD"}),
        },
        clerk_names={"lan": "Lan"},
    )


def test_the_forecast_follows_the_docstring_arithmetic() -> None:
    ht = queue("HT", waiting=3, arrivals=0.15)
    assert forecast_min(ht, 1) == pytest.approx(45.0)  # 3 + (0.15 - 0.1) * 30 = 4.5 ahead
    assert forecast_min(ht, 2) == pytest.approx(15.0)  # draining: the 3 ahead now, at 0.2/min
    assert forecast_min(ht, 0) == WAIT_CAP_MIN
    assert forecast_min(queue("DD", waiting=0, arrivals=0.0), 0) == 0.0


def test_a_counter_shares_its_time_among_its_busy_services() -> None:
    hall = replace(
        overloaded_hall(),
        desks=(Desk(1, "open", "an", ("HT", "CT")), Desk(2, "paused", "lan", ("HT",))),
    )
    shares = capacities(hall)
    assert shares == {"HT": 0.5, "CT": 0.5, "DD": 0.0}


def test_the_advisor_moves_the_idle_clerk_who_may_serve_the_overloaded_queue() -> None:
    moves = propose_moves(overloaded_hall())

    assert len(moves) == 1
    move = moves[0]
    assert (move.clerk, move.from_counter, move.to_counter, move.to_service) == ("lan", 3, 7, "HT")
    assert move.from_service == "DD"
    assert (move.wait_now_min, move.wait_after_min) == (45.0, 15.0)
    assert move.reason == (
        "Move clerk Lan from counter 3 (Đất đai, 0 waiting) to counter 7 (Hộ tịch):"
        " longest wait 45 -> 15 min"
    )


def test_the_shown_wait_now_is_the_oldest_visitors_when_longer() -> None:
    hall = overloaded_hall()
    hall.queues["HT"] = replace(hall.queues["HT"], oldest_min=52.0)
    assert propose_moves(hall)[0].wait_now_min == 52.0


def test_it_never_proposes_a_move_that_pushes_another_queue_over_its_target() -> None:
    hall = overloaded_hall()
    # Lan is busy now: without her the DD queue (2 waiting, 0.05/min) would wait forever.
    hall.queues["DD"] = queue("DD", waiting=2, arrivals=0.05)
    hall = replace(hall, desks=tuple(d for d in hall.desks if d.number != 5))

    moves = propose_moves(hall)

    # Minh may serve HT too, but his CT queue forecasts 20 min with him and forever without.
    assert moves == []
    before = forecasts(hall)
    assert before["CT"] <= 20 and before["DD"] <= 20


def test_a_clerk_is_moved_only_to_a_counter_whose_every_service_they_may_serve() -> None:
    hall = overloaded_hall()
    hall = replace(hall, skills={**hall.skills, "lan": frozenset({"HT", "DD", "CT"})})
    hall = replace(hall, desks=tuple(d for d in hall.desks if d.number != 7))

    moves = propose_moves(hall)

    # Counter 6 serves HT and CT: only a clerk with both skills goes there (Lan now has them).
    assert [(m.clerk, m.to_counter) for m in moves] == [("lan", 6)]
    hall = replace(hall, skills={**hall.skills, "lan": frozenset({"HT", "DD"})})
    assert propose_moves(hall) == []


def test_no_proposal_when_no_single_move_brings_the_queue_under_target() -> None:
    hall = overloaded_hall()
    hall.queues["HT"] = queue("HT", waiting=30, arrivals=0.3)  # 30 ahead: 150 min with two
    assert propose_moves(hall) == []


def test_no_proposal_when_every_queue_is_within_its_target() -> None:
    hall = overloaded_hall()
    hall.queues["HT"] = queue("HT", waiting=1, arrivals=0.05, oldest=25.0)
    assert forecasts(hall)["HT"] <= 20
    assert propose_moves(hall) == []


def test_a_clerk_without_recorded_skills_is_never_moved() -> None:
    hall = replace(overloaded_hall(), skills={"minh": frozenset({"HT", "CT"})})
    assert propose_moves(hall) == []


def test_two_overloaded_queues_get_two_different_clerks() -> None:
    hall = overloaded_hall()
    hall.queues["DD"] = queue("DD", waiting=3, arrivals=0.15)  # as bad as HT, one counter (5)
    hall = replace(
        hall,
        # Two idle clerks at counters that serve nothing today; Lan's counter is gone.
        desks=(
            *(desk for desk in hall.desks if desk.number != 3),
            Desk(9, "open", "dung", ()),
            Desk(10, "open", "em", ()),
        ),
        skills={**hall.skills, "dung": frozenset({"HT"}), "em": frozenset({"DD", "HT"})},
    )

    moves = propose_moves(hall)

    # Equally far over: DD first (by code), and only Em may serve it; Dũng then takes HT.
    assert [(m.to_service, m.clerk, m.from_counter, m.to_counter) for m in moves] == [
        ("DD", "em", 10, 8),
        ("HT", "dung", 9, 7),
    ]
    assert all(m.from_service is None and m.wait_after_min <= 20 for m in moves)
