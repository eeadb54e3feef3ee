"""The screen over a counter, and the rating tablet's two faces, in Chromium against the server.

The screen is a 1920x1080 page; the clerk, the kiosk and the admin are driven over the API
(other PCs in the hall). It shows the counter closed, then open with the clerk's name, a call
(blinking, or steady amber for a screen that asks for less motion), the service, pause and
close; it is whole again after its socket drops; an address without a counter says how to set
it. The tablet shows the same face until its counter finishes a ticket, asks, and comes back.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.helpers.devices import VIOLATIONS, Clerk, issue_ticket, pair_shown_code, shot, staff_api

SOCKET = re.compile(r".*/socket\.io/.*")
FULL_HD = {"width": 1920, "height": 1080}
CLERK_NAME = "Nguyễn Thị Lan"
CALL_AMBER = "rgb(255, 213, 74)"


def name_clerk(new_context: Any, server: str, username: str, name: str | None) -> None:
    """An admin gives the clerk the name shown over the counter (the admin page's API)."""
    from tests.helpers.devices import ADMIN

    request, csrf = staff_api(new_context, server, ADMIN)
    answer = request.put(
        f"{server}/api/admin/users/{username}/name", data={"display_name": name}, headers=csrf
    )
    assert answer.status == 200, answer.text()


class Link:
    """The screen's websockets, relayed to the server; `down` refuses new ones (a cut cable)."""

    def __init__(self) -> None:
        self.sockets: list[WebSocketRoute] = []
        self.down = False

    def relay(self, socket: WebSocketRoute) -> None:
        if self.down:
            socket.close()
            return
        socket.connect_to_server()
        self.sockets.append(socket)


def open_screen(new_context: Any, server: str, number: int, **options: Any) -> tuple[Page, Link]:
    """The screen over a counter, connected; answers it and its link, which a test may cut."""
    page: Page = new_context(**options).new_page()
    page.set_viewport_size(FULL_HD)
    page.add_init_script(VIOLATIONS)
    link = Link()

    page.route_web_socket(SOCKET, link.relay)
    page.clock.install()
    page.goto(f"{server}/counter/screen?counter={number}")
    expect(page.locator("#counter-face")).to_have_attribute("data-connected", "true")
    return page, link


def test_the_screen_shows_the_counter_its_call_the_clerk_and_its_states(
    new_context: Any, server: str
) -> None:
    name_clerk(new_context, server, "clerk1", CLERK_NAME)
    screen, _ = open_screen(new_context, server, 1)
    face = screen.locator("#counter-face")
    expect(face).to_have_attribute("data-state", "closed")
    expect(screen.locator(".face-counter-number")).to_have_text("1")
    expect(screen.locator("#face-status")).to_have_text("Quầy đã đóng")
    expect(screen.locator(".face-service-item")).to_have_text(
        ["Hộ tịch", "Chứng thực bản sao, chữ ký, hợp đồng"]
    )
    expect(screen.locator("#face-clerk")).to_be_hidden()

    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk1", 1)  # serves A, then B
    try:
        expect(face).to_have_attribute("data-state", "open")
        expect(screen.locator("#face-status")).to_have_text("Sẵn sàng phục vụ")
        expect(screen.locator("#face-clerk")).to_have_text(f"Cán bộ: {CLERK_NAME}")
        shot(screen, "counter-screen-idle")

        label = issue_ticket(kiosk, server, "B")
        assert clerk.post("next")["ticket"]["label"] == label
        expect(screen.locator("#face-label")).to_have_text(label)
        expect(face).to_have_attribute("data-state", "called")
        expect(face).to_have_attribute("data-blink", "true")
        expect(screen.locator("#face-caption")).to_have_text("Xin mời số")
        expect(screen.locator("#face-service")).to_have_text("Chứng thực bản sao, chữ ký, hợp đồng")
        expect(screen.locator("#face-clerk")).to_have_text(f"Cán bộ: {CLERK_NAME}")
        assert animation(screen) == "face-blink"
        shot(screen, "counter-screen-call")
        # the number is large enough for five metres: over a third of a 1080-line screen
        assert screen.locator("#face-label").bounding_box()["height"] > 300  # type: ignore[index]
        screen.clock.fast_forward("00:07")
        expect(face).to_have_attribute("data-blink", "false")

        clerk.post("recall")  # a recall is a call: it blinks again
        expect(face).to_have_attribute("data-blink", "true")
        clerk.post("start")
        expect(face).to_have_attribute("data-state", "serving")
        expect(screen.locator("#face-caption")).to_have_text("Đang phục vụ số")
        expect(screen.locator("#face-label")).to_have_text(label)
        shot(screen, "counter-screen-serving")
        clerk.post("finish")
        expect(face).to_have_attribute("data-state", "open")
        expect(screen.locator("#face-serving")).to_be_hidden()

        answer = clerk.request.post(
            f"{clerk.url}/pause", data={"reason": "Họp giao ban khẩn"}, headers=clerk.csrf
        )
        assert answer.status == 200, answer.text()
        expect(face).to_have_attribute("data-state", "paused")
        expect(screen.locator("#face-status")).to_have_text("Tạm dừng phục vụ")
        expect(screen.locator("body")).not_to_contain_text("Họp giao ban")  # the reason is staff's
        expect(screen.locator("body")).not_to_contain_text("clerk1")  # never the username
    finally:
        clerk.leave()
    expect(face).to_have_attribute("data-state", "closed")
    expect(screen.locator("#face-clerk")).to_be_hidden()
    assert screen.evaluate("window.cspViolations") == []


def animation(page: Page) -> str:
    return str(
        page.evaluate("getComputedStyle(document.querySelector('.face-main')).animationName")
    )


def test_a_screen_asking_for_less_motion_holds_a_call_steady(new_context: Any, server: str) -> None:
    screen, _ = open_screen(new_context, server, 2, reduced_motion="reduce")
    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk2", 2)  # serves A
    try:
        label = issue_ticket(kiosk, server, "A")
        clerk.post("next")
        expect(screen.locator("#face-label")).to_have_text(label)
        face = screen.locator("#counter-face")
        expect(face).to_have_attribute("data-blink", "true")
        assert animation(screen) == "none"
        expect(screen.locator(".face-main")).to_have_css("background-color", CALL_AMBER)
        screen.clock.fast_forward("00:07")
        expect(face).to_have_attribute("data-blink", "false")
        expect(screen.locator(".face-main")).not_to_have_css("background-color", CALL_AMBER)
    finally:
        clerk.leave()


def test_a_screen_whose_link_dropped_is_whole_again_when_it_reconnects(
    new_context: Any, server: str
) -> None:
    screen, link = open_screen(new_context, server, 4)
    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk3", 4)  # serves C, then A
    try:
        expect(screen.locator("#counter-face")).to_have_attribute("data-state", "open")
        link.down = True
        link.sockets[-1].close()
        expect(screen.locator("#face-offline")).to_be_visible()
        expect(screen.locator("#face-offline")).to_have_text("Mất kết nối — đang kết nối lại…")
        label = issue_ticket(kiosk, server, "C")
        clerk.post("next")  # called while the screen hears nothing
        clerk.post("start")
        expect(screen.locator("#face-label")).not_to_have_text(label)

        link.down = False
        screen.clock.fast_forward("00:06")  # the client's next attempt (at most 5 s apart)
        expect(screen.locator("#face-offline")).to_be_hidden(timeout=15_000)
        expect(screen.locator("#face-label")).to_have_text(label)
        expect(screen.locator("#counter-face")).to_have_attribute("data-state", "serving")
    finally:
        clerk.leave()


def test_a_screen_without_a_counter_says_how_to_write_its_address(
    new_context: Any, server: str
) -> None:
    page: Page = new_context().new_page()
    answer = page.goto(f"{server}/counter/screen")
    assert answer is not None and answer.status == 400
    expect(page.locator(".setup-title")).to_have_text("Màn hình này đặt ở quầy nào?")
    expect(page.locator(".setup-example")).to_have_text(f"{server}/counter/screen?counter=1")
    answer = page.goto(f"{server}/counter/screen?counter=99")
    assert answer is not None and answer.status == 404
    expect(page.locator(".setup-problem")).to_have_text("Trung tâm không có quầy “99”.")
    page.get_by_role("link", name="Quầy 6", exact=True).click()
    expect(page.locator(".face-counter-number")).to_have_text("6")
    expect(page.locator("#counter-face")).to_have_attribute("data-connected", "true")


def test_the_rating_tablet_shows_the_counter_until_it_asks_and_after(
    new_context: Any, server: str
) -> None:
    tablet: Page = new_context().new_page()
    tablet.add_init_script(VIOLATIONS)
    tablet.goto(f"{server}/counter/rating?counter=6")
    pair_shown_code(new_context, server, tablet, "tablet", 6)  # only a paired tablet may ask
    expect(tablet.locator("body")).to_have_attribute("data-connected", "true")
    face = tablet.locator("#counter-face")
    expect(face).to_have_attribute("data-connected", "true")
    expect(tablet.locator(".face-counter-number")).to_have_text("6")
    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk4", 6)  # serves D, then E
    try:
        label = issue_ticket(kiosk, server, "D")
        clerk.post("next")
        expect(tablet.locator("#face-label")).to_have_text(label)
        expect(face).to_be_visible()
        shot(tablet, "rating-tablet-counter-face")

        clerk.post("finish")  # the asking face
        expect(tablet.locator("#ask-screen")).to_be_visible()
        expect(face).to_be_hidden()
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {label}")
        tablet.get_by_role("button", name="Hài lòng", exact=True).click()
        tablet.get_by_role("button", name="Gửi", exact=True).click()
        expect(tablet.locator(".thanks-title")).to_be_visible()

        expect(face).to_be_visible(timeout=10_000)  # back to the counter, idle now
        expect(face).to_have_attribute("data-state", "open")
        expect(tablet.locator("#face-status")).to_have_text("Sẵn sàng phục vụ")
        assert tablet.evaluate("window.cspViolations") == []
    finally:
        clerk.leave()


def test_a_name_given_on_the_admin_page_shows_over_the_counter_at_once(
    new_context: Any, server: str
) -> None:
    from tests.helpers.devices import sign_in_admin

    screen, _ = open_screen(new_context, server, 9)
    clerk = Clerk(new_context, server, "clerk2", 9)  # serves G
    try:
        expect(screen.locator("#counter-face")).to_have_attribute("data-state", "open")
        expect(screen.locator("#face-clerk")).to_be_hidden()  # no name given yet
        admin: Page = new_context().new_page()
        admin.goto(f"{server}/admin/users?lang=vi")
        sign_in_admin(admin)
        admin.locator('tr[data-username="clerk2"]').get_by_role(
            "button", name="Đổi tên hiển thị"
        ).click()
        dialog = admin.locator("#name-dialog")
        dialog.get_by_label("Tên hiển thị trên màn hình quầy").fill("Võ Thị Mai")
        dialog.get_by_role("button", name="Lưu").click()
        expect(admin.locator('tr[data-username="clerk2"]')).to_contain_text("Võ Thị Mai")
        expect(screen.locator("#face-clerk")).to_have_text("Cán bộ: Võ Thị Mai")
    finally:
        clerk.leave()
