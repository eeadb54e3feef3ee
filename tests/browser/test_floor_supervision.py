"""The supervisor on the floor and the clerk's priority insert, in Chromium against the real server:
a clerk makes a waiting ticket priority from the counter page and calls it first; a supervisor
watches the live monitor, moves a clerk to another counter (whose screen follows by itself), and
finds a ticket to cancel it.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import issue_ticket, shot, sign_in_admin, sign_in_at_counter

LIVE_TIMEOUT_MS = 10_000


def open_counter(new_context: Any, server: str, username: str, number: int) -> Page:
    page = sign_in_at_counter(new_context, server, username)
    page.locator(f'.counter-card[data-number="{number}"]').click()
    expect(page.locator("#shift-counter")).to_have_text(f"Quầy {number}")
    expect(page.locator("#live")).to_have_attribute("data-connected", "true")
    return page


def open_monitor(new_context: Any, server: str) -> Page:
    page: Page = new_context().new_page()
    page.goto(server + "/admin/?lang=vi")
    sign_in_admin(page, "boss")
    expect(page.locator(".page-head h1")).to_have_text("Giám sát trực tiếp")
    expect(page.locator("#monitor")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#live")).to_have_attribute("data-connected", "true")
    return page


def test_a_clerk_makes_a_waiting_ticket_priority_and_it_is_called_first(
    new_context: Any, server: str
) -> None:
    kiosk = new_context().request
    first = issue_ticket(kiosk, server, "G")
    second = issue_ticket(kiosk, server, "G")
    counter = open_counter(new_context, server, "clerk1", 9)

    counter.keyboard.press("u")
    dialog = counter.locator("#priority-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Số thứ tự, ví dụ A005").fill(second.lower())
    dialog.get_by_label("Lý do").fill("xuất trình CCCD, 82 tuổi")
    dialog.get_by_role("button", name="Lưu").click()

    expect(counter.locator("#message-text")).to_contain_text(f"{second} đã được ưu tiên")
    counter.locator('[data-action="next"]').click()
    expect(counter.locator("#ticket-label")).to_have_text(second)
    expect(counter.locator("#ticket-priority")).to_be_visible()

    # a ticket no longer waiting cannot be made priority, and the clerk is told why
    counter.locator('[data-action="priority"]').click()
    dialog.get_by_label("Số thứ tự, ví dụ A005").fill(second)
    dialog.get_by_label("Lý do").fill("thử lại")
    dialog.get_by_role("button", name="Lưu").click()
    expect(counter.locator("#message-text")).to_contain_text(f"{second} không ở trạng thái chờ")
    counter.locator('[data-action="finish"]').click()
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "none")
    counter.keyboard.press("n")
    expect(counter.locator("#ticket-label")).to_have_text(first)
    counter.keyboard.press("f")


def test_a_supervisor_moves_a_clerk_and_the_clerks_screen_follows(
    new_context: Any, server: str
) -> None:
    counter = open_counter(new_context, server, "clerk2", 10)
    monitor = open_monitor(new_context, server)
    row = monitor.locator('#counter-rows tr[data-number="10"]')
    expect(row).to_contain_text("clerk2")

    row.get_by_role("button", name="Chuyển cán bộ…").click()
    dialog = monitor.locator("#move-dialog")
    expect(dialog.locator("h2")).to_have_text("Chuyển clerk2 khỏi quầy 10")
    dialog.get_by_label("Chuyển sang quầy").select_option("11")
    dialog.get_by_role("button", name="Chuyển", exact=True).click()

    expect(monitor.locator("#toast")).to_have_text("clerk2 đã chuyển sang quầy 11.")
    expect(monitor.locator('#counter-rows tr[data-number="11"]')).to_contain_text("clerk2")
    expect(row.locator(".status-chip")).to_have_text("Đóng")
    expect(counter.locator("#shift-counter")).to_have_text("Quầy 11", timeout=LIVE_TIMEOUT_MS)
    expect(counter.locator("#message-text")).to_have_text(
        "Người giám sát đã chuyển bạn sang quầy 11."
    )
    counter.keyboard.press("n")  # the clerk works on at the new counter
    expect(counter.locator("#message-text")).to_have_text(
        "Không còn ai chờ ở các dịch vụ của quầy."
    )

    # the monitor hears a clerk's own changes too
    counter.locator("#close-counter").click()
    expect(monitor.locator('#counter-rows tr[data-number="11"] .status-chip')).to_have_text(
        "Đóng", timeout=LIVE_TIMEOUT_MS
    )
    monitor.set_viewport_size({"width": 1440, "height": 1000})
    shot(monitor, "admin-monitor", full_page=True)


def test_the_monitor_shows_a_queue_over_target_and_cancels_a_ticket(
    new_context: Any, server: str
) -> None:
    kiosk = new_context().request
    label = issue_ticket(kiosk, server, "N")  # counter 14 serves N and is closed
    monitor = open_monitor(new_context, server)

    queue = monitor.locator('#queue-rows tr[data-service="N"]')
    expect(queue).to_have_attribute("data-alert", "true")
    expect(queue.locator(".alert-chip")).to_have_text("Không có quầy mở")

    monitor.get_by_label("Số thứ tự, ví dụ A005").fill(label)
    monitor.get_by_role("button", name="Tìm", exact=True).click()
    card = monitor.locator("#ticket-card")
    expect(card.locator("#ticket-status")).to_have_text("Đang chờ")
    expect(card.locator("#ticket-history li")).to_have_count(1)
    card.get_by_role("button", name="Hủy số…").click()
    dialog = monitor.locator("#cancel-dialog")
    dialog.get_by_label("Lý do (lưu trong nhật ký)").fill("công dân đã về")
    dialog.get_by_role("button", name="Hủy số", exact=True).click()

    expect(card.locator("#ticket-status")).to_have_text("Đã hủy")
    expect(card.locator("#ticket-history li").last).to_contain_text("công dân đã về")
    expect(queue.locator(".queue-waiting")).to_have_text("0", timeout=LIVE_TIMEOUT_MS)
    expect(queue).to_have_attribute("data-alert", "false")


def test_a_supervisor_reads_the_days_report(new_context: Any, server: str) -> None:
    kiosk = new_context().request
    issue_ticket(kiosk, server, "P")  # counter 15 serves P
    clerk = open_counter(new_context, server, "clerk3", 15)
    clerk.keyboard.press("n")
    expect(clerk.locator("#ticket-panel")).to_have_attribute("data-status", "called")
    clerk.keyboard.press("f")
    expect(clerk.locator("#ticket-panel")).to_have_attribute("data-status", "none")
    monitor = open_monitor(new_context, server)

    monitor.locator(".sidebar").get_by_role("link", name="Báo cáo", exact=True).click()

    expect(monitor.locator(".page-head h1")).to_have_text("Báo cáo")
    served = monitor.locator('#report-services tr[data-service="P"] td').nth(4)  # after expired
    expect(served).to_have_text("1")
    expect(monitor.locator('#report-clerks tr[data-clerk="clerk3"]')).to_be_visible()
    with monitor.expect_download() as download:
        monitor.get_by_role("link", name="Tải về bảng tính (CSV)").click()
    assert download.value.suggested_filename.startswith("report-")
    monitor.set_viewport_size({"width": 1440, "height": 1000})
    shot(monitor, "admin-reports", full_page=True)
