"""Time the rebalancing advice for a center of 40 counters with realistic queues.

Run: `.venv/bin/python bench/bench_advice.py [--runs N] [--history-days N]`. Builds, in a
temporary SQLite file, a center of 15 services and 40 counters (each serving 1-3 services),
28 working days of served tickets (~640 a day, written straight into the table: the medians read
them), and this morning: 30 counters open with their clerks (each may serve its counter's
services and 4-8 more), the 91 visitors of the last half hour waiting, three services in a
rush heading over their target. Then times, each `--runs` times, `advise` (read the hall,
forecast, search the moves: what `GET /api/advice/moves` computes) and `log_round` (the same,
logged in one transaction: what the minute tick runs), and prints p50/p99/max and the moves
proposed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.advice import advise  # noqa: E402
from core.advice_log import log_round  # noqa: E402
from core.center import load_center  # noqa: E402
from core.configuration.skills import replace_skills  # noqa: E402
from core.counters import open_counter  # noqa: E402
from core.items import StaffSkills  # noqa: E402
from core.models import timestamp  # noqa: E402
from core.tickets import issue_ticket  # noqa: E402
from db import connect, migrate  # noqa: E402

SERVICES = [chr(code) for code in range(ord("A"), ord("A") + 15)]
COUNTERS = 40
OPEN = 30
NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # 09:30 in Ho Chi Minh City, a Monday
BUSY = {"A": 12, "B": 10, "C": 9}  # the last half hour's visitors of three services in a rush
OTHERS = 60  # the last half hour's visitors of the twelve others


def center(chance: random.Random) -> dict[str, object]:
    counters = []
    for number in range(1, COUNTERS + 1):
        first = SERVICES[(number - 1) % len(SERVICES)]
        others = chance.sample([code for code in SERVICES if code != first], chance.randint(0, 2))
        counters.append({"number": number, "services": [first, *others]})
    return {
        "center": {"name": "Trung tâm 40 quầy", "timezone": "Asia/Ho_Chi_Minh"},
        "departments": [{"code": f"D{index}", "name": f"Sở {index}"} for index in range(5)],
        "services": [
            {
                "code": code,
                "name": f"Dịch vụ {code}",
                "department": f"D{index % 5}",
                "target_wait_min": chance.choice([15, 20, 30]),
            }
            for index, code in enumerate(SERVICES)
        ],
        "counters": counters,
    }


def history(database: object, days: int, chance: random.Random) -> int:
    """`days` working days of served tickets before today, ~640 a day."""
    rows = []
    day = NOW.date()
    made = 0
    while made < days:
        day -= timedelta(days=1)
        if day.weekday() >= 5:
            continue
        made += 1
        opening = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)
        numbers: dict[str, int] = {}
        for index in range(640):
            service = chance.choice(SERVICES)
            numbers[service] = numbers.get(service, 0) + 1
            issued = opening + timedelta(seconds=index * 45)
            called = issued + timedelta(seconds=chance.expovariate(1 / 600))
            finished = called + timedelta(seconds=chance.expovariate(1 / 400) + 60)
            rows.append(
                {
                    "token": f"{day}-{index}",
                    "service": service,
                    "queue": service,
                    "day": day.isoformat(),
                    "number": numbers[service],
                    "label": f"{service}{numbers[service]:03d}",
                    "status": "done",
                    "issued_at": timestamp(issued),
                    "called_at": timestamp(called),
                    "started_at": timestamp(called + timedelta(seconds=30)),
                    "finished_at": timestamp(finished),
                    "counter": 1 + index % COUNTERS,
                    "clerk": f"clerk{1 + index % COUNTERS}",
                }
            )
    database["tickets"].insert_all(rows, batch_size=2000)  # type: ignore[index]
    return len(rows)


def this_morning(database: object, chance: random.Random) -> int:
    """Open 30 counters with their clerks and their skills; issue the last half hour's visitors
    (those before were served: they are in the history's medians, not in the queues)."""
    numbers = chance.sample(range(1, COUNTERS + 1), OPEN)
    skills = []
    for number in range(1, COUNTERS + 1):
        served = {
            row[0]
            for row in database.execute(  # type: ignore[attr-defined]
                "SELECT service FROM counter_services WHERE counter = ?", [number]
            )
        }
        extra = chance.sample(SERVICES, chance.randint(4, 8))
        skills.append(StaffSkills(username=f"clerk{number}", services=sorted(served | set(extra))))
        if number in numbers:
            open_counter(database, number, clerk=f"clerk{number}", now=NOW)  # type: ignore[arg-type]
    replace_skills(database, skills)  # type: ignore[arg-type]
    visitors = [*(code for code, count in BUSY.items() for _ in range(count))]
    visitors += [chance.choice(SERVICES[3:]) for _ in range(OTHERS)]
    chance.shuffle(visitors)
    for index, service in enumerate(visitors):
        issued = NOW - timedelta(minutes=29) + timedelta(seconds=index * 1740 / len(visitors))
        issue_ticket(database, service, now=issued)  # type: ignore[arg-type]
    return len(visitors)


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms,"
        f" max {ordered[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--history-days", type=int, default=20)  # 28 calendar days: 20 working
    arguments = parser.parse_args()
    chance = random.Random(17)
    with tempfile.TemporaryDirectory() as folder:
        database = connect(Path(folder) / "qms.db")
        migrate(database)
        load_center(database, center(chance))
        served = history(database, arguments.history_days, chance)
        waiting = this_morning(database, chance)
        print(
            f"{COUNTERS} counters ({OPEN} open), {len(SERVICES)} services, {served} served"
            f" tickets in history, {waiting} visitors this morning"
        )
        moves = advise(database, now=NOW)
        for move in moves:
            print(" ", move.reason)
        timed: dict[str, list[float]] = {"advise": [], "log_round": []}
        for _ in range(arguments.runs):
            for name, run in (("advise", advise), ("log_round", log_round)):
                start = time.perf_counter()
                run(database, now=NOW)
                timed[name].append(time.perf_counter() - start)
        for name, times in timed.items():
            print(f"{name} over {arguments.runs} runs: {percentiles(times)}")
        database.conn.close()


if __name__ == "__main__":
    main()
