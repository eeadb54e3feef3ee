"""A small busy day against the real server (gunicorn, websockets, SQLite file), with the soak
benchmark's checks (bench/soak_day.py runs the full-size day): the server's memory flat after
the warm-up round, no socket dropped, every hall display hearing every call, every ticket served
once and accounted for, every rating and booking stored. The call -> display p99 is printed (a
figure, not a timed assert: the machine is shared)."""

from __future__ import annotations

from pathlib import Path

from harness.accounting import account_for_every_ticket
from harness.day import Day
from harness.day_plan import DayPlan, prepare
from harness.figures import percentile
from harness.server import serve
from harness.sockets import SocketFleet

SMALL_DAY = DayPlan(
    visitors=90,
    counters=6,
    displays=24,
    phones=60,
    bookings=4,
    rounds=3,
    seconds=9.0,
    kiosks=3,
)
RSS_GROWTH_MB = 4.0  # "flat": what a few rounds may add after the warm-up, at most


def test_a_busy_day_leaves_every_ticket_served_and_the_server_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "day.db"
    prepare(database, SMALL_DAY)
    with (
        serve(database, tmp_path / "gunicorn.log") as served,
        SocketFleet(served.url, processes=2) as fleet,
    ):
        day = Day(served, SMALL_DAY, fleet)
        result = day.run()
        problems = result.problems + account_for_every_ticket(database, day)
        sockets = fleet.report()
    print(
        f"\nsmall day: call -> display p50 {percentile(result.latencies_ms, 0.5):.1f} ms,"
        f" p99 {percentile(result.latencies_ms, 0.99):.1f} ms over"
        f" {len(result.latencies_ms)} deliveries; RSS by round"
        f" {[round(figures['rss_mb'], 1) for figures in result.rounds]} MB"
    )
    assert problems == []
    assert result.issued == result.served == SMALL_DAY.visitors
    assert result.bookings == SMALL_DAY.bookings
    assert result.ratings > 0
    assert sockets.dropped == 0 and sockets.refused == 0
    assert sockets.connected >= SMALL_DAY.displays + SMALL_DAY.counters + result.phones_heard[1]
    assert len(result.latencies_ms) == SMALL_DAY.visitors * SMALL_DAY.displays
    after_warm_up = result.rounds[0]["rss_mb"]
    assert all(
        figures["rss_mb"] - after_warm_up <= RSS_GROWTH_MB for figures in result.rounds[1:]
    ), result.rounds
