"""A visitor's whole way, on the three real pages at once: the kiosk touch screen issues the
ticket, the clerk's page calls it, the hall display shows it and the visitor's phone is told."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.helpers.devices import (
    CALL_TIMEOUT_MS,
    choose,
    open_display,
    open_kiosk,
    sign_in_at_counter,
    take_ticket,
)


def test_a_ticket_taken_at_the_kiosk_page_is_called_on_the_counter_page_and_shown_in_the_hall(
    new_context: Any, server: str
) -> None:
    display = open_display(new_context, server)
    kiosk = open_kiosk(new_context, server)
    choose(kiosk, "Sở Y tế", "Hành nghề y, dược")
    ticket = take_ticket(kiosk, "Người khuyết tật")
    assert ticket["label"].startswith("L") and ticket["priority"] == "disabled"
    expect(kiosk.locator("#ticket-label")).to_have_text(ticket["label"])
    waiting_l = display.locator('.waiting-item[data-service="L"] .waiting-count')
    expect(waiting_l).to_have_text("1")

    phone = new_context().new_page()
    phone.goto(server + ticket["track_url"])

    counter = sign_in_at_counter(new_context, server, "clerk4")
    counter.locator('.counter-card[data-number="13"]').click()  # counter 13 serves L first
    expect(counter.locator("#terminal-view")).to_be_visible()
    expect(counter.locator('#queue-list [data-service="L"] .queue-count')).to_have_text("1")
    counter.locator('[data-action="next"]').click()
    expect(counter.locator("#ticket-label")).to_have_text(ticket["label"])

    expect(display.locator("#now-label")).to_have_text(ticket["label"], timeout=CALL_TIMEOUT_MS)
    expect(display.locator("#now-counter")).to_have_text("13")
    expect(waiting_l).to_have_text("0")
    expect(phone.locator("#status")).to_have_attribute(
        "data-status", "called", timeout=CALL_TIMEOUT_MS
    )
    expect(phone.locator("#status")).to_contain_text("13")

    counter.locator('[data-action="finish"]').click()
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "none")
    counter.locator('[data-action="close"]').click()
    expect(counter.locator("#choose-view")).to_be_visible()
