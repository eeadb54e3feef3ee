"""The administration pages in Chromium against the real server: an admin signs in, adds a
service with its weekly hours, gives it to a counter, and the kiosk offers it at once.

It leaves a screenshot of every admin page in /tmp/admin-shots (and in instance/screenshots) to
look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import ADMIN, ARTIFACTS, admin_ready, sign_in_admin

SUPERVISOR = "boss"
SHOTS = Path("/tmp/admin-shots")
PAGES = ("center", "departments", "services", "counters", "kiosks", "priority", "announcement")


def shot(page: Page, name: str) -> None:
    for folder in (SHOTS, ARTIFACTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"admin-{name}.png"), full_page=True)


def go(page: Page, link: str) -> None:
    page.locator(".sidebar").get_by_role("link", name=link, exact=True).click()
    expect(page.locator(".sidebar [aria-current=page]")).to_have_text(link)
    admin_ready(page)


def sign_in(new_context: Any, server: str, username: str) -> Page:
    page: Page = new_context().new_page()
    page.goto(server + "/admin/?lang=vi")
    shot(admin_ready(page), f"sign-in-{username}")
    return sign_in_admin(page, username)


def test_an_admin_adds_a_service_gives_it_to_a_counter_and_the_kiosk_offers_it(
    new_context: Any, server: str
) -> None:
    kiosk: Page = new_context().new_page()
    kiosk.goto(server + "/kiosk/?kiosk=k1")
    expect(kiosk.locator(".department").first).to_be_visible()
    kiosk.evaluate("window.openedBeforeTheChange = true")
    admin = sign_in(new_context, server, ADMIN)
    expect(admin.locator("h1")).to_have_text("Giám sát trực tiếp")
    go(admin, "Trung tâm")
    shot(admin, "center")

    go(admin, "Dịch vụ và giờ cấp số")
    admin.get_by_role("button", name="Thêm dịch vụ").click()
    dialog = admin.locator("#service-dialog")
    dialog.get_by_label("Mã", exact=True).fill("V")
    dialog.get_by_label("Cơ quan").select_option("TP")
    dialog.get_by_label("Tên", exact=True).fill("Công chứng hợp đồng")
    dialog.get_by_label("Tên tiếng Anh (không bắt buộc)").fill("Notarised contracts")
    dialog.get_by_label("Số phiếu tối đa mỗi ngày (không bắt buộc)").fill("80")
    saturday = dialog.locator('tr[data-day="saturday"]')
    saturday.locator(".day-open").check()
    saturday.locator(".span-start").nth(1).fill("")
    saturday.locator(".span-end").nth(1).fill("")
    shot(admin, "service-dialog")
    # Hours that hold whenever the test runs: the kiosk must offer the service now.
    dialog.get_by_label("Không giới hạn: cấp số suốt giờ làm việc của trung tâm").check()
    dialog.get_by_label("Lý do (không bắt buộc, được lưu vào nhật ký)").fill("Mở thêm dịch vụ")
    dialog.get_by_role("button", name="Lưu").click()
    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    admin_ready(admin)
    new_row = admin.locator('tr[data-code="V"]')
    expect(new_row).to_contain_text("Công chứng hợp đồng")
    expect(new_row.locator(".warn")).to_have_text("chưa có")  # no counter calls it yet
    shot(admin, "services")

    go(admin, "Quầy")
    admin.locator('tr[data-number="2"]').get_by_role("button", name="Sửa").click()
    counter_dialog = admin.locator("#counter-dialog")
    counter_dialog.locator(".ordered-select").select_option("V")
    counter_dialog.get_by_role("button", name="Thêm dịch vụ này").click()
    expect(counter_dialog.locator(".ordered-item")).to_have_count(2)
    counter_dialog.get_by_role("button", name="Lưu").click()
    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    expect(admin.locator('tr[data-number="2"] .chip')).to_have_text(
        ["A Hộ tịch", "V Công chứng hợp đồng"]
    )
    shot(admin, "counters")

    # the kiosk, idle on its start screen, reloaded itself on the `configuration` push
    expect(kiosk.locator(".department").first).to_be_visible()
    kiosk.wait_for_function("window.openedBeforeTheChange === undefined")
    kiosk.locator(".department", has_text="Sở Tư pháp").click()
    offered = kiosk.locator('.service[data-code="V"]')
    expect(offered).to_contain_text("Công chứng hợp đồng")
    expect(offered).to_be_enabled()

    for page_name in PAGES[3:] + ("users",):
        admin.goto(f"{server}/admin/{page_name}")
        expect(admin.locator(".page-head h1")).to_be_visible()
        shot(admin, page_name)
    admin.goto(server + "/admin/departments")
    shot(admin, "departments")
    admin.goto(server + "/admin/audit")
    log = admin.locator(".audit-table tbody tr")
    expect(log.first).to_contain_text("Sửa quầy")
    expect(log.nth(1)).to_contain_text("Thêm dịch vụ")
    expect(log.nth(1)).to_contain_text("Mở thêm dịch vụ")
    shot(admin, "audit")


def test_a_supervisor_sees_only_the_monitor_and_the_audit_log(
    new_context: Any, server: str
) -> None:
    supervisor = sign_in(new_context, server, SUPERVISOR)

    expect(supervisor.locator(".page-head h1")).to_have_text("Giám sát trực tiếp")
    expect(supervisor.locator(".sidebar li a")).to_have_text(
        [
            "Giám sát trực tiếp",
            "Báo cáo",
            "Đề xuất bố trí quầy",
            "Thử phương án",
            "Góp ý, phản ánh",
            "Nhật ký hoạt động",
        ]
    )
    supervisor.goto(server + "/admin/services")
    expect(supervisor.locator(".notice")).to_contain_text("dành cho quản trị viên")
    shot(supervisor, "supervisor-refused")


def test_an_admin_adds_a_display_for_some_counters_and_it_shows_only_them(
    new_context: Any, server: str
) -> None:
    admin = sign_in(new_context, server, ADMIN)
    admin.goto(server + "/admin/displays")
    admin_ready(admin)
    admin.get_by_role("button", name="Thêm màn hình").click()
    dialog = admin.locator("#display-dialog")
    dialog.locator('input[name="id"]').fill("tang2")
    dialog.locator('input[name="name"]').fill("Màn hình tầng 2")
    dialog.locator('input[name="shows"][value="counters"]').check()
    dialog.locator('[data-name="counters"] input[value="14"]').check()
    dialog.locator('[data-name="counters"] input[value="15"]').check()
    shot(admin, "display-dialog")
    dialog.get_by_role("button", name="Lưu").click()
    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    row = admin.locator('tr[data-id="tang2"]')
    expect(row).to_contain_text("Màn hình tầng 2")
    expect(row.locator(".chip")).to_have_text(["14", "15"])
    shot(admin, "displays")

    display = new_context().new_page()
    display.goto(server + "/display/?display=tang2")
    expect(display.locator(".center-name")).to_contain_text("Màn hình tầng 2")
    expect(display.locator(".waiting-item")).to_have_count(
        3
    )  # N, and P and S: what 14 and 15 serve
