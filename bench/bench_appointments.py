"""Time booking ahead: checking a booking in (core, and over HTTP as the kiosk does) and listing a
month of a service's slots (the phone page's days, one by one).

Run: `.venv/bin/python bench/bench_appointments.py [--check-ins N] [--runs N]`. Builds a center
of 8 services that take bookings (15-minute slots, 4 visitors each, 07:00-11:30 and 13:00-16:30,
booking 30 days ahead) in a temporary SQLite file, half-fills the month with bookings (written
straight into the table: this measures reading), then times the check-ins of bookings made
through core.appointments.book, and prints p50/p99/max.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.appointments import book, check_in  # noqa: E402
from core.center import get_center, load_center  # noqa: E402
from core.items import AppointmentSettings  # noqa: E402
from core.models import Service, timestamp  # noqa: E402
from core.schedule import holiday_dates  # noqa: E402
from core.slots import list_slots, slot_times  # noqa: E402
from db import connect, migrate  # noqa: E402

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 07:30 in Ho Chi Minh City, Monday
CHECK_IN_AT = datetime(2026, 11, 30, 1, 50, tzinfo=UTC)  # 08:50: 09:00 and 09:15 are open
SERVICES = [f"S{letter}" for letter in "ABCDEFGH"]
CHECK_IN_SERVICES = ["Y", "Z"]  # one for core's check-ins, one for HTTP's
KEY = b"bench-secret"
# As the tests run the app: no first admin made, no instance secret written, no limit.
APP_CONFIG = {"TESTING": True, "SECRET_KEY": "bench-secret", "TICKET_RATE_LIMIT": "off"}
MONTH = 31


def center() -> dict[str, Any]:
    return {
        "center": {"name": "Bench", "timezone": "Asia/Ho_Chi_Minh"},
        "appointments": {"days_ahead": 30, "early_min": 30, "grace_min": 15},
        "departments": [{"code": "TP", "name": "Tư pháp"}],
        "services": [
            {
                "code": code,
                "name": f"Dịch vụ {code}",
                "department": "TP",
                "hours": ["07:00-11:30", "13:00-16:30"],
                "appointments": {"slot_min": 15, "per_slot": 4},
            }
            for code in SERVICES
        ]
        + [
            {
                "code": code,
                "name": "Check-in",
                "department": "TP",
                "hours": ["07:00-11:30"],
                "appointments": {"slot_min": 15, "per_slot": 100},
            }
            for code in CHECK_IN_SERVICES
        ],
        "counters": [{"number": 1, "services": [*SERVICES, *CHECK_IN_SERVICES]}],
    }


def fill_month(path: Path) -> int:
    """Book half of every slot of the month, of every service; answer the bookings made."""
    database = connect(path)
    migrate(database)
    load_center(database, center())
    zone = get_center(database).zone
    holidays = holiday_dates(database)
    settings = AppointmentSettings(slot_min=15, per_slot=4)
    booked, made = [], 0
    for code in SERVICES:
        row = next(database.query("SELECT * FROM services WHERE code = ?", [code]))
        service = Service.from_row(row)
        for offset in range(1, MONTH):
            day = MONDAY + timedelta(days=offset)
            for start, end in slot_times(service, settings, day, holidays):
                moment = datetime.combine(day, datetime.strptime(start, "%H:%M").time(), zone)
                for _ in range(2):
                    made += 1
                    status = "booked" if made % 50 == 0 else "cancelled"  # phones stay unique
                    booked.append(
                        (
                            f"B{made:05d}",
                            code,
                            day.isoformat(),
                            start,
                            end,
                            timestamp(moment),
                            "Nguyễn Văn An",
                            f"09{made:08d}",
                            status,
                            timestamp(NOW),
                        )
                    )
    database.conn.executemany(
        "INSERT INTO appointments (code, service, day, start, end, starts_at, name, phone, status,"
        " booked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        booked,
    )
    database.conn.close()
    return made


def booked_codes(path: Path, count: int, service: str) -> list[str]:
    """Book `count` visitors of the service into its 09:00 and 09:15 slots (100 places each)."""
    database = connect(path)
    codes = [
        book(
            database,
            service,
            MONDAY,
            "09:00" if n % 2 else "09:15",
            name="Trần Thị B",
            phone=f"08{ord(service)}{n:06d}",
            id_key=KEY,
            now=NOW,
        ).code
        for n in range(count)
    ]
    database.conn.close()
    return codes


def report(name: str, seconds: list[float], unit: str = "ms") -> None:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    scale = 1000
    print(
        f"{name:<42} n={len(ordered):<4} p50 {statistics.median(ordered) * scale:7.2f} {unit}"
        f"   p99 {p99 * scale:7.2f} {unit}   max {ordered[-1] * scale:7.2f} {unit}"
    )


def time_core_check_ins(path: Path, count: int) -> None:
    codes = booked_codes(path, count, "Y")
    database = connect(path)
    seconds = []
    for code in codes:
        started = time.perf_counter()
        check_in(database, code, now=CHECK_IN_AT, kiosk="k1")
        seconds.append(time.perf_counter() - started)
    database.conn.close()
    report("check-in, core", seconds)


def time_http_check_ins(path: Path, count: int) -> None:
    from server import create_app

    codes = booked_codes(path, count, "Z")
    app = create_app({**APP_CONFIG, "DATABASE": str(path), "PUSH_DELAY_S": 0})
    app.extensions["qms.clock"] = lambda: CHECK_IN_AT
    client = app.test_client()
    seconds = []
    for code in codes:
        started = time.perf_counter()
        answer = client.post(f"/api/appointments/{code}/check-in", json={"kiosk": "k1"})
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 201, answer.json
    report("POST /api/appointments/<code>/check-in", seconds)


def time_month_of_slots(path: Path, runs: int) -> None:
    database = connect(path)
    seconds, slots = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        slots = sum(
            len(list_slots(database, "SA", MONDAY + timedelta(days=n), now=NOW))
            for n in range(MONTH)
        )
        seconds.append(time.perf_counter() - started)
    database.conn.close()
    report(f"a month of slots, core ({slots} slots, 31 days)", seconds)


def time_month_over_http(path: Path, runs: int) -> None:
    from server import create_app

    app = create_app({**APP_CONFIG, "DATABASE": str(path)})
    app.extensions["qms.clock"] = lambda: NOW
    client = app.test_client()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        for n in range(MONTH):
            day = (MONDAY + timedelta(days=n)).isoformat()
            answer = client.get(f"/api/appointments/slots?service=SA&date={day}")
            assert answer.status_code == 200, answer.json
        seconds.append(time.perf_counter() - started)
    report("a month of slots, 31 GETs over HTTP", seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-ins", type=int, default=200, help="at most 200")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        made = fill_month(path)
        print(f"{len(SERVICES)} services taking bookings, {made} bookings over 30 days")
        time_core_check_ins(path, options.check_ins)
        time_http_check_ins(path, options.check_ins)
        time_month_of_slots(path, options.runs)
        time_month_over_http(path, options.runs)


if __name__ == "__main__":
    main()
