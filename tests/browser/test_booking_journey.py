"""A booking from end to end, as the visitor lives it: booked on a phone with the ID number, the
ID card scanned at the kiosk (a keyboard-wedge scanner), the ticket shown, and the call at the
counter and on the hall display, marked on the counter as a booking checked by the card.

The server keeps the real clock, so the center is put in a time zone where it is about noon now
and its service takes bookings all day: today's next slot is always open for check-in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harness.server import flask_command, gunicorn
from tests.browser.test_booking import PHONE
from tests.browser.test_kiosk_booking import CENTER_FILE
from tests.helpers.bookings import noon_zone
from tests.helpers.devices import (
    CALL_TIMEOUT_MS,
    CLERK_PASSWORD,
    VIOLATIONS,
    open_display,
    open_kiosk,
    sign_in_at_counter,
)

NUMBER = "001050012345"
CARD = f"{NUMBER}|012345678|Nguyễn Văn An|15031950|Nam|Số 12 Hàng Bạc, Hà Nội|20042021"
CHECK_IN = re.compile(r"/api/appointments/check-in$")


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("booking-journey")
    center = folder / "center.toml"
    center.write_text(CENTER_FILE.format(zone=noon_zone()), encoding="utf-8")
    database = folder / "qms.db"
    flask_command(database, "load-config", str(center))
    flask_command(database, "create-user", "lan", "--role", "clerk", "--password", CLERK_PASSWORD)
    with gunicorn(database, folder / "gunicorn.log") as base:
        yield base


def book_on_a_phone(browser: Any, base: str) -> tuple[str, str]:
    """Book today's next slot with the ID number on a phone; answer the code and the slot."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page: Page = context.new_page()
    page.add_init_script(VIOLATIONS)
    page.goto(base + "/book/")
    page.locator("#departments button", has_text="Sở Tư pháp").click()
    page.locator("#services button", has_text="Hộ tịch").click()
    page.locator("#days button").first.click()
    slot = page.locator("#slots button:not([disabled])").first
    start = str(slot.get_attribute("data-start"))
    slot.click()
    page.locator("#name").fill("Nguyễn Văn An")
    page.locator("#phone").fill("0912 345 678")
    page.locator("#id-number").fill(NUMBER)
    page.locator("#book-button").click()
    code = page.locator("#done-code")
    expect(code).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{6}$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("window.cspViolations") == []
    booked = code.inner_text(), start
    context.close()
    return booked


def test_booked_on_a_phone_checked_in_by_the_id_card_and_called(
    browser: Any, new_context: Any, journey_server: str
) -> None:
    code, start = book_on_a_phone(browser, journey_server)
    display = open_display(new_context, journey_server)
    kiosk = open_kiosk(new_context, journey_server)

    with kiosk.expect_response(CHECK_IN) as response:
        kiosk.keyboard.type(CARD, delay=2)  # a scanner types the card's QR, then Enter
        kiosk.keyboard.press("Enter")
    ticket = response.value.json()
    assert response.value.status == 201, ticket
    assert ticket["appointment"] == code and ticket["slot"]["start"] == start
    expect(kiosk.locator("[data-screen=ticket]")).to_be_visible()
    expect(kiosk.locator("#ticket-label")).to_have_text(ticket["label"])

    counter = sign_in_at_counter(new_context, journey_server, "lan")
    counter.locator('.counter-card[data-number="1"]').click()
    expect(counter.locator("#live")).to_have_attribute("data-connected", "true")
    counter.locator('[data-action="next"]').click()

    expect(counter.locator("#ticket-label")).to_have_text(ticket["label"])
    expect(counter.locator("#ticket-booking")).to_have_text(f"Lịch hẹn {start}")
    expect(counter.locator("#ticket-priority")).to_contain_text("đã kiểm tra bằng CCCD")
    expect(display.locator("#now-label")).to_have_text(ticket["label"], timeout=CALL_TIMEOUT_MS)
    expect(display.locator("#now-counter")).to_have_text("1")
    # the hall learns the ticket is priority, never why
    assert "CCCD" not in display.locator("body").inner_text()
