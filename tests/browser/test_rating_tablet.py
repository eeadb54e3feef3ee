"""The rating tablet facing the visitor at a counter, in Chromium against the real server.

One browser context for the tablet; the clerk and the kiosk are driven over the API (other PCs
in the hall). The tablet asks when its counter finishes a ticket, takes a face and a comment,
thanks, and goes back to idle; a question nobody touches goes away after a minute (Playwright's
clock jumps the minute), and the tablet says when its socket is down.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.helpers.devices import (
    VIOLATIONS,
    Clerk,
    device_token,
    issue_ticket,
    pair_shown_code,
    shot,
    shown_code,
)

SOCKET = re.compile(r".*/socket\.io/.*")
IDLE_AFTER_THANKS_MS = 10_000


def open_tablet(new_context: Any, server: str, number: int) -> tuple[Page, list[WebSocketRoute]]:
    """The tablet of a counter, paired by an admin and connected; answers it and its websockets,
    which a test may cut."""
    page: Page = new_context().new_page()
    page.add_init_script(VIOLATIONS)
    sockets: list[WebSocketRoute] = []

    def relay(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        sockets.append(socket)

    page.route_web_socket(SOCKET, relay)
    page.clock.install()
    page.goto(f"{server}/counter/rating?counter={number}")
    pair_shown_code(new_context, server, page, "tablet", number)
    expect(page.locator("body")).to_have_attribute("data-connected", "true")
    expect(page.locator("#idle-screen")).to_be_visible()
    return page, sockets


def served(clerk: Clerk, kiosk: Any, server: str, service: str) -> dict[str, Any]:
    """A visitor takes a ticket and the clerk calls and finishes it; answers the ticket."""
    label = issue_ticket(kiosk, server, service)
    assert clerk.post("next")["ticket"]["label"] == label
    return clerk.post("finish")["ticket"]


def rate_again(kiosk: Any, server: str, ticket_id: int, tablet: Page) -> tuple[int, str]:
    """Rate a ticket again with the tablet's own token (from another client)."""
    answer = kiosk.post(
        server + "/api/ratings",
        data={"ticket": ticket_id, "score": 1},
        headers={"X-Device-Token": device_token(tablet)},
    )
    return answer.status, answer.json().get("error", "")


def test_a_visitor_rates_the_service_with_a_face_and_a_comment(
    new_context: Any, server: str
) -> None:
    tablet, _ = open_tablet(new_context, server, 3)
    expect(tablet.locator(".face-counter-number")).to_have_text("3")  # the counter screen's face
    expect(tablet.locator("#offline")).to_be_hidden()
    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk1", 3)  # serves B, then C
    try:
        ticket = served(clerk, kiosk, server, "B")
        expect(tablet.locator("#ask-screen")).to_be_visible()
        expect(tablet.locator("#question")).to_have_text("Quý khách thấy sự phục vụ thế nào?")
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {ticket['label']}")
        # the demo center rates on the three levels Vietnamese centers publish
        for words in ("Rất hài lòng", "Hài lòng", "Không hài lòng"):
            expect(tablet.get_by_role("button", name=words, exact=True)).to_be_visible()
        expect(tablet.locator(".score")).to_have_count(3)
        shot(tablet, "rating-tablet")

        tablet.get_by_role("button", name="Rất hài lòng", exact=True).click()
        expect(tablet.locator("#comment-screen")).to_be_visible()
        expect(tablet.locator("#chosen-words")).to_have_text("Rất hài lòng")
        comment = "Cán bộ hướng dẫn rất tận tình, cảm ơn."
        tablet.get_by_label("Quý khách có góp ý gì thêm không? (không bắt buộc)").fill(comment)
        with tablet.expect_response(re.compile(r".*/api/ratings$")) as posted:
            tablet.get_by_role("button", name="Gửi", exact=True).click()
        assert posted.value.status == 201
        stored = posted.value.json()
        assert (stored["ticket"], stored["score"], stored["comment"]) == (ticket["id"], 3, comment)

        expect(tablet.locator(".thanks-title")).to_have_text("Cảm ơn!")
        expect(tablet.locator("#idle-screen")).to_be_visible(timeout=IDLE_AFTER_THANKS_MS)
        assert rate_again(kiosk, server, ticket["id"], tablet) == (409, "already_rated")
        assert tablet.evaluate("window.cspViolations") == []
    finally:
        clerk.leave()


def test_the_tablet_follows_the_next_ticket_leaves_an_untouched_question_and_says_offline(
    new_context: Any, server: str
) -> None:
    tablet, sockets = open_tablet(new_context, server, 4)
    kiosk = new_context().request
    clerk = Clerk(new_context, server, "clerk2", 4)  # serves C, then A
    try:
        first = served(clerk, kiosk, server, "C")
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {first['label']}")
        second = served(clerk, kiosk, server, "C")  # the next visitor: the question follows
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {second['label']}")

        # a face chosen, then nobody touches the tablet for a minute: idle, the face still counts
        tablet.get_by_role("button", name="Hài lòng", exact=True).click()
        expect(tablet.locator("#comment-screen")).to_be_visible()
        with tablet.expect_response(re.compile(r".*/api/ratings$")) as posted:
            tablet.clock.fast_forward("01:01")
        assert posted.value.status == 201 and posted.value.json()["score"] == 2
        expect(tablet.locator("#idle-screen")).to_be_visible()
        assert rate_again(kiosk, server, second["id"], tablet) == (409, "already_rated")
        # the jumped minute also passed the socket's heartbeat: let it reconnect before the next
        expect(tablet.locator("body")).to_have_attribute("data-connected", "true")

        # a question with no answer at all also goes away after a minute, and nothing is stored
        third = served(clerk, kiosk, server, "A")
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {third['label']}")
        tablet.clock.fast_forward("01:01")
        expect(tablet.locator("#idle-screen")).to_be_visible()
        # the first one was left unrated
        assert rate_again(kiosk, server, first["id"], tablet)[0] == 201
        assert rate_again(kiosk, server, third["id"], tablet)[0] == 201

        # the socket drops: the tablet says so, reconnects by itself, and hears the next ticket
        expect(tablet.locator("body")).to_have_attribute("data-connected", "true")
        # the tablet's own socket (?counter=), not the counter face's /display one beside it
        [socket for socket in sockets if "counter=" in socket.url][-1].close()
        expect(tablet.locator("#offline")).to_be_visible()
        expect(tablet.locator("#offline")).to_have_text("Mất kết nối — đang kết nối lại…")
        expect(tablet.locator("body")).to_have_attribute("data-connected", "true")
        expect(tablet.locator("#offline")).to_be_hidden()
        fourth = served(clerk, kiosk, server, "C")
        expect(tablet.locator("#ask-ticket")).to_have_text(f"Số thứ tự {fourth['label']}")
    finally:
        clerk.leave()


def test_a_tablet_without_a_counter_says_how_to_write_its_address(
    new_context: Any, server: str
) -> None:
    page: Page = new_context().new_page()
    answer = page.goto(f"{server}/counter/rating")
    assert answer is not None and answer.status == 400
    expect(page.locator(".setup-title")).to_have_text("Máy tính bảng này đặt ở quầy nào?")
    expect(page.locator(".setup-example")).to_have_text(f"{server}/counter/rating?counter=1")
    page.get_by_role("link", name="Quầy 3", exact=True).click()
    expect(page.locator(".face-counter-number")).to_have_text("3")
    shown_code(page)  # unpaired: it asks to be paired before it listens
    expect(page.locator("body")).to_have_attribute("data-connected", "false")
