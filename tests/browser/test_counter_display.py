"""The clerk's counter terminal and the hall display, driven in Chromium against the real server.

One browser context per device: the kiosk (here its API), the clerk's PC, the hall TV. Each test
uses its own counters and services, so the module's one server can serve them all in any order.
"""

from __future__ import annotations

import io
import re
import wave
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.helpers.devices import (
    CALL_TIMEOUT_MS,
    Clerk,
    issue_ticket,
    open_display,
    shot,
    sign_in_at_counter,
    waiting,
)

# A real announcement (chime + the label twice) lasts about 12 s.
REAL_AUDIO_TIMEOUT_MS = 40_000


def short_wav(seconds: float = 0.4) -> bytes:
    """A short valid WAV (a quiet tone): the announcement stands in for the speaker's clips."""
    buffer = io.BytesIO()
    rate = 22_050
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for index in range(int(rate * seconds)):
            frames += (600 if (index // 25) % 2 else -600).to_bytes(2, "little", signed=True)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def check_announcements(display: Page, calls: list[tuple[str, int]], requested: list[str]) -> None:
    """Every call was spoken to its end, in order, one at a time, in the display's language."""
    body = display.locator("body")
    expect(body).to_have_attribute("data-played", "4", timeout=CALL_TIMEOUT_MS * 2)
    expect(body).not_to_have_attribute("data-playing", re.compile(".*"))
    probe = display.evaluate("window.audioProbe")
    expected = [f"/display/audio/{label}/{number}.wav" for label, number in calls]
    assert probe["started"] == expected
    assert probe["maxActive"] == 1, "two announcements played at once"
    # an English display asks for the English announcement
    assert [re.sub(r"^https?://[^/]+", "", url) for url in requested] == [
        f"{path}?service={label.rstrip('0123456789')}&lang=en"
        for path, (label, _) in zip(expected, calls, strict=True)
    ]
    expect(display.locator("#now-label")).to_have_text(calls[0][0])  # the recall is the latest
    expect(display.locator("#now-counter")).to_have_text("5")


def test_kiosk_ticket_is_called_at_the_counter_and_shown_on_the_hall_display(
    new_context: Any, server: str
) -> None:
    display = open_display(new_context, server)
    kiosk = new_context().request
    first = issue_ticket(kiosk, server, "A")
    second = issue_ticket(kiosk, server, "A")
    waiting_a = display.locator('.waiting-item[data-service="A"] .waiting-count')
    expect(waiting_a).to_have_text(str(waiting(kiosk, server, "A")))

    counter = sign_in_at_counter(new_context, server, "clerk1")
    counter.locator('.counter-card[data-number="1"]').click()
    expect(counter.locator("#terminal-view")).to_be_visible()
    expect(counter.locator("#shift-status")).to_have_text("Đang mở")
    expect(counter.locator("#live")).to_have_attribute("data-connected", "true")
    next_button = counter.locator('[data-action="next"]')
    expect(next_button).to_be_enabled()

    next_button.click()
    expect(counter.locator("#ticket-label")).to_have_text(first)
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "called")
    expect(next_button).to_be_disabled()  # the clerk holds a ticket
    expect(display.locator("#now-label")).to_have_text(first, timeout=CALL_TIMEOUT_MS)
    expect(display.locator("#now-counter")).to_have_text("1")
    expect(display.locator("#recent-calls li").first).to_contain_text(first)
    expect(waiting_a).to_have_text(str(waiting(kiosk, server, "A")))
    expect(counter.locator('#queue-list [data-service="A"] .queue-count')).to_have_text(
        str(waiting(kiosk, server, "A"))
    )

    # keyboard: S starts serving, F finishes, N calls the next
    counter.keyboard.press("s")
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "serving")
    counter.keyboard.press("f")
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "none")
    expect(next_button).to_be_enabled()
    counter.keyboard.press("n")
    expect(counter.locator("#ticket-label")).to_have_text(second)
    expect(display.locator("#now-label")).to_have_text(second, timeout=CALL_TIMEOUT_MS)
    expect(display.locator("#recent-calls li").nth(1)).to_contain_text(first)

    # a reload mid-shift finds the same counter and the same ticket in hand
    counter.reload()
    expect(counter.locator("#terminal-view")).to_be_visible()
    expect(counter.locator("#ticket-label")).to_have_text(second)
    expect(counter.locator("#shift-counter")).to_have_text("Quầy 1")

    # the real announcement (chime and voice) plays to its end
    expect(display.locator("body")).to_have_attribute(
        "data-played", re.compile(r"[1-9]"), timeout=REAL_AUDIO_TIMEOUT_MS
    )
    display.set_viewport_size({"width": 1920, "height": 1080})
    shot(display, "display")
    counter.set_viewport_size({"width": 1920, "height": 1080})
    shot(counter, "counter")


