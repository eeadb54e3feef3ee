"""The server killed with SIGKILL while a clerk holds a ticket, and started again (design.md
section 9): the counter page and the hall display, in Chromium, see the link drop, reconnect by
themselves, and carry on without a reload: the clerk finishes the ticket in hand and calls the
next, and the display shows that call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harness.server import ROOT, Restartable, flask_command, restartable
from tests.helpers.devices import (
    CALL_TIMEOUT_MS,
    CLERK_PASSWORD,
    issue_ticket,
    open_display,
    sign_in_at_counter,
)

RECONNECT_MS = 20_000  # the socket.io client's back-off tops at 5 s (static/js/live.js)
NOT_RELOADED = "window.notReloaded = true"


@pytest.fixture
def killable(tmp_path: Path) -> Iterator[Restartable]:
    """The demo center on a server the test may kill; clerk1 may sign in."""
    database = tmp_path / "qms.db"
    flask_command(database, "load-config", str(ROOT / "centers" / "can-tho.toml"))
    flask_command(
        database, "create-user", "clerk1", "--role", "clerk", "--password", CLERK_PASSWORD
    )
    with restartable(database, tmp_path / "gunicorn.log") as server:
        yield server


def still_the_same_page(page: Page) -> bool:
    return bool(page.evaluate("window.notReloaded === true"))


def test_the_counter_page_carries_on_across_a_sigkill_without_a_reload(
    new_context: Any, killable: Restartable
) -> None:
    server = killable.url
    kiosk = new_context().request
    first, second = issue_ticket(kiosk, server, "A"), issue_ticket(kiosk, server, "A")
    display = open_display(new_context, server)
    counter = sign_in_at_counter(new_context, server, "clerk1")
    counter.locator('.counter-card[data-number="1"]').click()
    live = counter.locator("#live")
    expect(live).to_have_attribute("data-connected", "true")
    counter.locator('[data-action="next"]').click()
    expect(counter.locator("#ticket-label")).to_have_text(first)
    for page in (counter, display):
        page.evaluate(NOT_RELOADED)

    killable.kill()
    expect(live).to_have_attribute("data-connected", "false", timeout=RECONNECT_MS)
    killable.start()

    expect(live).to_have_attribute("data-connected", "true", timeout=RECONNECT_MS)
    expect(display.locator("body")).to_have_attribute("data-connected", "true")
    expect(counter.locator("#ticket-label")).to_have_text(first)  # still in hand, as it was
    counter.keyboard.press("f")
    expect(counter.locator("#ticket-panel")).to_have_attribute("data-status", "none")
    counter.keyboard.press("n")
    expect(counter.locator("#ticket-label")).to_have_text(second)
    expect(display.locator("#now-label")).to_have_text(second, timeout=CALL_TIMEOUT_MS)
    assert still_the_same_page(counter) and still_the_same_page(display)
