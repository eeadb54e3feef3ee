"""Time the what-if replay (budgets: a day of 500 visitors in under 1 s, a month in under 10 s).

Run: `.venv/bin/python bench/bench_replay.py [--days N] [--visitors N] [--runs N]`. Lives N
working days of the demo center (centers/can-tho.toml) through the real queue code
(db/history.py) in a temporary SQLite file, then times core.simulation.simulate: one day as it
was and under a plan of half the counters, p50/p99 over the runs, and the whole month replayed
day after day. It also prints how close the replay as it was comes to each day's real mean wait.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.center import load_center  # noqa: E402
from core.simulation import Changes, real_plan, simulate  # noqa: E402
from db import connect, migrate  # noqa: E402
from db.history import DayShape, generate_day  # noqa: E402

DAY_BUDGET_S = 1.0
MONTH_BUDGET_S = 10.0
FIRST_DAY = date(2026, 11, 2)  # a Monday


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=22, help="working days to live and replay")
    parser.add_argument("--visitors", type=int, default=500, help="visitors per day")
    parser.add_argument("--runs", type=int, default=20, help="replays of one day to time")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    database = connect(folder / "qms.db")
    migrate(database)
    with open(ROOT / "centers" / "can-tho.toml", "rb") as file:
        load_center(database, tomllib.load(file))
    days: list[date] = []
    day = FIRST_DAY
    began = time.perf_counter()
    while len(days) < options.days:
        if day.weekday() < 5:
            generate_day(database, day, DayShape(visitors=options.visitors), seed=11)
            days.append(day)
        day += timedelta(days=1)
    print(
        f"lived {len(days)} days of {options.visitors} visitors through the queue code"
        f" in {time.perf_counter() - began:.1f} s"
    )

    first = days[0]
    desks = real_plan(database, first).desks
    half = {desk.number: list(desk.services) for desk in desks[: max(1, len(desks) // 2)]}
    for service in {visit for desk in desks for visit in desk.services}:
        if not any(service in services for services in half.values()):
            half[min(half)].append(service)  # every service keeps a counter
    for name, changes in (("as it was", Changes()), ("half the counters", Changes(half))):
        timings = []
        for _ in range(options.runs):
            began = time.perf_counter()
            answer = simulate(database, first, changes)
            timings.append(time.perf_counter() - began)
        print(
            f"replay one day ({answer['tickets']} tickets, {name}): p50"
            f" {statistics.median(timings) * 1000:.0f} ms, p99"
            f" {percentile(timings, 0.99) * 1000:.0f} ms (budget {DAY_BUDGET_S:.0f} s);"
            f" mean wait {answer['mean_wait_min']} min, real {answer['actual']['mean_wait_min']}"
        )

    began = time.perf_counter()
    gaps = []
    for day in days:
        answer = simulate(database, day)
        real = answer["actual"]["mean_wait_min"] or 0
        gaps.append(abs(answer["mean_wait_min"] - real) / real if real else 0.0)
    month_s = time.perf_counter() - began
    print(
        f"replay {len(days)} days, one after another: {month_s:.2f} s"
        f" (budget {MONTH_BUDGET_S:.0f} s)"
    )
    print(
        f"replayed as it was, the mean wait is within {max(gaps) * 100:.1f} % of the real one"
        f" on every day (mean gap {statistics.fmean(gaps) * 100:.1f} %; the bound is 15 %)"
    )


if __name__ == "__main__":
    main()
