"""Bookings on the floor (design.md section 9): a checked-in booking goes before the walk-ins of
its queue from its slot's start, earlier slots first; before its slot it waits as a walk-in; it
neither counts in nor breaks the priority rule among walk-ins; the live monitor counts the day's
bookings and check-ins.

One service A (bookings of 30 minutes, one visitor each, 07:00-16:30) at counters 1 and 2, at
most 2 priority calls in a row; Tuesday 1 December 2026 in Ho Chi Minh City (UTC+7).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core import appointments
from core.calling import call_next
from core.center import load_center
from core.models import Ticket
from core.monitor import queue_overview
from db import connect
from tests.conftest import sign_in
from tests.helpers.bookings import (
    CENTER,
    DAY,
    booked,
    floor_database,
    local,
    three_bookings,
    walk_in,
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return floor_database(tmp_path / "qms.db")


def call(db: Database, hhmm: str) -> str:
    called = call_next(db, 1, clerk="lan", now=local(hhmm))
    assert called is not None
    ticket, _call = called
    # Finish at once, so the counter may call again.
    db.execute("UPDATE tickets SET status = 'done' WHERE id = ?", [ticket.id])
    return ticket.label


def test_a_booking_goes_before_older_walk_ins_from_its_slot_on(db: Database) -> None:
    first = walk_in(db, "08:20")
    second = walk_in(db, "08:25")
    mine = booked(db, "09:00", "0912345678", check_in_at="08:40")

    assert call(db, "08:50") == first.label  # before its slot it waits as a walk-in
    assert call(db, "09:00") == mine.label  # from its slot's start it goes first
    assert call(db, "09:01") == second.label


def test_before_its_slot_a_booking_is_called_in_its_walk_in_turn(db: Database) -> None:
    mine = booked(db, "10:00", "0912345678", check_in_at="09:30")
    later = walk_in(db, "09:35")

    assert call(db, "09:40") == mine.label  # the oldest waiting, as any walk-in
    assert call(db, "09:41") == later.label


def test_between_bookings_the_earlier_slot_goes_first(db: Database) -> None:
    late_slot = booked(db, "09:30", "0911111111", check_in_at="09:05")
    early_slot = booked(db, "09:00", "0922222222", check_in_at="09:10")
    walk_in(db, "08:00")

    assert call(db, "09:31") == early_slot.label
    assert call(db, "09:32") == late_slot.label


def test_a_booking_neither_counts_in_nor_breaks_the_priority_streak(db: Database) -> None:
    regular = walk_in(db, "08:00")
    elderly = [walk_in(db, f"08:0{minute}", priority="elderly") for minute in (1, 2, 3)]
    mine = booked(db, "09:00", "0912345678", check_in_at="08:45")

    assert call(db, "09:00") == mine.label
    assert call(db, "09:01") == elderly[0].label
    assert call(db, "09:02") == elderly[1].label
    mine_too = booked(db, "09:30", "0933333333", check_in_at="09:03")
    assert call(db, "09:30") == mine_too.label
    # Two priority walk-ins in a row already: the regular visitor comes next, booking or not.
    assert call(db, "09:31") == regular.label
    assert call(db, "09:32") == elderly[2].label


def test_the_monitor_counts_the_days_bookings_and_check_ins(db: Database) -> None:
    three_bookings(db, check_in_at="08:45")

    (queue,) = queue_overview(db, now=local("09:00"))

    assert (queue["booked"], queue["checked_in"]) == (2, 1)


def test_the_report_counts_bookings_and_their_waits_apart_from_walk_ins(db: Database) -> None:
    from core.booking_report import bookings_summary

    visitor = walk_in(db, "08:50")
    came = three_bookings(db, check_in_at="08:40")
    assert call(db, "09:03") == came.label  # waited 3 minutes from its slot, not 23
    assert call(db, "09:10") == visitor.label  # the walk-in of 08:50 waited 20 minutes
    appointments.expire_bookings(db, now=local("10:30"))

    (row,) = bookings_summary(db, DAY, DAY)

    assert {key: row[key] for key in ("booked", "checked_in", "expired", "cancelled")} == {
        "booked": 3,
        "checked_in": 1,
        "expired": 1,
        "cancelled": 1,
    }
    assert (row["pending"], row["served"]) == (0, 1)
    assert row["booked_wait_mean_s"] == 180
    assert row["walk_in_wait_mean_s"] == 20 * 60


def test_the_reports_page_shows_the_bookings(app: Any, client: Any) -> None:
    database = connect(app.config["DATABASE"])
    load_center(database, CENTER)
    booked(database, "09:00", "0911111111", check_in_at="08:40")
    database.conn.close()
    sign_in(client, "chi")

    page = client.get(f"/admin/reports?from={DAY}&to={DAY}&lang=vi").text

    assert 'id="report-bookings"' in page and "Lịch hẹn" in page
    assert '<td class="number">1</td>' in page


def test_a_booked_visitors_ticket_says_the_slot_it_was_booked_for(db: Database) -> None:
    from core.models import Issued
    from kiosk.delivery import TicketDelivery

    delivery = TicketDelivery(public_url="", default_printer="none:", timeout_s=1)
    mine = booked(db, "09:00", "0911111111", check_in_at="08:40")
    other = walk_in(db, "08:41")

    def printed(ticket: Ticket) -> str | None:
        return delivery.printout(db, Issued(ticket, 0, 0), "/t/x").appointment_text

    assert (printed(mine), printed(other)) == ("Lịch hẹn 09:00", None)


def test_the_counter_terminal_sees_that_a_ticket_is_a_booking(
    app: Any, client: Any, clock: Any
) -> None:
    database = connect(app.config["DATABASE"])
    load_center(database, CENTER)
    database.execute("UPDATE counters SET status = 'closed', clerk = NULL")
    mine = booked(database, "09:00", "0911111111", check_in_at="08:40")
    database.conn.close()
    clock.moment = local("09:05")  # the app's clock: the booked day, after the slot began
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)

    called = client.post("/api/counters/1/next", headers=headers).json["ticket"]
    shown = client.get("/api/counters/1", headers=headers).json["ticket"]

    assert (called["label"], called["appointment"]) == (mine.label, "09:00")
    assert shown["appointment"] == "09:00"
