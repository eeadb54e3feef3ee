"""A hall display for part of the hall (`?display=ID`, `[[displays]]` in the center file) shows and
says only its counters' calls; the display of the whole hall shows them all."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.helpers.devices import CALL_TIMEOUT_MS, Clerk, issue_ticket, open_display


def test_the_result_counters_display_shows_only_its_own_calls(
    new_context: Any, server: str
) -> None:
    whole_hall = open_display(new_context, server)
    results = open_display(new_context, server, "/display/?display=tra-ket-qua")
    expect(results.locator(".center-name")).to_contain_text("Quầy trả kết quả")
    expect(results.locator(".waiting-item")).to_have_count(2)  # R and S, what counter 16 serves

    request = new_context().request
    collect = issue_ticket(request, server, "R")
    civil = issue_ticket(request, server, "A")
    registry, results_clerk = Clerk(new_context, server, "clerk1", 1), None
    try:
        registry.post("next")
        expect(whole_hall.locator("#now-label")).to_have_text(civil, timeout=CALL_TIMEOUT_MS)
        results_clerk = Clerk(new_context, server, "clerk2", 16)
        results_clerk.post("next")
        expect(results.locator("#now-label")).to_have_text(collect, timeout=CALL_TIMEOUT_MS)
        expect(results.locator("#now-counter")).to_have_text("16")
        expect(whole_hall.locator("#now-label")).to_have_text(collect, timeout=CALL_TIMEOUT_MS)
        expect(results.locator("#recent-calls")).not_to_contain_text(civil)
        expect(whole_hall.locator("#recent-calls")).to_contain_text(civil)
    finally:
        registry.leave()
        if results_clerk is not None:
            results_clerk.leave()
