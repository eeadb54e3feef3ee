"""The suggestion box in a browser: a visitor goes from the track page of their ticket to the form
on a phone-sized screen, sends a complaint and gets its code; a supervisor answers it on the
admin page; the visitor's follow page then shows the answer, never the contact. And the kiosk's
first screen leads to the form and back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.devices import VIOLATIONS, admin_ready, open_kiosk, shot, sign_in_admin

PHONE = {"width": 390, "height": 844}
CONTACT = "0912 345 678"
TEXT = "<script>alert('x')</script> Chờ lâu ở quầy 1"
REPLY = "Xin lỗi quý công dân; Trung tâm đã mở thêm <b>quầy 2</b>."
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


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


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_complaint_from_the_phone_is_answered_and_the_answer_shows_without_the_contact(
    server: str, browser: Any, phone: tuple[Page, list[str]]
) -> None:
    page, errors = phone
    ticket = page.request.post(server + "/api/tickets", data={"service": "A"}).json()
    page.goto(server + ticket["track_url"])
    page.get_by_role("link", name="Góp ý, phản ánh về lần làm thủ tục này").tap()

    expect(page.locator("h1")).to_have_text("Góp ý, phản ánh")
    expect(page.locator("#tied")).to_contain_text(ticket["label"])
    fits(page)
    page.locator("#send").tap()  # nothing chosen yet: the page says what is missing
    expect(page.locator("#error")).to_have_text("Vui lòng chọn: góp ý, phản ánh hoặc khen ngợi.")
    page.get_by_label("Phản ánh, kiến nghị").check()
    page.locator("#text").fill(TEXT)
    expect(page.locator("#text-count")).to_have_text(f"{len(TEXT)} / 2000 ký tự")
    page.locator("#contact").fill(CONTACT)
    fits(page)
    shot(page, "feedback-form", full_page=True)
    page.locator("#send").tap()

    code = page.locator("#done-code")
    expect(code).to_have_text(CODE)
    feedback = code.inner_text().replace("-", "")
    fits(page)
    shot(page, "feedback-sent")
    page.locator("#done-link").tap()
    expect(page.locator("#status")).to_have_text("Đã tiếp nhận")
    expect(page.locator("#reply")).to_contain_text("Chưa có trả lời")
    fits(page)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    supervisor = context.new_page()
    supervisor.goto(server + "/admin/feedback?lang=vi")
    sign_in_admin(supervisor, "boss")
    item = supervisor.locator(f"#feedback-{feedback}")
    expect(item.locator(".feedback-text")).to_have_text(TEXT)  # shown as text, not run
    expect(item.locator(".feedback-contact")).to_have_text(CONTACT)
    item.locator("summary").click()
    expect(item.locator(".ticket-history li").first).to_contain_text("lấy số")
    item.locator("textarea[name=reply]").fill(REPLY)
    item.locator("select[name=status]").select_option("answered")
    shot(supervisor, "feedback-supervisor", full_page=True)
    item.get_by_role("button", name="Lưu trả lời").click()
    expect(supervisor.locator("#toast")).to_be_visible()
    admin_ready(supervisor)
    expect(supervisor.locator(f"#feedback-{feedback}")).to_have_count(0)  # no longer new
    context.close()

    page.reload()
    expect(page.locator("#status")).to_have_text("Đã trả lời")
    expect(page.locator("#reply")).to_have_text(REPLY)  # the words as written, tags and all
    expect(page.locator("#reply b")).to_have_count(0)
    assert CONTACT not in page.content() and "quầy 1" not in page.content()
    shot(page, "feedback-answered")
    assert page.evaluate("window.cspViolations") == []
    assert errors == []


def test_the_kiosk_leads_to_the_form_and_back(server: str, new_context: Any) -> None:
    kiosk = open_kiosk(new_context, server)
    shot(kiosk, "feedback-kiosk-start")

    kiosk.get_by_role("link", name="Góp ý, phản ánh").tap()

    expect(kiosk.locator("h1")).to_have_text("Góp ý, phản ánh")
    expect(kiosk.get_by_role("img", name="Mã QR của trang góp ý này")).to_be_visible()
    shot(kiosk, "feedback-kiosk-form")
    kiosk.get_by_role("link", name="Quay lại lấy số").tap()
    expect(kiosk.locator(".department").first).to_be_visible()


def test_the_poster_prints_the_form_s_qr_code(server: str, new_context: Any) -> None:
    page = new_context().new_page()
    page.add_init_script(VIOLATIONS)
    page.goto(server + "/")
    page.get_by_role("link", name=re.compile("Hộp thư góp ý")).click()

    expect(page.locator("h1")).to_have_text("Góp ý, phản ánh, kiến nghị")
    # Waited for in one evaluation: a polled string predicate is evaluated as code, which the
    # page's Content-Security-Policy refuses.
    assert (
        page.locator(".qr").evaluate(
            "image => image.complete ? image.naturalWidth : new Promise(done =>"
            " image.addEventListener('load', () => done(image.naturalWidth)))"
        )
        > 0
    )
    expect(page.locator(".url")).to_have_text(server + "/feedback/")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="In áp phích")).to_be_hidden()
    assert page.evaluate("window.cspViolations") == []