def test_display_announces_quick_calls_one_at_a_time_in_order_recalls_included(
    new_context: Any, server: str
) -> None:
    display = open_display(new_context, server, "/display/?lang=en")
    requested: list[str] = []

    def speak_short(route: Route) -> None:
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="audio/wav", body=short_wav())

    display.route("**/display/audio/**", speak_short)
    kiosk = new_context().request
    labels = [issue_ticket(kiosk, server, service) for service in ("D", "M", "G")]
    clerks = [
        Clerk(new_context, server, "clerk2", 5),  # serves D
        Clerk(new_context, server, "clerk3", 8),  # serves M
        Clerk(new_context, server, "clerk4", 9),  # serves G
    ]
    try:
        # three calls in a burst, then a recall: faster than any announcement is spoken
        calls = [
            (clerk.post("next")["ticket"]["label"], number)
            for clerk, number in zip(clerks, (5, 8, 9), strict=True)
        ]
        clerks[0].post("recall")
        calls.append((calls[0][0], 5))
        assert [label for label, _ in calls[:3]] == labels
        check_announcements(display, calls, requested)
    finally:
        for clerk in clerks:
            clerk.leave()


def test_display_asks_for_a_click_when_the_browser_refuses_to_play(
    new_context: Any, server: str
) -> None:
    page: Page = new_context().new_page()
    # the autoplay policy of a TV browser started without the flag: play() is refused
    page.add_init_script(
        """HTMLMediaElement.prototype.play = function () {
             return Promise.reject(new DOMException("no gesture yet", "NotAllowedError"));
           };"""
    )
    page.goto(server + "/display/?lang=vi")
    expect(page.locator("body")).to_have_attribute("data-connected", "true")
    label = issue_ticket(new_context().request, server, "E")
    clerk = Clerk(new_context, server, "clerk2", 7)  # serves E first
    try:
        assert clerk.post("next")["ticket"]["label"] == label
        expect(page.locator("#now-label")).to_have_text(label)  # the call shows without sound
        banner = page.locator("#sound-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Bấm để bật âm thanh")
        expect(page.locator("body")).to_have_attribute("data-played", "0")
    finally:
        clerk.leave()


def test_counter_says_plainly_that_another_clerk_holds_the_counter(
    new_context: Any, server: str
) -> None:
    holder = Clerk(new_context, server, "clerk3", 3)
    try:
        page = sign_in_at_counter(new_context, server, "clerk4")
        card = page.locator('.counter-card[data-number="3"]')
        expect(card).to_contain_text("clerk3")
        card.click()
        message = page.locator("#message")
        expect(message).to_be_visible()
        expect(message).to_have_attribute("data-kind", "error")
        expect(message).to_contain_text("Quầy 3 đang do clerk3 sử dụng")
        expect(page.locator("#choose-view")).to_be_visible()
        expect(page.locator("#terminal-view")).to_be_hidden()
    finally:
        holder.leave()


def test_counter_sign_in_explains_a_wrong_password(new_context: Any, server: str) -> None:
    page: Page = new_context().new_page()
    page.goto(server + "/counter/?lang=vi")
    page.get_by_label("Tên đăng nhập").fill("clerk2")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#sign-in-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.locator("#choose-view")).to_be_hidden()
