"""The visitor's side, in Chromium against the real server: the touch kiosk in portrait
(1080x1920) and the track page on a phone (390x844).

Each test uses its own services, so the module's one server serves them all in any order. The
closed cases run on a second server with a small center whose closures are deterministic: a
service with a daily quota of 3, one whose only opening is half a day away, and a kiosk whose
printer is unplugged.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from core.center import load_center
from db import connect, migrate
from harness.printers import closed_port
from harness.server import gunicorn
from tests.conftest import SMALL_CENTER
from tests.helpers.devices import choose, open_kiosk, shot, staff_api, take_ticket, waiting
from tests.helpers.paired import pair_in

PHONE = {"width": 390, "height": 844}
CALL_TIMEOUT_MS = 12_000  # the phone polls every 10 s; the hall's socket is usually faster


def expect_qr_of(page: Page, track_url: str) -> None:
    qr = page.locator("#ticket-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(re.escape(track_url.replace("/", "%2F")) + "$"))
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("image => image.naturalWidth") > 0


def test_visitor_taps_department_service_regular_and_gets_a_printed_ticket(
    new_context: Any, server: str, kiosk_k1: str
) -> None:
    page = open_kiosk(new_context, server, token=kiosk_k1)
    before = waiting(page.request, server, "A")
    expect(page.locator(".center-name")).to_have_text(
        "Trung tâm Phục vụ hành chính công thành phố Cần Thơ"
    )
    shot(page, "kiosk-1-departments")

    page.locator(".department", has_text="Sở Tư pháp").tap()
    expect(page.locator("#department-name")).to_have_text("Sở Tư pháp")
    expect(page.locator(".service")).to_have_count(3)
    shot(page, "kiosk-2-services")

    page.locator(".service", has_text="Hộ tịch").tap()
    expect(page.locator("#chosen-service")).to_contain_text("Hộ tịch")
    expect(page.locator(".priority")).to_have_count(4)  # regular + elderly, disabled, pregnant
    # What to bring, from the demo center's guide of Hộ tịch, before the ticket is taken.
    expect(page.locator("#chosen-guide")).to_be_visible()
    expect(page.locator("#chosen-guide")).to_contain_text("Bạn cần mang theo:")
    expect(page.locator("#guide-papers li")).to_have_count(3)
    expect(page.locator("#guide-facts")).to_contain_text("Lệ phí: Miễn phí khi đăng ký đúng hạn")
    shot(page, "kiosk-3-priority")

    ticket = take_ticket(page, "Lấy số thường")
    assert ticket["service"] == "A" and ticket["priority"] is None
    assert ticket["print"]["status"] == "printed"
    expect(page.locator("#ticket-service")).to_have_text("Hộ tịch")
    expect(page.locator("#ticket-priority")).to_be_hidden()
    expect(page.locator("#print-text")).to_have_text("Mời nhận phiếu bên dưới")
    expect(page.locator("#countdown")).to_contain_text("giây")
    expect_qr_of(page, ticket["track_url"])
    shot(page, "kiosk-4-ticket")
    assert waiting(page.request, server, "A") == before + 1

    page.locator("[data-screen=ticket] .done").tap()
    expect(page.locator("[data-screen=departments]")).to_be_visible()


def test_priority_visitor_gets_a_priority_ticket(new_context: Any, server: str) -> None:
    page = open_kiosk(new_context, server)
    choose(page, "Công an thành phố", "Căn cước, cư trú")
    ticket = take_ticket(page, "Người cao tuổi")
    assert ticket["priority"] == "elderly" and ticket["label"].startswith("N")
    expect(page.locator("#ticket-priority")).to_have_text("Ưu tiên: Người cao tuổi")
    shot(page, "kiosk-5-priority-ticket")


def test_paperless_visitor_gets_the_ticket_on_screen_only(
    new_context: Any, server: str, kiosk_k1: str
) -> None:
    page = open_kiosk(new_context, server, token=kiosk_k1)
    choose(page, "Sở Tài chính", "Đăng ký doanh nghiệp")
    switch = page.locator("#paperless")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.tap()
    expect(switch).to_have_attribute("aria-checked", "true")
    shot(page, "kiosk-6-paperless-choice")
    with page.expect_request(re.compile(r"/api/tickets$")) as request:
        ticket = take_ticket(page, "Lấy số thường")
    assert request.value.post_data_json["paper"] is False
    assert ticket["print"]["status"] == "skipped"
    expect(page.locator("#print-text")).to_have_text(
        "Số điện tử — vui lòng chụp ảnh màn hình hoặc quét mã QR"
    )
    expect_qr_of(page, ticket["track_url"])
    shot(page, "kiosk-7-paperless-ticket")


def test_a_double_tap_issues_one_ticket(new_context: Any, server: str) -> None:
    page = open_kiosk(new_context, server)
    before = waiting(page.request, server, "E")
    issued: list[str] = []
    page.on("request", lambda request: request.method == "POST" and issued.append(request.url))
    choose(page, "Sở Tài chính", "Đầu tư, ngân sách")
    with page.expect_response(re.compile(r"/api/tickets$")):
        page.locator(".priority-regular").dblclick()
    expect(page.locator("#ticket-label")).to_have_text(re.compile(r"^E\d{3}$"))
    expect(page.locator("[data-screen=ticket]")).to_be_visible()  # the 2nd tap did not leave it
    assert len(issued) == 1
    assert waiting(page.request, server, "E") == before + 1


def test_waiting_counts_follow_tickets_issued_elsewhere(new_context: Any, server: str) -> None:
    page = open_kiosk(new_context, server)
    department = page.locator(".department", has_text="Sở Xây dựng")
    expect(department).to_contain_text("Chưa có người chờ")
    for expected in ("1 người đang chờ", "2 người đang chờ"):
        answer = page.request.post(server + "/api/tickets", data={"service": "M", "kiosk": "k2"})
        assert answer.status == 201
        expect(department).to_contain_text(expected)  # pushed over /kiosk, no reload
    department.tap()
    expect(page.locator(".service", has_text="Cấp phép xây dựng")).to_contain_text(
        re.compile(r"2 người đang chờ\s*Chờ khoảng \d+–\d+ phút")
    )


def test_english_visitor_leaves_the_kiosk_in_vietnamese(
    new_context: Any, server: str, kiosk_k1: str
) -> None:
    page = open_kiosk(new_context, server, token=kiosk_k1)
    page.locator(".language", has_text="English").tap()
    expect(page.locator(".prompt").first).to_have_text(re.compile("Choose a department"))
    choose(page, "Department of Agriculture and Environment", "Land registration")
    take_ticket(page, "Regular ticket")
    expect(page.locator("#print-text")).to_have_text("Please take your ticket below")
    expect(page.locator("#ticket-service")).to_have_text("Land registration")
    shot(page, "kiosk-8-english-ticket")
    page.locator("[data-screen=ticket] .done").tap()
    expect(page.locator(".prompt").first).to_have_text(re.compile("Chọn cơ quan, lĩnh vực"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_track_page_shows_the_wait_then_the_call_to_the_counter(
    new_context: Any, server: str
) -> None:
    phone = new_context(is_mobile=True, has_touch=True, device_scale_factor=2)
    ticket = phone.request.post(server + "/api/tickets", data={"service": "K", "paper": False})
    assert ticket.status == 201
    label, track_url = ticket.json()["label"], ticket.json()["track_url"]
    page = phone.new_page()
    page.set_viewport_size(PHONE)
    page.goto(server + track_url)
    expect(page.locator("#label")).to_have_text(label)
    expect(page.locator("#service")).to_have_text("Lao động, việc làm, người có công")
    expect(page.locator("#status")).to_have_attribute("data-status", "waiting")
    expect(page.locator("#status-main")).to_have_text(
        re.compile(r"Còn \d+ người trước bạn|Bạn là người tiếp theo")
    )
    expect(page.locator("#status-detail")).to_have_text(
        re.compile(r"Dự kiến được gọi: \d\d:\d\d – \d\d:\d\d")  # the window, as the queue stands
    )
    shot(page, "track-1-waiting")

    clerk, headers = staff_api(new_context, server, "clerk4")
    assert clerk.post(server + "/api/counters/12/open", headers=headers, data={}).status == 200
    called = clerk.post(server + "/api/counters/12/call", headers=headers, data={"label": label})
    assert called.status == 200, called.text()
    expect(page.locator("#status")).to_have_attribute(
        "data-status", "called", timeout=CALL_TIMEOUT_MS
    )
    expect(page.locator("#status-title")).to_have_text("Đến lượt bạn! Mời đến")
    expect(page.locator("#status-main")).to_have_text("Quầy số 12")
    expect(page).to_have_title(f"{label}: mời đến quầy số 12")
    shot(page, "track-2-called")

    assert clerk.post(server + "/api/counters/12/finish", headers=headers, data={}).status == 200
    expect(page.locator("#status")).to_have_attribute(
        "data-status", "done", timeout=CALL_TIMEOUT_MS
    )
    expect(page.locator("#status-main")).to_have_text(
        "Hồ sơ của bạn đã được tiếp nhận xong. Xin cảm ơn!"
    )
    shot(page, "track-3-done")


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SMALL_CENTER (B: 3 tickets a day) with D open only half a day from now, and kiosk kx
    whose printer is a network printer nobody listens for."""
    center = copy.deepcopy(SMALL_CENTER)
    opening = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).hour + 12) % 24
    for service in center["services"]:
        if service["code"] == "D":
            service["hours"] = [f"{opening:02d}:00-{opening:02d}:30"]
    folder = tmp_path_factory.mktemp("small-center")
    with closed_port() as printer_port:
        center["kiosks"] = [{"id": "kx", "printer": f"tcp://127.0.0.1:{printer_port}"}]
        database = connect(folder / "qms.db")
        migrate(database)
        load_center(database, center)
        database.conn.close()
        KX_TOKENS.append(pair_in(folder / "qms.db", "kiosk", "kx"))
        with gunicorn(folder / "qms.db", folder / "gunicorn.log") as base:
            yield base


