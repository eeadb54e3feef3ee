"""Ratings that count, in Chromium against the real server (the demo center: three levels, and
a dossier pattern): the tablet's reason chips after a low score, the visitor's phone rating its
finished ticket once, the low rating on the supervisor's monitor at once and on the reports
page with its dossier, and a visitor back for a dossier's result getting a ticket at the kiosk.

The clerk and the kiosk's tickets go over the API (other PCs in the hall).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_floor_supervision import open_monitor
from tests.browser.test_rating_tablet import open_tablet
from tests.helpers.devices import VIOLATIONS, open_kiosk, shot, staff_api

DOSSIER = "000.00.12.H13-261205-0001"
LEVELS = ("Rất hài lòng", "Hài lòng", "Không hài lòng")
REASONS = ("Chờ quá lâu", "Thái độ cán bộ", "Hướng dẫn hồ sơ chưa rõ", "Phải đi lại nhiều lần")


class Desk:
    """A clerk's counter driven over the API: open, serve a visitor of a service, finish."""

    def __init__(self, new_context: Any, server: str, clerk: str, number: int) -> None:
        self.request, self.csrf = staff_api(new_context, server, clerk)
        self.kiosk = new_context().request
        self.server, self.url = server, f"{server}/api/counters/{number}"
        assert self.post("open").status == 200

    def post(self, action: str, body: dict[str, Any] | None = None) -> Any:
        return self.request.post(f"{self.url}/{action}", headers=self.csrf, data=body or {})

    def serve(self, service: str, dossier: str | None = None) -> dict[str, Any]:
        """A visitor takes a ticket and is served; answers the issued ticket and the finish."""
        issued = self.kiosk.post(self.server + "/api/tickets", data={"service": service}).json()
        assert self.post("next").json()["ticket"]["label"] == issued["label"]
        finished = self.post("finish", {"dossier": dossier} if dossier else {})
        assert finished.status == 200, finished.text()
        return {**issued, "finished": finished.json()["ticket"]}

    def leave(self) -> None:
        self.post("finish")
        self.post("close")


def test_a_low_score_on_the_tablet_asks_why_with_chips_that_toggle(
    new_context: Any, server: str
) -> None:
    tablet, _ = open_tablet(new_context, server, 5)
    desk = Desk(new_context, server, "clerk1", 5)
    try:
        ticket = desk.serve("D", DOSSIER)
        assert ticket["finished"]["dossier"] == DOSSIER
        expect(tablet.locator("#ask-screen")).to_be_visible()
        expect(tablet.locator(".score")).to_have_count(3)
        for words in LEVELS:
            expect(tablet.get_by_role("button", name=words, exact=True)).to_be_visible()

        tablet.get_by_role("button", name="Hài lòng", exact=True).click()  # not low: no chips
        expect(tablet.locator("#comment-screen")).to_be_visible()
        expect(tablet.locator("#reasons")).to_be_hidden()
        tablet.get_by_role("button", name="Chọn lại").click()
        tablet.get_by_role("button", name="Không hài lòng", exact=True).click()
        expect(tablet.locator("#reasons")).to_be_visible()
        expect(tablet.locator("#reasons legend")).to_have_text(
            "Quý khách chưa hài lòng về điều gì? Chạm vào các ý phù hợp"
        )
        expect(tablet.locator(".reason")).to_have_count(5)
        waited = tablet.get_by_role("button", name="Chờ quá lâu")
        attitude = tablet.get_by_role("button", name="Thái độ cán bộ")
        waited.click()
        attitude.click()
        attitude.click()  # a second touch takes it back
        expect(waited).to_have_attribute("aria-pressed", "true")
        expect(attitude).to_have_attribute("aria-pressed", "false")
        tablet.get_by_role("button", name="Phải đi lại nhiều lần").click()
        tablet.locator("#comment").fill("Chờ gần một tiếng.")
        shot(tablet, "rating-tablet-reasons")
        with tablet.expect_request(re.compile(r".*/api/ratings$")) as sent:
            tablet.get_by_role("button", name="Gửi", exact=True).click()
        assert sent.value.post_data_json == {
            "ticket": ticket["id"],
            "score": 1,
            "reasons": ["waited_too_long", "asked_to_come_back"],
            "comment": "Chờ gần một tiếng.",
        }
        assert tablet.evaluate("window.cspViolations") == []
    finally:
        desk.leave()


