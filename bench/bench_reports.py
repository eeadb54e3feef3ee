"""Time the summary report over a year of one center (budget: 1 s for 150,000 tickets), its Excel
workbook and its weekday x hour grid, and the staffing advice.

Run: `.venv/bin/python bench/bench_reports.py [--tickets N] [--runs N]`. Builds a year of the demo
center in a temporary SQLite file (250 working days, seeded random waits, outcomes and ratings,
written straight into the tables: this measures reading, not issuing), then times the year's
summary in core and through the HTTP API as a supervisor, and prints p50/p99/max. The first half
of the year is rated on four faces without dossiers (as before the scale and dossiers existed),
the second on three levels with a dossier code per served ticket and reasons for the low ones,
so the summary converts scales and counts per dossier; the ratings per dossier (CSV) and the
year's low ratings are timed too.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.center import list_counters, load_center  # noqa: E402
from core.models import timestamp  # noqa: E402
from core.rating_report import rating_list  # noqa: E402
from core.reports import summary  # noqa: E402
from core.staffing import staffing_advice  # noqa: E402
from core.users import create_user  # noqa: E402
from db import connect, migrate  # noqa: E402

BUDGET_S = 1.0
WORKING_DAYS = 250
FIRST_DAY = date(2026, 1, 5)
PASSWORD = "bench-password-1"


def working_days() -> list[date]:
    days: list[date] = []
    day = FIRST_DAY
    while len(days) < WORKING_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_year(path: Path, tickets: int, seed: int = 7) -> tuple[date, date]:
    """Fill a database with a year of tickets and ratings; answer its first and last day."""
    database = connect(path)
    migrate(database)
    with open(ROOT / "centers" / "can-tho.toml", "rb") as file:
        load_center(database, tomllib.load(file))
    create_user(database, "giamsat", role="supervisor", password=PASSWORD, now=datetime.now(UTC))
    counters = [(counter.number, counter.services) for counter in list_counters(database)]
    clerks = {number: f"clerk{number}" for number, _ in counters}
    chance = random.Random(seed)
    days = working_days()
    per_day = tickets // len(days)
    ticket_rows, rating_rows = [], []
    ticket_id = 0
    for day_index, day in enumerate(days):
        three_levels = day_index >= len(days) // 2  # the center moved to three levels mid-year
        opening = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)  # 07:30 local
        numbers: dict[str, int] = {}
        for index in range(per_day):
            ticket_id += 1
            number, services = chance.choice(counters)
            service = chance.choice(services)
            numbers[service] = numbers.get(service, 0) + 1
            issued = opening + timedelta(seconds=index * 32_400 / per_day)
            called = issued + timedelta(seconds=chance.expovariate(1 / 900))
            started = called + timedelta(seconds=chance.uniform(20, 90))
            finished = started + timedelta(seconds=chance.expovariate(1 / 420))
            outcome = chance.random()
            status = "done" if outcome < 0.88 else "no_show" if outcome < 0.96 else "cancelled"
            served = status == "done"
            dossier = f"000.00.12.H13-{day:%y%m%d}-{index:04d}" if served and three_levels else None
            ticket_rows.append(
                (
                    ticket_id,
                    f"bench-{ticket_id}",
                    service,
                    service,
                    day.isoformat(),
                    numbers[service],
                    f"{service}{numbers[service]:03d}",
                    status,
                    timestamp(issued),
                    timestamp(called) if status != "cancelled" else None,
                    timestamp(started) if served else None,
                    timestamp(finished) if served else None,
                    number if status != "cancelled" else None,
                    clerks[number] if status != "cancelled" else None,
                    dossier,
                )
            )
            if served and chance.random() < 0.3:
                scale = 3 if three_levels else 4
                score = chance.choice((3, 3, 3, 2, 2, 1) if three_levels else (4, 4, 4, 3, 3, 2, 1))
                low = score == 1
                rating_rows.append(
                    (
                        ticket_id,
                        score,
                        timestamp(finished),
                        day.isoformat(),
                        service,
                        number,
                        clerks[number],
                        scale,
                        '["waited_too_long"]' if low and three_levels else None,
                        dossier,
                    )
                )
    database.execute("BEGIN")
    database.conn.executemany(
        "INSERT INTO tickets (id, token, service, queue, day, number, label, status, issued_at,"
        " called_at, started_at, finished_at, counter, clerk, dossier) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ticket_rows,
    )
    database.conn.executemany(
        "INSERT INTO ratings (ticket, score, at, day, service, counter, clerk, scale, reasons,"
        " dossier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rating_rows,
    )
    database.execute("COMMIT")
    database.conn.close()
    return days[0], days[-1]


def report(name: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    verdict = "ok" if p99 <= BUDGET_S else f"OVER the {BUDGET_S:.0f} s budget"
    print(
        f"{name:<38} n={len(seconds):<3} p50 {1000 * statistics.median(seconds):6.0f} ms"
        f"   p99 {1000 * p99:6.0f} ms   max {1000 * max(seconds):6.0f} ms   {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=10)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "year.db"
        began = time.perf_counter()
        first, last = build_year(path, arguments.tickets)
        database = connect(path)
        count = database.execute("SELECT count(*) FROM tickets").fetchone()[0]
        rated = database.execute("SELECT count(*) FROM ratings").fetchone()[0]
        print(
            f"a year of the demo center: {count} tickets, {rated} ratings, {first} to {last}"
            f" (built in {time.perf_counter() - began:.1f} s)"
        )
        core_times = []
        for _ in range(arguments.runs):
            began = time.perf_counter()
            year = summary(database, first, last)
            core_times.append(time.perf_counter() - began)
        assert year["totals"]["issued"] == count
        assert year["dossiers"]["rated"] > 0
        report("summary of the year, core", core_times)
        low_times = []
        for _ in range(arguments.runs):
            began = time.perf_counter()
            low = rating_list(database, first, last, only_low=True, limit=500)
            low_times.append(time.perf_counter() - began)
        assert low["total"] > 0
        report("the year's low ratings, core", low_times)
        database.conn.close()

        from server import create_app

        app = create_app(
            {
                "DATABASE": str(path),
                "SECRET_KEY": "bench",
                "TICKET_RATE_LIMIT": "off",
                "ADMIN_PASSWORD": secrets.token_hex(8),  # not printed amid the figures
            }
        )
        client = app.test_client()
        signed = client.post("/api/session", json={"username": "giamsat", "password": PASSWORD})
        assert signed.status_code == 200, signed.json
        http_times = []
        for _ in range(arguments.runs):
            began = time.perf_counter()
            answer = client.get(f"/api/reports/summary?from={first}&to={last}")
            http_times.append(time.perf_counter() - began)
            assert answer.status_code == 200
        report("GET /api/reports/summary, the year", http_times)
        workbook_times, size = [], 0
        for _ in range(arguments.runs):
            began = time.perf_counter()
            answer = client.get(f"/api/reports/summary.xlsx?from={first}&to={last}")
            workbook_times.append(time.perf_counter() - began)
            assert answer.status_code == 200
            size = len(answer.data)
        report(f"GET summary.xlsx, the year ({size // 1024} KiB)", workbook_times)
        hours_times = []
        for _ in range(arguments.runs):
            began = time.perf_counter()
            assert client.get(f"/api/reports/hours?from={first}&to={last}").status_code == 200
            hours_times.append(time.perf_counter() - began)
        report("GET /api/reports/hours, the year", hours_times)
        csv_times = []
        for _ in range(arguments.runs):
            began = time.perf_counter()
            answer = client.get(f"/api/reports/ratings.csv?from={first}&to={last}")
            csv_times.append(time.perf_counter() - began)
            assert answer.status_code == 200
        report("GET /api/reports/ratings.csv, the year", csv_times)
        app.extensions["qms.pool"].close()
        time_staffing(path, first, last, arguments.runs)


def time_staffing(path: Path, first: date, last: date, runs: int) -> None:
    """Time the staffing advice over the year and over its last quarter (~36,000 tickets)."""
    database = connect(path)
    for name, start in (
        ("staffing advice, a quarter, core", last - timedelta(days=90)),
        ("staffing advice, the year, core", first),
    ):
        seconds = []
        for _ in range(runs):
            began = time.perf_counter()
            advice = staffing_advice(database, start, last)
            seconds.append(time.perf_counter() - began)
        assert advice["hours"] and advice["days"]
        report(name, seconds)
    database.conn.close()


if __name__ == "__main__":
    main()
