"""A service's time slots for booking ahead (design.md section 9): which services take bookings,
the day's slots from the service's hours, the booking window, and each slot's free places.

A slot's places are counted from the bookings that hold one (core.appointment_records.HOLDING).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from core.appointment_records import HOLDING
from core.center import get_center
from core.configuration.settings import read_appointments
from core.errors import Conflict, NotFound
from core.items import AppointmentSettings
from core.models import Center, Service
from core.rows import rows
from core.schedule import holiday_dates, opening_spans


@dataclass(frozen=True)
class Slot:
    start: str
    end: str
    capacity: int
    free: int


def bookable_service(db: Database, code: str) -> tuple[Service, AppointmentSettings]:
    """A switched-on service that takes bookings, with its slot settings; NotFound otherwise."""
    for row in rows(db, "SELECT * FROM services WHERE code = ?", [code]):
        if row["enabled"] and row["appointments"]:
            settings = AppointmentSettings.model_validate(json.loads(row["appointments"]))
            return Service.from_row(row), settings
        raise NotFound(f"Service {code} takes no bookings.", code="no_bookings")
    raise NotFound(f"There is no service {code!r}.", code="unknown_service")


def slot_times(
    service: Service, settings: AppointmentSettings, day: date, holidays: frozenset[str]
) -> list[tuple[str, str]]:
    """The day's slots (start, end), back to back within each span of the service's hours;
    none on a holiday or a closed weekday. A slot never runs past its span's end."""
    spans = opening_spans(service.hours, service.week, day, holidays) or ()
    length = timedelta(minutes=settings.slot_min)
    found = []
    for start, end in spans:
        moment = datetime.combine(day, time.fromisoformat(start))
        # "24:00" ends a span at midnight: the next day's 00:00.
        last = datetime.combine(day, time()) + timedelta(hours=int(end[:2]), minutes=int(end[3:]))
        while moment + length <= last:
            found.append((f"{moment:%H:%M}", f"{moment + length:%H:%M}"))
            moment += length
    return found


def check_day(center: Center, day: date, *, now: datetime, days_ahead: int) -> None:
    """Refuse a day before today (`past`) or beyond the booking window (`too_far`)."""
    today = now.astimezone(center.zone).date()
    if day < today:
        raise Conflict(f"{day.isoformat()} has passed.", code="past")
    if day > today + timedelta(days=days_ahead):
        raise Conflict(
            f"Bookings open {days_ahead} days ahead; {day.isoformat()} is further.",
            code="too_far",
        )


def list_slots(db: Database, service_code: str, day: date, *, now: datetime) -> list[Slot]:
    """The day's slots still to come, each with its capacity and free places."""
    service, settings = bookable_service(db, service_code)
    center = get_center(db)
    check_day(center, day, now=now, days_ahead=read_appointments(db).days_ahead)
    taken = _taken(db, service.code, day.isoformat())
    return [
        Slot(start, end, settings.per_slot, max(0, settings.per_slot - taken.get(start, 0)))
        for start, end in slot_times(service, settings, day, holiday_dates(db))
        if _starts_at(center, day, start) > now
    ]


def _taken(db: Database, service: str, day: str) -> dict[str, int]:
    found = rows(
        db,
        "SELECT start, count(*) AS n FROM appointments WHERE service = ? AND day = ?"
        " AND status IN (?, ?) GROUP BY start",
        [service, day, *HOLDING],
    )
    return {row["start"]: row["n"] for row in found}


def _starts_at(center: Center, day: date, start: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(start), tzinfo=center.zone)