def open_phone(new_context: Any, server: str, track_url: str) -> Page:
    phone: Page = new_context(has_touch=True).new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.add_init_script(VIOLATIONS)
    phone.goto(server + track_url)
    return phone


def test_the_phone_rates_its_finished_ticket_once_and_the_monitor_and_report_see_it(
    new_context: Any, server: str
) -> None:
    monitor = open_monitor(new_context, server)
    desk = Desk(new_context, server, "clerk2", 6)
    try:
        issued = desk.kiosk.post(server + "/api/tickets", data={"service": "E"}).json()
        phone = open_phone(new_context, server, issued["track_url"])
        expect(phone.locator("#status")).to_have_attribute("data-status", "waiting")
        expect(phone.locator("#rate")).to_be_hidden()  # nothing to rate before the service
        assert desk.post("next").status == 200
        assert desk.post("finish", {"dossier": DOSSIER}).status == 200

        # the page follows the finish by itself, then asks
        expect(phone.locator("#status")).to_have_attribute("data-status", "done")
        expect(phone.locator("#rate")).to_be_visible()
        expect(phone.locator(".rate-score")).to_have_count(3)
        expect(phone.locator("#rate-send")).to_be_disabled()
        phone.get_by_role("button", name="Không hài lòng", exact=True).click()
        expect(phone.locator("#rate-reasons")).to_be_visible()
        phone.get_by_role("button", name="Phải đi lại nhiều lần").click()
        phone.locator("#rate-comment").fill("Lần thứ ba tôi phải quay lại.")
        shot(phone, "track-rating", full_page=True)
        with phone.expect_response(re.compile(r".*/api/ratings$")) as answered:
            phone.get_by_role("button", name="Gửi đánh giá").click()
        assert answered.value.status == 201
        rating = answered.value.json()
        assert (rating["score"], rating["scale"], rating["low"]) == (1, 3, True)
        assert (rating["reasons"], rating["dossier"]) == (["asked_to_come_back"], DOSSIER)
        expect(phone.locator("#rated")).to_have_text("Cảm ơn quý khách: đánh giá đã được ghi nhận.")
        expect(phone.locator("#rate")).to_be_hidden()

        # the supervisor's monitor shows it at once, with why and the dossier
        low = monitor.locator(f'#low-ratings li[data-ticket="{issued["id"]}"]')
        expect(low).to_contain_text(issued["label"])
        expect(low).to_contain_text("Không hài lòng")
        expect(low).to_contain_text("Phải đi lại nhiều lần")
        expect(low).to_contain_text("Lần thứ ba tôi phải quay lại.")
        expect(low).to_contain_text(f"hồ sơ {DOSSIER}")
        expect(monitor.locator("#low-box")).to_have_attribute("data-alert", "true")
        shot(monitor, "monitor-low-rating", full_page=True)

        # once: the page says so after a reload, and the API refuses a second answer
        phone.reload()
        expect(phone.locator("#rated")).to_be_visible()
        expect(phone.locator("#rate")).to_be_hidden()
        token = issued["track_url"].removeprefix("/t/")
        again = desk.kiosk.post(server + "/api/ratings", data={"token": token, "score": 3})
        assert (again.status, again.json()["error"]) == (409, "already_rated")
        assert phone.evaluate("window.cspViolations") == []

        # the reports page lists it with the clerk, the comment and the dossier
        monitor.goto(server + "/admin/reports")
        said = monitor.locator(f'#report-said tr[data-ticket="{issued["id"]}"]')
        expect(said).to_contain_text("clerk2")
        expect(said).to_contain_text("Lần thứ ba tôi phải quay lại.")
        expect(said).to_contain_text(DOSSIER)
        expect(said).to_have_attribute("data-alert", "true")
    finally:
        desk.leave()