KX_TOKENS: list[str] = []  # the small server's kiosk kx, paired


def test_quota_reached_while_choosing_is_said_plainly_and_greys_the_service(
    new_context: Any, small_server: str
) -> None:
    page = open_kiosk(new_context, small_server, "kiosk=kx")
    for _ in range(2):
        assert page.request.post(small_server + "/api/tickets", data={"service": "B"}).ok
    choose(page, "Sở Tư pháp", "Chứng thực")
    assert page.request.post(small_server + "/api/tickets", data={"service": "B"}).ok  # the 3rd

    page.locator(".priority-regular").tap()
    expect(page.locator("#error-title")).to_have_text("Thủ tục này đã hết số hôm nay")
    expect(page.locator("#error-text")).to_contain_text("ngày làm việc tiếp theo")
    shot(page, "kiosk-9-error-quota")

    expect(page.locator("#error-retry")).to_be_hidden()
    page.locator("#error-back").tap()
    closed = page.locator(".service", has_text="Chứng thực")
    expect(closed).to_be_disabled()
    expect(closed).to_contain_text("Đã hết số hôm nay")
    expect(page.locator(".service", has_text="Hộ tịch")).to_be_enabled()
    closed.click(force=True)  # a tap on a closed service goes nowhere
    expect(page.locator("[data-screen=services]")).to_be_visible()
    shot(page, "kiosk-10-closed-quota")


