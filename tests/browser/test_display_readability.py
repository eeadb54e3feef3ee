"""The hall display read from the back of the hall, in Chromium against the real server.

A 55-inch TV at 1920x1080: every letter that must be read from 10 m (the call, the recent calls,
their counters, the waiting counts) stands at least 2.5 cm high, measured as the glyph of a
capital H in the element's own font, at 121.8 cm for the page's width. The layout holds at
1920x1080 and 1366x768 with the hall busy, and a TV set to reduce motion never blinks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.accessibility import axe_violations, letter_heights_cm, spills
from tests.helpers.devices import CALL_TIMEOUT_MS, Clerk, issue_ticket, open_display, shot

MIN_LETTER_CM = 2.5
READ_FROM_AFAR = {
    "the call": "#now-label",
    "its counter": "#now-counter",
    "recent calls": ".recent-item[data-empty=false] .recent-label",
    "their counters": ".recent-item[data-empty=false] .recent-counter",
    "waiting counts": ".waiting-count",
}
MUST_FIT = (
    ".display-header, .now, .now-label, .now-counter-number, .recent-list, .recent-item,"
    " .recent-label, .recent-counter, .waiting, .waiting-list, .waiting-item, .waiting-count,"
    " .display-footer"
)


@pytest.fixture(scope="module")
def busy_hall(server: str, browser: Any) -> Iterator[str]:
    """The morning rush: counter 12 has called eight K tickets, and 120 L tickets wait."""
    context = browser.new_context()  # type: ignore[attr-defined]
    request = context.request
    for _ in range(15):
        issue_ticket(request, server, "K")
    for _ in range(120):
        issue_ticket(request, server, "L")
    clerk = Clerk(lambda: context, server, "clerk4", 12)
    for _ in range(8):
        clerk.post("next")
        clerk.post("no-show")
    yield server
    clerk.leave()
    context.close()


def open_tv(new_context: Any, server: str, width: int, height: int, **options: Any) -> Page:
    display = open_display(new_context, server)
    display.set_viewport_size({"width": width, "height": height})
    if options.get("reduced_motion"):
        display.emulate_media(reduced_motion="reduce")
    expect(display.locator(".recent-item[data-empty=false]")).to_have_count(8)
    expect(display.locator('.waiting-item[data-service="L"] .waiting-count')).to_have_text(
        re.compile(r"^1\d\d$")
    )
    return display


def test_what_the_hall_reads_from_afar_is_at_least_2_5_cm_high_on_a_55_inch_tv(
    new_context: Any, busy_hall: str
) -> None:
    display = open_tv(new_context, busy_hall, 1920, 1080)
    for what, selector in READ_FROM_AFAR.items():
        heights = letter_heights_cm(display, selector)
        assert heights, f"nothing shows {what}"
        assert min(heights) >= MIN_LETTER_CM, f"{what}: {min(heights):.2f} cm"
    # The service names are read from closer: they stay, and still fit their row.
    expect(display.locator(".waiting-name").first).to_be_visible()


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_busy_hall_fits_the_screen(
    new_context: Any, busy_hall: str, size: tuple[int, int]
) -> None:
    display = open_tv(new_context, busy_hall, *size)
    found = spills(display, MUST_FIT)
    shot(display, f"display-busy-{size[0]}x{size[1]}")
    assert found == [], "\n".join(found)
    assert display.evaluate("document.documentElement.scrollHeight") <= size[1]


def test_a_call_on_a_tv_that_reduces_motion_holds_a_steady_highlight(
    new_context: Any, busy_hall: str, browser: Any
) -> None:
    display = open_tv(new_context, busy_hall, 1920, 1080, reduced_motion=True)
    calm = display.locator("#now-label").evaluate("e => getComputedStyle(e).color")
    context = browser.new_context()
    clerk = Clerk(lambda: context, busy_hall, "clerk3", 13)
    try:
        label = clerk.post("next")["ticket"]["label"]
        expect(display.locator("#now-label")).to_have_text(label, timeout=CALL_TIMEOUT_MS)
        expect(display.locator("#now")).to_have_class(re.compile(r"\bflash\b"))
        # nothing blinks: no animation runs, the number keeps its gold on the dark panel
        assert display.evaluate("document.getAnimations().length") == 0
        assert display.locator("#now-label").evaluate("e => getComputedStyle(e).color") == calm
        frame = display.locator("#now").evaluate("e => getComputedStyle(e).boxShadow")
        assert "inset" in frame
    finally:
        clerk.leave()
        context.close()


def test_the_hall_display_has_no_serious_accessibility_violation(
    new_context: Any, busy_hall: str
) -> None:
    display = new_context(bypass_csp=True).new_page()
    display.goto(busy_hall + "/display/")
    expect(display.locator("body")).to_have_attribute("data-connected", "true")
    expect(display.locator(".recent-item[data-empty=false]")).to_have_count(8)
    assert axe_violations(display) == []