def test_a_visitor_back_for_a_result_scans_the_receipt_at_the_kiosk(
    new_context: Any, server: str
) -> None:
    desk = Desk(new_context, server, "clerk3", 7)  # serves E, then D
    code = "000.00.12.H13-261205-0042"
    try:
        served = desk.serve("E", code)
        kiosk = open_kiosk(new_context, server)
        # a keyboard-wedge scanner types the receipt's code and Enter, on the start screen
        with kiosk.expect_response(re.compile(r".*/api/tickets/dossier$")) as answered:
            kiosk.keyboard.type(code + "\n", delay=5)
        assert answered.value.status == 201
        ticket = answered.value.json()
        assert (ticket["service"], ticket["dossier"]) == ("E", code)
        assert ticket["label"] != served["label"]
        expect(kiosk.locator("#ticket-label")).to_have_text(ticket["label"])

        # by hand: the button, the code typed, and a code nobody received is said in words
        kiosk.locator("[data-action=home]").tap()
        kiosk.get_by_role("button", name="Nhận kết quả hồ sơ").tap()
        expect(kiosk.locator("[data-screen=dossier]")).to_be_visible()
        kiosk.locator("#dossier-code").fill("000.00.12.H13-261205-9999")
        kiosk.get_by_role("button", name="Lấy số").click()
        expect(kiosk.locator("#dossier-message")).to_have_text(
            "Không tìm thấy hồ sơ có mã này tại trung tâm. Quý khách vui lòng kiểm tra giấy"
            " tiếp nhận, hoặc hỏi cán bộ tại quầy hướng dẫn."
        )
        kiosk.locator("#dossier-code").fill(code)
        with kiosk.expect_response(re.compile(r".*/api/tickets/dossier$")) as again:
            kiosk.get_by_role("button", name="Lấy số").click()
        assert again.value.status == 201
        expect(kiosk.locator("#ticket-label")).to_have_text(again.value.json()["label"])
    finally:
        desk.leave()


def test_the_clerk_scans_the_receipt_at_the_finish_and_its_code_reaches_the_rating(
    new_context: Any, server: str
) -> None:
    from tests.browser.test_floor_supervision import open_counter

    terminal = open_counter(new_context, server, "clerk4", 8)  # serves M
    kiosk = new_context().request
    issued = kiosk.post(server + "/api/tickets", data={"service": "M"}).json()
    terminal.keyboard.press("n")  # call next, from the keyboard as a clerk works
    expect(terminal.locator("#ticket-label")).to_have_text(issued["label"])
    expect(terminal.locator("#dossier-form")).to_be_visible()

    # a code that is not this center's: said in words, and the ticket stays in hand
    terminal.keyboard.press("d")
    expect(terminal.locator("#dossier-input")).to_be_focused()
    terminal.keyboard.type("HS-2026-1\n", delay=5)  # the reader types fast and ends with Enter
    expect(terminal.locator("#message")).to_contain_text("Mã hồ sơ không đúng mẫu")
    expect(terminal.locator("#ticket-label")).to_have_text(issued["label"])

    terminal.locator("#dossier-input").fill("")
    terminal.locator("#dossier-input").focus()
    with terminal.expect_response(re.compile(r".*/finish$")) as finished:
        terminal.keyboard.type(DOSSIER + "\n", delay=5)
    assert finished.value.status == 200
    assert finished.value.json()["ticket"]["dossier"] == DOSSIER
    expect(terminal.locator("#dossier-form")).to_be_hidden()

    token = issued["track_url"].removeprefix("/t/")
    rated = kiosk.post(server + "/api/ratings", data={"token": token, "score": 3}).json()
    assert (rated["dossier"], rated["level"]) == (DOSSIER, "very_satisfied")
