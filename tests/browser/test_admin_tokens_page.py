"""The integration tokens page in Chromium against the real server: an admin makes a token, sees
its secret once, a program uses it over HTTP, the admin revokes it and the program is refused.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.helpers.devices import admin_ready, shot, sign_in_admin

NAME = "call-button-1"


def open_tokens_page(new_context: Any, server: str) -> Page:
    """Sign in as the admin right on the tokens page (it shows the sign-in form until then)."""
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page: Page = context.new_page()
    page.goto(server + "/admin/tokens?lang=vi")
    sign_in_admin(page)
    expect(page.locator("h1")).to_have_text("Mã truy cập tích hợp")
    return page


def make_token(page: Page, name: str) -> None:
    page.locator(".page-head").get_by_role("button", name="Tạo mã truy cập").click()
    dialog = page.locator("#token-dialog")
    dialog.get_by_label("Tên", exact=True).fill(name)
    dialog.get_by_label("Vai trò").select_option("clerk")
    dialog.get_by_role("button", name="Tạo mã", exact=True).click()


def test_an_admin_makes_a_token_sees_it_once_and_revokes_it(new_context: Any, server: str) -> None:
    page = open_tokens_page(new_context, server)
    program = new_context().request  # another device: no session, the token alone
    expect(page.locator("#token-table .empty")).to_have_text(
        "Chưa có mã truy cập nào: chỉ cán bộ đã đăng nhập mới dùng được hệ thống."
    )

    make_token(page, NAME)
    made = page.locator("#token-made-dialog")
    expect(made.locator("h2")).to_have_text(f"Đã tạo mã truy cập {NAME}")
    expect(made.get_by_role("alert")).to_contain_text("mã sẽ không được hiển thị lại")
    secret = page.locator("#token-secret").input_value()
    assert len(secret) >= 40
    expect(page.locator("#token-example")).to_have_value(
        f'curl -H "Authorization: Bearer {secret}" {server}/api/counters'
    )
    made.get_by_role("button", name="Sao chép").first.click()
    expect(page.locator("#token-copied")).to_have_text("Đã sao chép.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    shot(page, "admin-tokens-made", full_page=True)

    counters = program.get(server + "/api/counters", headers=bearer(secret))
    assert counters.status == 200 and counters.json()[0]["number"] == 1
    assert program.get(server + "/api/admin/tokens", headers=bearer(secret)).status == 403

    made.get_by_role("button", name="Tôi đã sao chép mã").click()
    expect(page.locator("#toast")).to_have_text("Đã lưu.")
    admin_ready(page)
    row = page.locator(f'tr[data-name="{NAME}"]')
    expect(row.locator(".role-chip")).to_have_text("Cán bộ")
    assert secret not in page.content()

    make_token(page, NAME)  # the same name again: refused in words, in the dialog
    expect(page.locator("#token-dialog .form-error")).to_have_text(
        "Đã có mã truy cập mang tên này. Hãy chọn tên khác, hoặc thu hồi mã cũ trước."
    )
    page.locator("#token-dialog").get_by_role("button", name="Hủy").click()

    row.get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#confirm-title")).to_have_text(f"Thu hồi mã truy cập {NAME}?")
    shot(page, "admin-tokens-revoke", full_page=True)
    page.locator("#confirm-dialog").get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#toast")).to_have_text("Đã xóa.")
    expect(row).to_have_count(0)

    refused = program.get(server + "/api/counters", headers=bearer(secret))
    assert (refused.status, refused.json()["error"]) == (401, "unauthorized")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