def test_service_outside_its_hours_is_greyed_with_its_hours(
    new_context: Any, small_server: str
) -> None:
    page = open_kiosk(new_context, small_server)
    department = page.locator(".department", has_text="Sở Tài chính")
    expect(department).to_contain_text("Hiện không nhận hồ sơ")
    department.tap()
    closed = page.locator(".service", has_text="Doanh nghiệp")
    expect(closed).to_be_disabled()
    expect(closed).to_contain_text("Ngoài giờ nhận hồ sơ")
    expect(closed).to_contain_text(re.compile(r"Giờ nhận hồ sơ: \d\d:00–\d\d:30"))
    shot(page, "kiosk-11-closed-hours")


def test_printer_failure_shows_the_ticket_to_photograph(
    new_context: Any, small_server: str
) -> None:
    page = open_kiosk(new_context, small_server, "kiosk=kx", token=KX_TOKENS[-1])
    choose(page, "Sở Tư pháp", "Hộ tịch")
    ticket = take_ticket(page, "Lấy số thường")
    assert ticket["print"]["status"] == "failed"
    expect(page.locator("#print-text")).to_have_text(
        "Máy in đang gặp sự cố — vui lòng chụp ảnh mã QR này"
    )
    expect_qr_of(page, ticket["track_url"])
    shot(page, "kiosk-12-printer-failed")
    page.locator("[data-screen=ticket] .done").tap()
    expect(page.locator("#printer-notice")).to_be_visible()


def test_network_down_is_said_plainly_with_a_way_back(new_context: Any, small_server: str) -> None:
    page = open_kiosk(new_context, small_server)
    choose(page, "Sở Tư pháp", "Hộ tịch")
    page.context.set_offline(True)
    page.locator(".priority-regular").tap()
    expect(page.locator("#error-title")).to_have_text("Chưa lấy được số")
    expect(page.locator("#error-back")).to_be_hidden()
    shot(page, "kiosk-13-error-network")
    page.context.set_offline(False)
    page.locator("#error-retry").tap()  # back to the same choice
    expect(page.locator("#chosen-service")).to_contain_text("Hộ tịch")
    take_ticket(page, "Lấy số thường")
    page.locator("[data-screen=ticket] .done").tap()
    expect(page.locator("[data-screen=departments]")).to_be_visible()
