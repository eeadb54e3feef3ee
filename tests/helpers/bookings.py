"""A service that takes bookings, on one day, for the tests of bookings on the floor: one
service A (slots of 30 minutes, one visitor each, 07:00-16:30) at counters 1 and 2, at most 2
priority calls in a row; Tuesday 1 December 2026 in Ho Chi Minh City (UTC+7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core import appointments
from core.center import load_center
from core.counters import open_counter
from core.models import Ticket
from core.tickets import issue_ticket
from db import connect, migrate

KEY = b"instance-secret"
DAY = datetime(2026, 12, 1).date()
CENTER = {
    "center": {"name": "Trung tâm thử", "timezone": "Asia/Ho_Chi_Minh"},
    "priority": {"max_in_row": 2},
    "departments": [{"code": "TP", "name": "Sở Tư pháp"}],
    "services": [
        {
            "code": "A",
            "name": "Hộ tịch",
            "department": "TP",
            "hours": ["07:00-16:30"],
            "appointments": {"slot_min": 30, "per_slot": 1},
        }
    ],
    "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}],
}


def local(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC) + timedelta(
        hours=hours - 7, minutes=minutes
    )


def walk_in(db: Database, hhmm: str, priority: str | None = None) -> Ticket:
    return issue_ticket(db, "A", now=local(hhmm), priority=priority).ticket


def booked(db: Database, start: str, phone: str, check_in_at: str) -> Ticket:
    """Book the slot the day before, then check in at the kiosk."""
    booking = appointments.book(
        db,
        "A",
        DAY,
        start,
        name="Trần Thị Bình",
        phone=phone,
        id_number=None,
        id_key=KEY,
        now=local("07:00") - timedelta(days=1),
    )
    return appointments.check_in(db, booking.code, now=local(check_in_at)).issued.ticket


def floor_database(path: Path) -> Database:
    """The center on a new database file, counter 1 opened by "lan" at 07:00."""
    database = connect(path)
    migrate(database)
    load_center(database, CENTER)
    open_counter(database, 1, clerk="lan", now=local("07:00"))
    return database


def book_ahead(db: Database, start: str, phone: str, name: str = "Lê Văn Cường") -> Any:
    """Book a slot of the day the day before, and do not check in (yet)."""
    return appointments.book(
        db,
        "A",
        DAY,
        start,
        name=name,
        phone=phone,
        id_number=None,
        id_key=KEY,
        now=local("07:00") - timedelta(days=1),
    )


def three_bookings(db: Database, *, check_in_at: str) -> Ticket:
    """09:00 checked in at `check_in_at`, 10:00 still to come, 11:00 cancelled; the 09:00
    ticket."""
    came = booked(db, "09:00", "0911111111", check_in_at=check_in_at)
    book_ahead(db, "10:00", "0922222222")
    gone = book_ahead(db, "11:00", "0933333333", name="Phạm Thị Dung")
    appointments.cancel(db, gone.code, "0933333333", now=local("07:30"))
    return came


def noon_zone() -> str:
    """A fixed-offset zone where it is now about noon, so that a server on the real clock always
    has slots of the day still to come."""
    hours_to_noon = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-hours_to_noon:+d}" if hours_to_noon else "UTC"
