"""A visitor who booked checks in at the kiosk: "Tôi có lịch hẹn", the code typed on the keypad
(or by a scanner into the field), and the ticket appears; a wrong code is said in words.

The server keeps the real clock, so the center is put in a time zone where it is about noon now
and its service takes bookings all day: a slot whose check-in is open always exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from harness.server import flask_command, gunicorn
from tests.helpers.bookings import noon_zone
from tests.helpers.devices import open_kiosk

CENTER_FILE = """
[center]
name = "Trung tâm thử"
timezone = "{zone}"

[[departments]]
code = "TP"
name = "Sở Tư pháp"

[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
hours = ["00:00-24:00"]
appointments = {{slot_min = 15, per_slot = 20}}

[[counters]]
number = 1
services = ["A"]

[[kiosks]]
id = "k1"
printer = "dummy:"
"""


@pytest.fixture(scope="module")
def noon_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("kiosk-booking")
    center = folder / "center.toml"
    center.write_text(CENTER_FILE.format(zone=noon_zone()), encoding="utf-8")
    database = folder / "qms.db"
    flask_command(database, "load-config", str(center))
    with gunicorn(database, folder / "gunicorn.log") as base:
        yield base


def book_next_slot(request: Any, base: str, phone: str) -> str:
    """Book today's first free slot, as the booking page does; answer the booking code."""
    day = request.get(base + "/api/appointments/slots?service=A&date=" + today())
    slot = next(slot for slot in day.json() if slot["free"])
    booking = request.post(
        base + "/api/appointments",
        data={
            "service": "A",
            "date": today(),
            "start": slot["start"],
            "name": "Trần Thị Bình",
            "phone": phone,
        },
    )
    assert booking.status == 201, booking.text()
    return str(booking.json()["code"])


def today() -> str:
    """The center's day, in its zone."""
    return datetime.now(ZoneInfo(noon_zone())).date().isoformat()


def test_a_booked_visitor_types_the_code_and_gets_the_ticket(
    new_context: Any, noon_server: str
) -> None:
    page = open_kiosk(new_context, noon_server)
    code = book_next_slot(page.request, noon_server, "0912345678")

    page.get_by_role("button", name="Tôi có lịch hẹn").tap()
    for key in code:
        page.locator(f'#booking-keypad [data-key="{key}"]').tap()
    expect(page.locator("#booking-code")).to_have_value(code)
    page.get_by_role("button", name="Lấy số").tap()

    expect(page.locator("[data-screen=ticket]")).to_be_visible()
    expect(page.locator("#ticket-label")).to_have_text("A001")


def test_a_scanned_booking_code_checks_in_and_a_used_or_wrong_one_is_said(
    new_context: Any, noon_server: str
) -> None:
    page = open_kiosk(new_context, noon_server)
    code = book_next_slot(page.request, noon_server, "0987654321")

    page.get_by_role("button", name="Tôi có lịch hẹn").tap()
    page.keyboard.type(code.lower(), delay=5)  # a scanner types into the focused field
    page.keyboard.press("Enter")
    expect(page.locator("[data-screen=ticket]")).to_be_visible()

    page.get_by_role("button", name="Xong").tap()
    page.get_by_role("button", name="Tôi có lịch hẹn").tap()
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("#booking-message")).to_have_text("Lịch hẹn này đã được dùng để lấy số.")
    page.locator("#booking-code").fill("ZZZZZZ")
    page.keyboard.press("Enter")
    expect(page.locator("#booking-message")).to_contain_text("Không có lịch hẹn với mã này")
