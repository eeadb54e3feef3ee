"""Pairing a rating tablet from the admin page, in Chromium against the real server: the tablet
shows a code, the admin enters it and chooses the counter, the tablet carries on and rates the
visitor it hears of; the admin sees it connected, revokes it, and the tablet asks for a new code.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import (
    VIOLATIONS,
    Clerk,
    choose,
    issue_ticket,
    open_kiosk,
    pair_shown_code,
    shot,
    shown_code,
    sign_in_admin,
    take_ticket,
)


def test_an_admin_pairs_a_rating_tablet_sees_it_connected_and_revokes_it(
    new_context: Any, server: str
) -> None:
    tablet: Page = new_context().new_page()
    tablet.add_init_script(VIOLATIONS)
    tablet.goto(f"{server}/counter/rating?counter=2")
    code = shown_code(tablet)
    expect(tablet.locator("#device-pairing-title")).to_have_text("Ghép nối thiết bị này")
    shot(tablet, "device-pairing-code")

    admin: Page = new_context().new_page()
    admin.goto(f"{server}/admin/devices?lang=vi")
    sign_in_admin(admin)
    admin.get_by_role("button", name="Ghép nối thiết bị").first.click()
    dialog = admin.locator("#device-dialog")
    dialog.get_by_label("Mã hiện trên thiết bị").fill(code.lower())
    dialog.get_by_label("Thiết bị này là").select_option("tablet")
    expect(dialog.get_by_label("Kiosk nào")).to_be_hidden()
    dialog.get_by_label("Quầy nào").select_option("2")
    dialog.get_by_label("Tên", exact=True).fill("Máy đánh giá quầy 2")
    dialog.get_by_role("button", name="Ghép nối", exact=True).click()

    expect(tablet.locator("#device-pairing")).to_be_hidden()  # it asked, and was paired
    expect(tablet.locator("body")).to_have_attribute("data-connected", "true")
    row = admin.locator("#device-table tr", has_text="Máy đánh giá quầy 2")
    expect(row).to_contain_text("Máy đánh giá tại quầy")
    expect(row).to_contain_text("Quầy 2")
    admin.reload()
    expect(row.locator("[data-connected]")).to_have_text("Đang kết nối")
    shot(admin, "admin-devices")

    clerk = Clerk(new_context, server, "clerk2", 2)
    try:
        label = issue_ticket(new_context().request, server, "A")
        assert clerk.post("next")["ticket"]["label"] == label
        clerk.post("finish")
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {label}")
        tablet.get_by_role("button", name="Hài lòng", exact=True).click()
        with tablet.expect_response(re.compile(r".*/api/ratings$")) as posted:
            tablet.get_by_role("button", name="Gửi", exact=True).click()
        assert posted.value.status == 201
    finally:
        clerk.leave()

    row.get_by_role("button", name="Thu hồi").click()
    expect(admin.locator("#confirm-title")).to_have_text("Thu hồi thiết bị Máy đánh giá quầy 2?")
    admin.locator("#confirm-dialog").get_by_role("button", name="Thu hồi").click()
    expect(admin.locator("#device-table")).not_to_contain_text("Máy đánh giá quầy 2")
    # the tablet's socket is closed; it finds itself unpaired and shows a new code
    expect(tablet.locator("#device-code")).not_to_have_text(code[:3] + " " + code[3:])
    assert shown_code(tablet) != code
    assert tablet.evaluate("window.cspViolations") == []
    assert admin.evaluate("window.cspViolations || []") == []


def test_an_unpaired_kiosk_gives_the_ticket_on_screen_and_says_why(
    new_context: Any, server: str
) -> None:
    page = open_kiosk(new_context, server)  # ?kiosk=k1, but not the device paired as k1
    choose(page, "Sở Tư pháp", "Hộ tịch")
    ticket = take_ticket(page, "Lấy số thường")
    assert ticket["print"] == {"status": "skipped", "reason": "kiosk_not_paired"}
    expect(page.locator("#print-text")).to_have_text(
        "Kiosk này chưa được thiết lập để in phiếu — vui lòng chụp ảnh mã QR này"
    )
    expect(page.locator("#ticket-qr")).to_be_visible()
    expect(page.locator("#device-pairing")).to_be_hidden()  # it works unpaired


def test_a_kiosk_opened_with_pair_shows_a_code_and_prints_once_paired(
    new_context: Any, server: str
) -> None:
    page = open_kiosk_for_pairing(new_context, server)
    pair_shown_code(new_context, server, page, "kiosk", "k2")
    expect(page).not_to_have_url(re.compile(r"pair=1"))
    choose(page, "Sở Tư pháp", "Hộ tịch")
    assert take_ticket(page, "Lấy số thường")["print"]["status"] == "printed"


def open_kiosk_for_pairing(new_context: Any, server: str) -> Page:
    page: Page = new_context(has_touch=True).new_page()
    page.goto(f"{server}/kiosk/?kiosk=k2&pair=1")
    shown_code(page)
    return page
