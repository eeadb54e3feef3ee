"""A visitor books a time on a phone-sized screen: department, service, day, a free slot, name
and phone, then the booking code with its QR code; the slot then shows as full; the booking is
found by its code and cancelled with its phone number. Run against gunicorn on a center whose
service A takes one visitor per 30-minute slot, every day."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harness.server import flask_command, gunicorn
from tests.helpers.devices import (
    ADMIN,
    CLERK_PASSWORD,
    VIOLATIONS,
    admin_ready,
    shot,
    sign_in_admin,
)

PHONE = {"width": 390, "height": 844}
CENTER_FILE = """
[center]
name = "Trung tâm Phục vụ hành chính công thử"
language = "vi"
timezone = "Asia/Ho_Chi_Minh"

[appointments]
days_ahead = 7

[[departments]]
code = "TP"
name = "Sở Tư pháp"
name_en = "Department of Justice"

[[services]]
code = "A"
name = "Hộ tịch"
name_en = "Civil status"
department = "TP"
hours = ["07:00-11:30", "13:00-16:30"]
appointments = {slot_min = 30, per_slot = 1}

[[services]]
code = "B"
name = "Chứng thực"
department = "TP"

[[counters]]
number = 1
services = ["A", "B"]
"""


@pytest.fixture(scope="module")
def booking_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("booking-server")
    center = folder / "center.toml"
    center.write_text(CENTER_FILE, encoding="utf-8")
    database = folder / "qms.db"
    flask_command(database, "load-config", str(center))
    flask_command(database, "create-user", ADMIN, "--role", "admin", "--password", CLERK_PASSWORD)
    with gunicorn(database, folder / "gunicorn.log") as base:
        yield base


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    context.close()


def pick_first_slot_of_tomorrow(page: Page) -> str:
    page.locator("#departments button", has_text="Sở Tư pháp").click()
    page.locator("#services button", has_text="Hộ tịch").click()
    expect(page.locator("#services button", has_text="Chứng thực")).to_have_count(0)
    page.locator("#days button").nth(1).click()
    first = page.locator("#slots button").first
    expect(first).to_be_visible()
    start = first.get_attribute("data-start")
    assert start == "07:00"
    return start


def test_a_visitor_books_a_slot_on_a_phone_and_cancels_it(
    booking_server: str, phone: tuple[Page, list[str]]
) -> None:
    page, errors = phone
    page.goto(booking_server + "/book/")
    expect(page.locator("h1")).to_have_text("Đặt lịch hẹn")
    expect(page.locator("#days button")).to_have_count(0)  # not before a service is chosen

    pick_first_slot_of_tomorrow(page)
    expect(page.locator("#slots button").first).to_contain_text("Còn 1 chỗ")
    page.locator("#slots button").first.click()
    page.locator("#name").fill("Nguyễn Văn An")
    page.locator("#phone").fill("0912 345 678")
    page.locator("#book-button").click()

    code = page.locator("#done-code")
    expect(code).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{6}$"))
    booking_code = code.inner_text()
    expect(page.locator("#done-slot")).to_contain_text("07:00–07:30")
    qr = page.locator("#done-qr")
    expect(qr).to_be_visible()
    # Waited for in one evaluation: a polled string predicate is evaluated as code, which the
    # page's Content-Security-Policy refuses.
    assert (
        page.locator("#done-qr").evaluate(
            "image => image.complete ? image.naturalWidth : new Promise(done =>"
            " image.addEventListener('load', () => done(image.naturalWidth)))"
        )
        > 0
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "book-done")

    # The slot is full now, and says so.
    page.locator("#step-done button[data-back]").click()
    pick_first_slot_of_tomorrow(page)
    full = page.locator("#slots button").first
    expect(full).to_be_disabled()
    expect(full).to_contain_text("Hết chỗ")

    # Find it by its code; a wrong phone cannot cancel it, the right one does.
    page.locator("#find-code").fill(booking_code.lower())
    page.locator("#find-button").click()
    expect(page.locator("#found-name")).to_have_text("Ng*** V** A")
    expect(page.locator("#found-status")).to_have_text("Đã đặt lịch")
    page.locator("#cancel-phone").fill("0999999999")
    page.locator("#cancel-button").click()
    expect(page.locator("#error")).to_have_text("Số điện thoại không khớp với lịch hẹn.")
    page.locator("#cancel-phone").fill("+84912345678")
    page.locator("#cancel-button").click()
    expect(page.locator("#found-status")).to_have_text("Lịch hẹn của bạn đã được hủy.")
    expect(page.locator("#cancel")).to_be_hidden()

    assert page.evaluate("window.cspViolations") == []
    assert errors == []


def test_the_page_speaks_english_on_request(
    booking_server: str, phone: tuple[Page, list[str]]
) -> None:
    page, errors = phone
    page.goto(booking_server + "/book/?lang=en")

    expect(page.locator("h1")).to_have_text("Book a time")
    page.locator("#departments button", has_text="Department of Justice").click()
    expect(page.locator("#services button")).to_have_text(["Civil status"])
    assert errors == []


def save_service(admin: Page, dialog: Any) -> None:
    """Save the service dialog and wait for the server's answer: the toast of an earlier save
    may still be showing, so it does not tell that this one is done."""
    with admin.expect_response(
        lambda answer: answer.request.method == "PUT" and "/api/admin/services/" in answer.url
    ) as saved:
        dialog.get_by_role("button", name="Lưu").click()
    assert saved.value.ok, saved.value.text()
    expect(admin.locator("#toast")).to_have_text("Đã lưu.")


def test_an_admin_changes_a_services_bookings_and_the_phone_page_follows(
    booking_server: str, browser: Any, phone: tuple[Page, list[str]]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.goto(booking_server + "/admin/?lang=vi")
    sign_in_admin(admin_ready(admin))
    admin.goto(booking_server + "/admin/services")
    admin_ready(admin)
    admin.locator('tr[data-code="A"]').get_by_role("button", name="Sửa").click()
    dialog = admin.locator("#service-dialog")
    takes_bookings = dialog.locator('[name="takes-bookings"]')
    expect(takes_bookings).to_be_checked()
    expect(dialog.get_by_label("Thời lượng mỗi khung giờ (phút)")).to_have_value("30")
    dialog.get_by_label("Số người mỗi khung giờ").fill("3")
    save_service(admin, dialog)

    page, errors = phone
    page.goto(booking_server + "/book/")
    pick_first_slot_of_tomorrow(page)
    expect(page.locator("#slots button").first).to_contain_text("Còn 3 chỗ")

    admin_ready(admin)
    admin.locator('tr[data-code="A"]').get_by_role("button", name="Sửa").click()
    takes_bookings.uncheck()
    expect(dialog.get_by_label("Số người mỗi khung giờ")).to_be_disabled()
    save_service(admin, dialog)
    page.goto(booking_server + "/book/")
    expect(page.locator("#no-services")).to_be_visible()
    expect(page.locator("#departments button")).to_have_count(0)
    context.close()
    assert errors == []


def days_offered(page: Page) -> int:
    """The days the booking page offers (the services' own open days are shown per service)."""
    return len(json.loads(str(page.locator("#page-data").text_content()))["days"])


def test_an_admin_sets_how_far_ahead_visitors_book_and_the_phone_page_follows(
    booking_server: str, browser: Any, phone: tuple[Page, list[str]]
) -> None:
    page, errors = phone
    page.goto(booking_server + "/book/")
    assert days_offered(page) == 8  # today and the 7 days ahead of the center file

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.goto(booking_server + "/admin/center?lang=vi")
    sign_in_admin(admin_ready(admin))
    window = admin.locator("#booking-window")
    days_ahead = window.get_by_label("Số ngày được đặt trước (hôm nay là ngày 0)")
    expect(days_ahead).to_have_value("7")
    days_ahead.fill("1")
    with admin.expect_response(lambda answer: "/api/admin/appointments" in answer.url) as saved:
        window.get_by_role("button", name="Lưu").click()
    assert saved.value.ok, saved.value.text()
    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    admin.reload()
    expect(admin.locator("#booking-window [name=days_ahead]")).to_have_value("1")
    context.close()

    page.goto(booking_server + "/book/")
    assert days_offered(page) == 2
    assert errors == []
