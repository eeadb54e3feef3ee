"""Reordering in Chromium against the real server: an admin moves a department up, and a service
within its department, with the page's buttons; the kiosk, open all along, reloads and lists them
in the new places. Nothing the pages do breaks the Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import VIOLATIONS, admin_ready, sign_in_admin


def signed_in_admin(new_context: Any, server: str) -> Page:
    page: Page = new_context().new_page()
    page.add_init_script(VIOLATIONS)
    page.goto(server + "/admin/departments?lang=vi")
    return sign_in_admin(page)


def test_an_admin_moves_a_department_up_and_the_kiosk_lists_it_there(
    new_context: Any, server: str
) -> None:
    kiosk: Page = new_context().new_page()
    kiosk.goto(server + "/kiosk/?kiosk=k1")
    departments = kiosk.locator("#department-list .department")
    expect(departments.nth(0)).to_contain_text("Sở Tư pháp")
    expect(departments.nth(1)).to_contain_text("Sở Tài chính")
    admin = signed_in_admin(new_context, server)
    rows = admin.locator("tbody tr[data-code]")
    expect(admin.get_by_role("button", name="Chuyển lên: Sở Tư pháp", exact=True)).to_be_disabled()

    admin.get_by_role("button", name="Chuyển lên: Sở Tài chính", exact=True).click()

    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    expect(rows.nth(0)).to_have_attribute("data-code", "TC")
    expect(rows.nth(1)).to_have_attribute("data-code", "TP")
    # at the top now, its "up" is off: the focus stays on the row, on its "down"
    expect(
        admin.get_by_role("button", name="Chuyển lên: Sở Tài chính", exact=True)
    ).to_be_disabled()
    expect(
        admin.get_by_role("button", name="Chuyển xuống: Sở Tài chính", exact=True)
    ).to_be_focused()
    # the kiosk, idle on its first screen, reloaded itself on the `configuration` push
    expect(departments.nth(0)).to_contain_text("Sở Tài chính")
    expect(departments.nth(1)).to_contain_text("Sở Tư pháp")
    assert admin.evaluate("window.cspViolations") == []


def test_an_admin_moves_a_service_within_its_department_and_the_kiosk_follows(
    new_context: Any, server: str
) -> None:
    admin = signed_in_admin(new_context, server)
    admin.goto(server + "/admin/services?lang=vi")
    admin_ready(admin)
    justice = admin.locator('tbody[data-department="TP"] tr[data-code]')
    expect(justice).to_have_count(3)
    expect(
        admin.get_by_role("button", name="Chuyển xuống: C · Lý lịch tư pháp", exact=True)
    ).to_be_disabled()

    admin.get_by_role("button", name="Chuyển lên: C · Lý lịch tư pháp", exact=True).click()

    expect(admin.locator("#toast")).to_have_text("Đã lưu.")
    expect(justice.nth(1)).to_have_attribute("data-code", "C")
    expect(justice.nth(2)).to_have_attribute("data-code", "B")
    assert admin.evaluate("window.cspViolations") == []
    kiosk: Page = new_context().new_page()
    kiosk.goto(server + "/kiosk/?kiosk=k1")
    kiosk.locator(".department", has_text="Sở Tư pháp").click()
    services = kiosk.locator("#service-list .service")
    expect(services.nth(0)).to_have_attribute("data-code", "A")
    expect(services.nth(1)).to_have_attribute("data-code", "C")
    expect(services.nth(2)).to_have_attribute("data-code", "B")
