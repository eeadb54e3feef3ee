"""The rebalancing advice in Chromium against the real server: an admin ticks a clerk's services
on the users page; Hộ tịch (A) heads over its 15-minute target with one counter open; the live
monitor shows the move that would bring it back, a supervisor applies it with one click, and the
counters change.

By core/advice.py's arithmetic (no history: 5-minute services): 5 visitors of A who came in the
last half hour, one counter for A, forecast 25 minutes; with clerk4 moved from counter 12 (K, L:
nobody waiting) to counter 2 (A alone; counter 4 also serves C, which clerk4 may not), 12.5.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import Clerk, admin_ready, issue_ticket, shot, sign_in_admin

LIVE_TIMEOUT_MS = 10_000


def tick_services(new_context: Any, server: str, username: str, codes: list[str]) -> None:
    page: Page = new_context().new_page()
    page.goto(server + "/admin/users?lang=vi")
    sign_in_admin(page)
    row = page.locator(f'tr[data-username="{username}"]')
    row.get_by_role("button", name="Dịch vụ…").click()
    dialog = page.locator("#services-dialog")
    expect(dialog.locator("h2")).to_have_text(f"Dịch vụ {username} được phép phục vụ")
    for code in codes:
        dialog.locator(f'input[type="checkbox"][value="{code}"]').check()
    dialog.get_by_role("button", name="Lưu").click()
    expect(page.locator("#toast")).to_have_text("Đã lưu.")
    admin_ready(page)
    expect(page.locator(f'tr[data-username="{username}"] .user-services')).to_have_text(
        ", ".join(codes)
    )


def test_the_monitor_shows_the_advice_and_applies_it(new_context: Any, server: str) -> None:
    tick_services(new_context, server, "clerk4", ["A", "K", "L"])
    Clerk(new_context, server, "clerk3", 1)
    Clerk(new_context, server, "clerk4", 12)
    kiosk = new_context().request
    for _ in range(5):
        issue_ticket(kiosk, server, "A")

    monitor: Page = new_context().new_page()
    monitor.goto(server + "/admin/monitor?lang=vi")
    sign_in_admin(monitor, "boss")
    expect(monitor.locator("#live")).to_have_attribute("data-connected", "true")
    advice = monitor.locator("#advice")
    expect(advice).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    item = advice.locator(".advice-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(
        "Chuyển clerk4 từ quầy 12 (Lao động, việc làm, người có công, 0 người chờ) sang quầy 2"
        " (Hộ tịch): chờ lâu nhất 25 → 12.5 phút"
    )
    shot(monitor, "monitor-advice")

    item.get_by_role("button", name="Áp dụng").click()

    expect(item).to_have_attribute("data-decision", "applied")
    expect(item.locator(".advice-decision")).to_have_text("Đã áp dụng")
    expect(item.get_by_role("button", name="Áp dụng")).to_be_hidden()
    moved_to = monitor.locator('#counter-rows tr[data-number="2"]')
    expect(moved_to).to_contain_text("clerk4", timeout=LIVE_TIMEOUT_MS)
    left = monitor.locator('#counter-rows tr[data-number="12"] .status-chip')
    expect(left).to_have_text("Đóng", timeout=LIVE_TIMEOUT_MS)
    queue = monitor.locator('#queue-rows tr[data-service="A"] .queue-counters')
    expect(queue).to_have_text("1, 2", timeout=LIVE_TIMEOUT_MS)
    shot(monitor, "monitor-advice-applied")
