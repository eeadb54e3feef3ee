"""Booking ahead (design.md section 9): booking a service's slot, cancelling, check-in, expiry.

A slot's capacity holds across threads and processes: the count of its bookings and the insert
of a new one run inside one `BEGIN IMMEDIATE`, and the schema itself keeps one active booking
per phone and per ID number. Checking in issues a normal ticket of the service (core.tickets) in
the booking's own transaction, so a booking is never used without its ticket, nor a ticket
issued for a booking left unused. Every change of a booking is logged (`appointment_events`),
as a plain record of type, time, ticket, counter, service and payload; no name, phone or ID
number goes into it. The ID number itself is kept only as a keyed hash (the key is the
caller's: the instance secret).

The slots are core.slots, the visitor's details core.visitors, and the record of a booking, its
log and the reads of them core.appointment_records. Like the rest of core/, nothing here knows
of Flask, sockets or printers; times are the center's local time, and `now` is always given.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.appointment_records import (
    Appointment,
    AppointmentEvent,
    AppointmentEventType,
    AppointmentStatus,
    find_booking,
    find_holders_booking,
)
from core.center import get_center
from core.configuration.settings import read_appointments
from core.domain_events import collect, committed
from core.errors import Conflict, InvalidInput, QueueError
from core.identity import DEFAULT_ELDERLY_AGE, CardHolder, id_hash
from core.models import Issued, timestamp
from core.rows import rows
from core.schedule import holiday_dates, opening_spans
from core.slots import _starts_at, _taken, bookable_service, check_day, slot_times
from core.tickets import DEFAULT_SERVICE_S, issue_ticket
from core.transaction import immediate
from core.visitors import new_code, phone_number, visitor_name


class Forbidden(QueueError):
    """The visitor may not do this to the booking (a phone that is not the booking's)."""

    status = 403
    code = "forbidden"


@dataclass(frozen=True)
class CheckedIn:
    appointment: Appointment
    issued: Issued


# --- booking and cancelling ---------------------------------------------------------------------


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
    holder: CardHolder | None = None,
    elderly_age: int = DEFAULT_ELDERLY_AGE,
    default_service_s: int = DEFAULT_SERVICE_S,
) -> CheckedIn:
    """Turn a booking into a ticket of its service, from `early_min` before its start to
    `grace_min` after it; the ticket's events are handed over after the commit.

    `holder` is the ID card read at the kiosk, if one was: the ticket carries it as a walk-in's
    would (an elderly holder's ticket is elderly priority, checked by the card)."""
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
                holder=holder,
                elderly_age=elderly_age,
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


def check_in_holder(
    db: Database, holder: CardHolder, *, now: datetime, **options: Any
) -> CheckedIn:
    """Check in the booking made with the ID number of the card read at the kiosk (404
    `no_booking` when there is none: the card then serves for a walk-in ticket)."""
    found = find_holders_booking(db, holder.id_hash)
    return check_in(db, found.code, now=now, holder=holder, **options)


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
