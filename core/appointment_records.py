"""What is kept of a booking (design.md section 9): the Appointment record and its statuses, the
events its log (`appointment_events`) holds, and the reads of them: a booking by its code, a
day's bookings for the clerks, a booking's events, the slot a ticket was booked for.

The changes themselves (book, cancel, check in, expire) are core.appointments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from core.errors import NotFound
from core.rows import rows
from core.visitors import masked_name

CODE_NOISE = re.compile(r"[\s-]")


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# Slots count the bookings that hold a place: a cancelled or expired one gives it back.
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)


class AppointmentEventType(StrEnum):
    BOOKED = "appointment_booked"
    CANCELLED = "appointment_cancelled"
    CHECKED_IN = "appointment_checked_in"
    EXPIRED = "appointment_expired"


@dataclass(frozen=True)
class Appointment:
    id: int
    code: str
    service: str
    day: str
    start: str
    end: str
    starts_at: str
    name: str
    phone: str
    status: AppointmentStatus
    booked_at: str
    ticket: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Appointment:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        return cls(**{**values, "status": AppointmentStatus(row["status"])})

    def public(self) -> dict[str, Any]:
        """What anyone holding the code may see: the slot and a masked name, never the phone."""
        return {
            "code": self.code,
            "service": self.service,
            "date": self.day,
            "start": self.start,
            "end": self.end,
            "status": str(self.status),
            "name": masked_name(self.name),
        }


@dataclass(frozen=True)
class AppointmentEvent:
    """One change of a booking, as the record `appointment_events` keeps."""

    type: AppointmentEventType
    at: str
    appointment: int
    service: str
    ticket: int | None = None
    counter: int | None = None
    payload: dict[str, Any] | None = None


def find_booking(db: Database, code: str) -> Appointment:
    """The booking with this code (typed loosely: lower case, spaces and dashes are forgiven)."""
    wanted = CODE_NOISE.sub("", code or "").upper()
    for row in rows(db, "SELECT * FROM appointments WHERE code = ?", [wanted]):
        return Appointment.from_row(row)
    raise NotFound("No booking has this code.", code="unknown_booking")


def find_holders_booking(db: Database, hashed_id: str) -> Appointment:
    """The active booking made with this ID number (its keyed hash): the card finds it."""
    for row in rows(
        db, "SELECT * FROM appointments WHERE id_hash = ? AND status = 'booked'", [hashed_id]
    ):
        return Appointment.from_row(row)
    raise NotFound("No booking was made with this ID card.", code="no_booking")


def day_bookings(db: Database, day: date) -> list[dict[str, Any]]:
    """A day's bookings for the clerks, by slot: a checked-in one whose ticket was served is
    `served`."""
    found = rows(
        db,
        "SELECT a.*, t.label, t.status AS ticket_status FROM appointments a"
        " LEFT JOIN tickets t ON t.id = a.ticket WHERE a.day = ? ORDER BY a.start, a.id",
        [day.isoformat()],
    )
    listed = []
    for row in found:
        status = "served" if row["ticket_status"] == "done" else row["status"]
        listed.append(
            {
                **{key: row[key] for key in ("code", "service", "start", "end", "name", "phone")},
                "date": row["day"],
                "status": status,
                "ticket": row["label"],
            }
        )
    return listed


def booking_events(db: Database, appointment: int) -> list[dict[str, Any]]:
    found = rows(
        db,
        "SELECT type, at, ticket, counter, service, payload FROM appointment_events"
        " WHERE appointment = ? ORDER BY id",
        [appointment],
    )
    return [{**row, "payload": json.loads(row["payload"] or "{}")} for row in found]


def booked_start(db: Database, ticket_id: int) -> str | None:
    """The slot's start ("09:30") when a ticket was issued for a booking, else None."""
    for row in rows(db, "SELECT start FROM appointments WHERE ticket = ?", [ticket_id]):
        return str(row["start"])
    return None
