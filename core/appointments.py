"""Booking ahead (design.md section 9): a service's time slots, bookings of them, check-in, expiry.

A slot's capacity holds across threads and processes: the count of its bookings and the insert
of a new one run inside one `BEGIN IMMEDIATE`, and the schema itself keeps one active booking
per phone and per ID number. Checking in issues a normal ticket of the service (core.tickets) in
the booking's own transaction, so a booking is never used without its ticket, nor a ticket
issued for a booking left unused. Every change of a booking is logged (`appointment_events`),
as a plain record of type, time, ticket, counter, service and payload; no name, phone or ID
number goes into it. The ID number itself is kept only as a keyed hash (the key is the
caller's: the instance secret).

Like the rest of core/, nothing here knows of Flask, sockets or printers; times are the center's
local time, and `now` is always given.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.configuration.settings import read_appointments
from core.domain_events import collect, committed
from core.errors import Conflict, InvalidInput, NotFound, QueueError
from core.items import AppointmentSettings
from core.models import Center, Issued, Service, timestamp
from core.rows import rows
from core.schedule import holiday_dates, opening_spans
from core.tickets import DEFAULT_SERVICE_S, issue_ticket
from core.transaction import immediate
from core.vocabulary import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH, VISITOR_NAME_MAX

# Vietnamese numbers: 0 and 8-10 more digits (mobile 10, landline 10-11), or +84 for the 0.
PHONE = re.compile(r"^0\d{8,10}$")
PHONE_SEPARATORS = re.compile(r"[\s.()-]")
ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")  # old CMND (9 digits) or CCCD (12 digits)
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


class Forbidden(QueueError):
    """The visitor may not do this to the booking (a phone that is not the booking's)."""

    status = 403
    code = "forbidden"


@dataclass(frozen=True)
class Slot:
    start: str
    end: str
    capacity: int
    free: int


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


@dataclass(frozen=True)
class CheckedIn:
    appointment: Appointment
    issued: Issued


# --- slots -------------------------------------------------------------------------------------


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


# --- the visitor's details ----------------------------------------------------------------------


def phone_number(text: str) -> str:
    """A Vietnamese phone number as kept: digits from its 0 ("+84 912 345 678" -> 0912345678)."""
    digits = PHONE_SEPARATORS.sub("", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not PHONE.match(digits):
        raise InvalidInput(
            "The phone number must be 9 to 11 digits starting with 0 (or +84).", code="bad_phone"
        )
    return digits


def visitor_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > VISITOR_NAME_MAX:
        raise InvalidInput(f"The name must be 1 to {VISITOR_NAME_MAX} characters.", code="bad_name")
    return name


def id_hash(id_number: str, key: bytes) -> str:
    """The keyed hash an ID number is kept as (the number itself never is)."""
    digits = re.sub(r"\s", "", id_number)
    if not ID_NUMBER.match(digits):
        raise InvalidInput("The ID number must be 12 digits (or 9 for an old card).", code="bad_id")
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def masked_name(name: str) -> str:
    """Enough of a name to recognise it, not to learn it: "Nguyễn Văn An" -> "Ng*** V** A"."""
    words = name.split()
    if len(words) == 1:
        return words[0][:1] + "***"
    middle = [word[:1] + "**" for word in words[1:-1]]
    return " ".join([words[0][:2] + "***", *middle, words[-1][:1]])


def new_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


# --- booking, finding, cancelling ---------------------------------------------------------------


def book(
    db: Database,
    service_code: str,
    day: date,
    start: str,
    *,
    name: str,
    phone: str,
    id_number: str | None = None,
    id_key: bytes,
    now: datetime,
) -> Appointment:
    """Book a place in a slot: one active booking per phone and per ID number."""
    name, phone = visitor_name(name), phone_number(phone)
    hashed = id_hash(id_number, id_key) if id_number else None
    service, settings = bookable_service(db, service_code)
    center = get_center(db)
    check_day(center, day, now=now, days_ahead=read_appointments(db).days_ahead)
    slots = dict(slot_times(service, settings, day, holiday_dates(db)))
    if not slots:
        raise Conflict(f"Service {service.code} is closed on {day.isoformat()}.", code="closed")
    if start not in slots:
        raise InvalidInput(
            f"{start} is not a slot of service {service.code}; choose one of the day's slots.",
            code="no_such_slot",
        )
    starts_at = _starts_at(center, day, start)
    if starts_at <= now:
        raise Conflict(f"The {start} slot has begun; choose a later one.", code="past")
    with immediate(db):
        _expire(db, now)  # a booking past its grace no longer holds the phone or the place
        if _taken(db, service.code, day.isoformat()).get(start, 0) >= settings.per_slot:
            raise Conflict(f"The {start} slot is full; choose another.", code="slot_full")
        held = "phone = ?" + (" OR id_hash = ?" if hashed else "")
        if rows(
            db,
            f"SELECT 1 FROM appointments WHERE status = 'booked' AND ({held})",
            [phone, hashed] if hashed else [phone],
        ):
            raise Conflict(
                "There is a booking for this phone number or ID already; cancel it first.",
                code="already_booked",
            )
        found = _insert(
            db, service.code, day, start, slots[start], starts_at, name, phone, hashed, now
        )
        _log(db, found, AppointmentEventType.BOOKED, now)
    return found


def _insert(
    db: Database,
    service: str,
    day: date,
    start: str,
    end: str,
    starts_at: datetime,
    name: str,
    phone: str,
    hashed: str | None,
    now: datetime,
) -> Appointment:
    for _attempt in range(5):  # 32**6 codes: a clash is rare, and another draw settles it
        code = new_code()
        if rows(db, "SELECT 1 FROM appointments WHERE code = ?", [code]):
            continue
        cursor = db.execute(
            "INSERT INTO appointments (code, service, day, start, end, starts_at, name, phone,"
            " id_hash, booked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            [
                code,
                service,
                day.isoformat(),
                start,
                end,
                timestamp(starts_at),
                name,
                phone,
                hashed,
                timestamp(now),
            ],
        )
        return _from_cursor(cursor)
    raise Conflict("No booking code is free; try again.", code="busy")


def find_booking(db: Database, code: str) -> Appointment:
    """The booking with this code (typed loosely: lower case, spaces and dashes are forgiven)."""
    wanted = CODE_NOISE.sub("", code or "").upper()
    for row in rows(db, "SELECT * FROM appointments WHERE code = ?", [wanted]):
        return Appointment.from_row(row)
    raise NotFound("No booking has this code.", code="unknown_booking")


def cancel(db: Database, code: str, phone: str, *, now: datetime) -> Appointment:
    """Cancel a booking not yet used, given the phone number it was made with."""
    given = phone_number(phone)
    with immediate(db):
        found = find_booking(db, code)
        if not hmac.compare_digest(found.phone, given):
            raise Forbidden("This is not the phone number of the booking.", code="wrong_phone")
        if found.status != AppointmentStatus.BOOKED:
            raise Conflict(f"The booking is {found.status} already.", code=str(found.status))
        changed = _set_status(db, found, AppointmentStatus.CANCELLED, now)
        _log(db, changed, AppointmentEventType.CANCELLED, now)
    return changed


# --- check-in and expiry ------------------------------------------------------------------------


def check_in(
    db: Database,
    code: str,
    *,
    now: datetime,
    kiosk: str | None = None,
    default_service_s: int = DEFAULT_SERVICE_S,
) -> CheckedIn:
    """Turn a booking into a ticket of its service, from `early_min` before its start to
    `grace_min` after it; the ticket's events are handed over after the commit."""
    window = read_appointments(db)
    with immediate(db):
        found = find_booking(db, code)
        starts_at = datetime.fromisoformat(found.starts_at)
        if found.status == AppointmentStatus.CHECKED_IN:
            raise Conflict("This booking has been used already.", code="used")
        if found.status == AppointmentStatus.CANCELLED:
            raise Conflict("This booking was cancelled.", code="cancelled")
        if found.status == AppointmentStatus.EXPIRED or now > starts_at + timedelta(
            minutes=window.grace_min
        ):
            raise Conflict(
                f"The booking for {found.start} has expired; please take a normal ticket.",
                code="expired",
            )
        opens = starts_at - timedelta(minutes=window.early_min)
        if now < opens:
            zone = get_center(db).zone
            raise Conflict(
                f"Check-in for {found.start} opens at {opens.astimezone(zone):%H:%M}.",
                code="too_early",
            )
        try:
            issued, events = collect(
                issue_ticket,
                _Enclosed(db.conn),
                found.service,
                now=now,
                kiosk=kiosk,
                default_service_s=default_service_s,
            )
        except Conflict as refusal:
            if refusal.code == "closed" and now < starts_at and _opens_today(db, found, now):
                raise Conflict(  # early, before the service opens for the day
                    f"Check-in opens when service {found.service} opens.", code="too_early"
                ) from refusal
            raise
        db.execute("UPDATE appointments SET ticket = ? WHERE id = ?", [issued.ticket.id, found.id])
        changed = _set_status(db, found, AppointmentStatus.CHECKED_IN, now)
        _log(db, changed, AppointmentEventType.CHECKED_IN, now, payload={"kiosk": kiosk})
    return committed(CheckedIn(changed, issued), *events)


def _opens_today(db: Database, found: Appointment, now: datetime) -> bool:
    """Whether the booking's service has hours today (a holiday set after the booking has none)."""
    service, _settings = bookable_service(db, found.service)
    today = now.astimezone(get_center(db).zone).date()
    return bool(opening_spans(service.hours, service.week, today, holiday_dates(db)))


def expire_bookings(db: Database, *, now: datetime) -> list[AppointmentEvent]:
    """Expire the bookings not checked in by their start + `grace_min`, each one logged.

    Cheap when nothing is due (one indexed read, no lock), so it may run at any request or on
    a timer.
    """
    cutoff = now - timedelta(minutes=read_appointments(db).grace_min)
    if not rows(
        db,
        "SELECT 1 FROM appointments WHERE status = 'booked' AND starts_at < ? LIMIT 1",
        [timestamp(cutoff)],
    ):
        return []
    with immediate(db):
        return _expire(db, now)


def _expire(db: Database, now: datetime) -> list[AppointmentEvent]:
    cutoff = now - timedelta(minutes=read_appointments(db).grace_min)
    due = rows(
        db,
        "SELECT * FROM appointments WHERE status = 'booked' AND starts_at < ?",
        [timestamp(cutoff)],
    )
    events = []
    for row in due:
        changed = _set_status(db, Appointment.from_row(row), AppointmentStatus.EXPIRED, now)
        events.append(_log(db, changed, AppointmentEventType.EXPIRED, now))
    return events


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


def _set_status(
    db: Database, found: Appointment, status: AppointmentStatus, now: datetime
) -> Appointment:
    cursor = db.execute(
        "UPDATE appointments SET status = ?, changed_at = ? WHERE id = ? RETURNING *",
        [str(status), timestamp(now), found.id],
    )
    return _from_cursor(cursor)


def _log(
    db: Database,
    found: Appointment,
    kind: AppointmentEventType,
    now: datetime,
    *,
    payload: dict[str, Any] | None = None,
) -> AppointmentEvent:
    event = AppointmentEvent(
        kind,
        timestamp(now),
        found.id,
        found.service,
        ticket=found.ticket,
        payload={"code": found.code, "day": found.day, "start": found.start, **(payload or {})},
    )
    db.execute(
        "INSERT INTO appointment_events (appointment, type, at, ticket, counter, service, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            event.appointment,
            str(event.type),
            event.at,
            event.ticket,
            event.counter,
            event.service,
            json.dumps(event.payload, ensure_ascii=False),
        ],
    )
    return event


def _from_cursor(cursor: Any) -> Appointment:
    names = [description[0] for description in cursor.description]
    return Appointment.from_row(dict(zip(names, cursor.fetchone(), strict=True)))


class _Enclosed(Database):
    """The connection as seen from inside an open transaction: an operation that begins its own
    (`issue_ticket`) runs in a savepoint of it, so both commit, or neither."""

    NESTED = {
        "BEGIN IMMEDIATE": "SAVEPOINT enclosed",
        "COMMIT": "RELEASE enclosed",
        "ROLLBACK": "ROLLBACK TO enclosed",
    }

    def __init__(self, connection: Any) -> None:
        super().__init__(connection, recursive_triggers=False, execute_plugins=False)

    def execute(self, sql: str, parameters: Any = None) -> Any:
        return super().execute(self.NESTED.get(sql, sql), parameters)


def booked_start(db: Database, ticket_id: int) -> str | None:
    """The slot's start ("09:30") when a ticket was issued for a booking, else None."""
    for row in rows(db, "SELECT start FROM appointments WHERE ticket = ?", [ticket_id]):
        return str(row["start"])
    return None
