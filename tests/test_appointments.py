"""Booking ahead in core: the slots of a day, the rules of booking, the check-in window, expiry.

The center is the tests' small one with service D taking bookings (two visitors per 30-minute
slot, 07:00-11:30 and 13:00-16:30 every day) and service E open on weekdays only; the clock
stands on Monday 2026-11-30 at 08:00 in Ho Chi Minh City, and Wednesday 2 December is a holiday.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from core import appointments
from core.appointment_records import (
    Appointment,
    AppointmentStatus,
    booking_events,
    day_bookings,
    find_booking,
)
from core.appointments import Forbidden
from core.center import load_center
from core.errors import Conflict, InvalidInput, NotFound
from core.events import ticket_events
from core.identity import id_hash
from core.rows import rows
from core.slots import list_slots
from core.tickets import get_ticket
from core.visitors import masked_name
from db import connect, migrate
from tests.conftest import SMALL_CENTER, Clock

KEY = b"instance-secret"
TUESDAY = date(2026, 12, 1)
HOLIDAY = date(2026, 12, 2)
SATURDAY = date(2026, 12, 5)

BOOKING_CENTER: dict[str, Any] = copy.deepcopy(SMALL_CENTER)
BOOKING_CENTER["services"][2]["appointments"] = {"slot_min": 30, "per_slot": 2}
BOOKING_CENTER["services"].append(
    {
        "code": "E",
        "name": "Đất đai",
        "department": "TC",
        "hours": {"weekdays": ["07:00-11:30"]},
        "appointments": {"slot_min": 45, "per_slot": 1},
    }
)
BOOKING_CENTER["counters"][2]["services"] = ["D", "E"]
BOOKING_CENTER["holidays"] = [{"date": HOLIDAY.isoformat(), "name": "Ngày thử"}]


@pytest.fixture
def db(database_path: Path) -> Iterator[sqlite_utils.Database]:
    database = connect(database_path)
    migrate(database)
    load_center(database, BOOKING_CENTER)
    yield database
    database.conn.close()


def book(
    db: sqlite_utils.Database,
    clock: Clock,
    *,
    day: date = TUESDAY,
    start: str = "09:00",
    phone: str = "0912345678",
    service: str = "D",
    id_number: str | None = None,
) -> Appointment:
    return appointments.book(
        db,
        service,
        day,
        start,
        name="Nguyễn Văn An",
        phone=phone,
        id_number=id_number,
        id_key=KEY,
        now=clock(),
    )


# --- slots --------------------------------------------------------------------------------------


def test_slots_run_back_to_back_within_each_span_of_the_hours(db: Any, clock: Clock) -> None:
    slots = list_slots(db, "D", TUESDAY, now=clock())

    starts = [slot.start for slot in slots]
    assert starts[:3] == ["07:00", "07:30", "08:00"]
    assert starts[8:10] == ["11:00", "13:00"]  # none over the lunch break
    assert (slots[-1].start, slots[-1].end) == ("16:00", "16:30")
    assert len(slots) == 9 + 7
    assert all(slot.capacity == 2 and slot.free == 2 for slot in slots)


def test_a_slot_never_runs_past_the_end_of_its_span(db: Any, clock: Clock) -> None:
    slots = list_slots(db, "E", TUESDAY, now=clock())

    assert [(slot.start, slot.end) for slot in slots][-1] == ("10:45", "11:30")
    assert len(slots) == 6


def test_today_lists_only_the_slots_still_to_come(db: Any, clock: Clock) -> None:
    slots = list_slots(db, "D", TUESDAY - timedelta(days=1), now=clock())

    assert slots[0].start == "08:30"  # 08:00 is now: it has begun


def test_a_holiday_and_a_closed_weekday_have_no_slots(db: Any, clock: Clock) -> None:
    assert list_slots(db, "D", HOLIDAY, now=clock()) == []
    assert list_slots(db, "E", SATURDAY, now=clock()) == []
    assert list_slots(db, "D", SATURDAY, now=clock())  # D opens every day


def test_days_before_today_and_beyond_days_ahead_are_refused(db: Any, clock: Clock) -> None:
    today = TUESDAY - timedelta(days=1)
    assert list_slots(db, "D", today + timedelta(days=14), now=clock())

    with pytest.raises(Conflict) as far:
        list_slots(db, "D", today + timedelta(days=15), now=clock())
    with pytest.raises(Conflict) as past:
        list_slots(db, "D", today - timedelta(days=1), now=clock())

    assert (far.value.code, past.value.code) == ("too_far", "past")


def test_a_service_without_bookings_has_no_slots(db: Any, clock: Clock) -> None:
    with pytest.raises(NotFound) as refused:
        list_slots(db, "A", TUESDAY, now=clock())
    with pytest.raises(NotFound) as unknown:
        list_slots(db, "Z", TUESDAY, now=clock())

    assert (refused.value.code, unknown.value.code) == ("no_bookings", "unknown_service")


# --- booking ------------------------------------------------------------------------------------


def test_a_booking_takes_a_place_and_has_an_unambiguous_code(db: Any, clock: Clock) -> None:
    booked = book(db, clock)

    assert booked.status == AppointmentStatus.BOOKED
    assert (booked.start, booked.end, booked.day) == ("09:00", "09:30", TUESDAY.isoformat())
    assert len(booked.code) == 6 and not set(booked.code) & set("0O1I")
    free = {slot.start: slot.free for slot in list_slots(db, "D", TUESDAY, now=clock())}
    assert (free["09:00"], free["09:30"]) == (1, 2)


def test_a_full_slot_refuses_the_next_visitor(db: Any, clock: Clock) -> None:
    book(db, clock, phone="0911111111")
    book(db, clock, phone="0922222222")

    with pytest.raises(Conflict) as refused:
        book(db, clock, phone="0933333333")

    assert refused.value.code == "slot_full"
    slots = list_slots(db, "D", TUESDAY, now=clock())
    assert next(slot for slot in slots if slot.start == "09:00").free == 0


def test_one_active_booking_per_phone_however_it_is_written(db: Any, clock: Clock) -> None:
    book(db, clock, phone="0912 345 678")

    with pytest.raises(Conflict) as refused:
        book(db, clock, phone="+84 912.345.678", start="10:00", service="E")

    assert refused.value.code == "already_booked"


def test_one_active_booking_per_id_number(db: Any, clock: Clock) -> None:
    book(db, clock, phone="0911111111", id_number="079123456789")

    with pytest.raises(Conflict) as refused:
        book(db, clock, phone="0922222222", id_number="079 123 456 789", start="10:00")

    assert refused.value.code == "already_booked"


def test_the_id_number_is_kept_only_as_a_keyed_hash(
    db: Any, clock: Clock, database_path: Path
) -> None:
    book(db, clock, id_number="079123456789")
    db.conn.execute("PRAGMA wal_checkpoint(FULL)")

    stored = rows(db, "SELECT id_hash FROM appointments")[0]["id_hash"]
    assert stored and "079123456789" not in stored
    assert b"079123456789" not in database_path.read_bytes()
    other_key = id_hash("079123456789", b"another-center")
    assert other_key != stored


def test_a_cancelled_booking_gives_back_its_place_and_its_phone(db: Any, clock: Clock) -> None:
    first = book(db, clock)
    appointments.cancel(db, first.code, "+84912345678", now=clock())

    again = book(db, clock)

    assert again.code != first.code
    assert find_booking(db, first.code).status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize(
    ("changes", "code", "error"),
    [
        ({"day": HOLIDAY}, "closed", Conflict),
        ({"start": "09:10"}, "no_such_slot", InvalidInput),
        ({"day": TUESDAY - timedelta(days=1), "start": "08:00"}, "past", Conflict),
        ({"day": TUESDAY + timedelta(days=20)}, "too_far", Conflict),
        ({"phone": "12345"}, "bad_phone", InvalidInput),
        ({"phone": "0912345678901"}, "bad_phone", InvalidInput),
        ({"id_number": "12345"}, "bad_id", InvalidInput),
        ({"service": "A"}, "no_bookings", NotFound),
    ],
)
def test_a_wrong_booking_is_refused_with_its_reason(
    db: Any, clock: Clock, changes: dict[str, Any], code: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as refused:
        book(db, clock, **changes)

    assert refused.value.code == code  # type: ignore[attr-defined]
    assert rows(db, "SELECT count(*) AS n FROM appointments")[0]["n"] == 0


def test_an_over_long_name_is_refused(db: Any, clock: Clock) -> None:
    with pytest.raises(InvalidInput, match="1 to 100"):
        appointments.book(
            db, "D", TUESDAY, "09:00", name="A" * 101, phone="0912345678", id_key=KEY, now=clock()
        )


def test_finding_a_booking_masks_the_name_and_leaves_out_the_phone(db: Any, clock: Clock) -> None:
    booked = book(db, clock)

    shown = find_booking(db, booked.code.lower()).public()

    assert shown["name"] == "Ng*** V** A"
    assert "0912345678" not in str(shown)
    assert shown["status"] == "booked" and shown["start"] == "09:00"


def test_only_the_bookings_phone_cancels_it(db: Any, clock: Clock) -> None:
    booked = book(db, clock)

    with pytest.raises(Forbidden):
        appointments.cancel(db, booked.code, "0999999999", now=clock())
    appointments.cancel(db, booked.code, "0912345678", now=clock())
    with pytest.raises(Conflict) as twice:
        appointments.cancel(db, booked.code, "0912345678", now=clock())

    assert twice.value.code == "cancelled"


# --- check-in and expiry ------------------------------------------------------------------------


def at(clock: Clock, day: date, hhmm: str) -> None:
    """Move the clock to a local time (Ho Chi Minh City is UTC+7)."""
    hours, minutes = map(int, hhmm.split(":"))
    clock.moment = clock.moment.replace(
        year=day.year, month=day.month, day=day.day, hour=0, minute=0
    ) + timedelta(hours=hours - 7, minutes=minutes)


def test_check_in_issues_a_ticket_of_the_service_in_its_window(db: Any, clock: Clock) -> None:
    booked = book(db, clock)
    at(clock, TUESDAY, "08:30")  # early_min = 30 before 09:00

    checked = appointments.check_in(db, booked.code, now=clock(), kiosk="k1")

    ticket = get_ticket(db, checked.issued.ticket.id)
    assert (ticket.label, ticket.status, ticket.kiosk) == ("D001", "waiting", "k1")
    assert checked.appointment.status == AppointmentStatus.CHECKED_IN
    assert checked.appointment.ticket == ticket.id
    assert [event["kind"] for event in ticket_events(db, ticket.id)] == ["issued"]
    kinds = [e["type"] for e in booking_events(db, booked.id)]
    assert kinds == ["appointment_booked", "appointment_checked_in"]


@pytest.mark.parametrize(("clock_at", "code"), [("08:29", "too_early"), ("09:16", "expired")])
def test_check_in_outside_its_window_is_refused(
    db: Any, clock: Clock, clock_at: str, code: str
) -> None:
    booked = book(db, clock)
    at(clock, TUESDAY, clock_at)

    with pytest.raises(Conflict) as refused:
        appointments.check_in(db, booked.code, now=clock())

    assert refused.value.code == code
    assert rows(db, "SELECT count(*) AS n FROM tickets")[0]["n"] == 0


def test_check_in_at_the_end_of_the_grace_period_is_on_time(db: Any, clock: Clock) -> None:
    booked = book(db, clock)
    at(clock, TUESDAY, "09:15")

    assert appointments.check_in(db, booked.code, now=clock()).issued.ticket.label == "D001"


def test_a_booking_checks_in_once(db: Any, clock: Clock) -> None:
    booked = book(db, clock)
    at(clock, TUESDAY, "09:00")
    appointments.check_in(db, booked.code, now=clock())

    with pytest.raises(Conflict) as refused:
        appointments.check_in(db, booked.code, now=clock())

    assert refused.value.code == "used"


def test_check_in_before_the_service_opens_is_too_early(db: Any, clock: Clock) -> None:
    booked = book(db, clock, start="07:00")
    at(clock, TUESDAY, "06:45")  # within early_min, but D opens at 07:00

    with pytest.raises(Conflict) as refused:
        appointments.check_in(db, booked.code, now=clock())

    assert refused.value.code == "too_early"
    assert find_booking(db, booked.code).status == AppointmentStatus.BOOKED


def test_check_in_on_a_day_made_a_holiday_after_the_booking_says_closed(
    db: Any, clock: Clock
) -> None:
    booked = book(db, clock)
    holidays = '[{"date": "2026-12-01", "name": "Nghỉ bù"}]'
    db.execute("UPDATE settings SET value = ? WHERE key = 'json:holidays'", [holidays])
    at(clock, TUESDAY, "08:45")

    with pytest.raises(Conflict) as refused:
        appointments.check_in(db, booked.code, now=clock())

    assert refused.value.code == "closed"


def test_a_check_in_that_cannot_issue_its_ticket_leaves_the_booking_whole(
    db: Any, clock: Clock
) -> None:
    booked = book(db, clock)
    db.execute("UPDATE services SET enabled = 0 WHERE code = 'D'")
    at(clock, TUESDAY, "09:00")

    with pytest.raises(NotFound):
        appointments.check_in(db, booked.code, now=clock())

    assert find_booking(db, booked.code).status == AppointmentStatus.BOOKED
    assert rows(db, "SELECT count(*) AS n FROM tickets")[0]["n"] == 0
    assert rows(db, "SELECT last_number FROM sequences") == []


def test_bookings_not_checked_in_expire_after_the_grace_period(db: Any, clock: Clock) -> None:
    early = book(db, clock, phone="0911111111", start="09:00")
    later = book(db, clock, phone="0922222222", start="10:00")
    at(clock, TUESDAY, "09:15")
    assert appointments.expire_bookings(db, now=clock()) == []

    at(clock, TUESDAY, "09:16")
    expired = appointments.expire_bookings(db, now=clock())

    assert [event.appointment for event in expired] == [early.id]
    assert find_booking(db, early.code).status == AppointmentStatus.EXPIRED
    assert find_booking(db, later.code).status == AppointmentStatus.BOOKED
    kinds = [e["type"] for e in booking_events(db, early.id)]
    assert kinds == ["appointment_booked", "appointment_expired"]
    book(db, clock, phone="0911111111", start="11:00")  # the phone may book again


def test_the_clerks_list_says_which_bookings_were_served(db: Any, clock: Clock) -> None:
    served = book(db, clock, phone="0911111111")
    book(db, clock, phone="0922222222", start="10:00")
    at(clock, TUESDAY, "09:00")
    ticket = appointments.check_in(db, served.code, now=clock()).issued.ticket
    db.execute("UPDATE tickets SET status = 'done' WHERE id = ?", [ticket.id])

    listed = day_bookings(db, TUESDAY)

    assert [(b["start"], b["status"], b["ticket"]) for b in listed] == [
        ("09:00", "served", "D001"),
        ("10:00", "booked", None),
    ]


def test_a_name_is_masked_word_by_word() -> None:
    assert masked_name("Nguyễn Văn An") == "Ng*** V** A"
    assert masked_name("Lê Thị Thu Hà") == "Lê*** T** T** H"
    assert masked_name("Mai") == "M***"
