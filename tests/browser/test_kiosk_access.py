"""The kiosk for everyone, in Chromium against the real server (portrait 1080x1920): no serious
axe-core violation on any step, text that zoom doubles, the large-text and high-contrast
switches that last the visitor's session, focus on each step's heading, a question before a
reset, and the help button that reads the screen aloud and calls a guide to the monitor.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.accessibility import axe_violations, text_size_on_screen
from tests.helpers.devices import (
    AUDIO_PROBE,
    PORTRAIT,
    choose,
    open_kiosk,
    shot,
    sign_in_admin,
    take_ticket,
)

LARGE_TEXT = 1.3


def audited_kiosk(new_context: Any, server: str, query: str = "kiosk=k1") -> Page:
    """A kiosk whose page axe-core may be injected into (the CSP would refuse it)."""
    return open_kiosk(lambda **options: new_context(bypass_csp=True, **options), server, query)


def settled(page: Page) -> Page:
    """Wait out the kiosk's guard against double taps (a tap just after another is ignored)."""
    expect(page.locator("#kiosk")).not_to_have_class(re.compile(r"is-settling"))
    return page


def focused_screen(page: Page) -> str:
    """The screen whose heading has the focus ("" when the focus is elsewhere)."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.tagName === 'H2' && e.closest('section') ? e.closest('section')"
            ".dataset.screen : ''; }"
        )
    )


def test_every_kiosk_step_has_no_serious_accessibility_violation(
    new_context: Any, server: str
) -> None:
    page = audited_kiosk(new_context, server)
    assert axe_violations(page) == [], "departments"
    page.locator(".department", has_text="Sở Tư pháp").tap()
    assert axe_violations(page) == [], "services"
    page.locator(".service", has_text="Hộ tịch").tap()
    expect(page.locator("[data-screen=priority]")).to_be_visible()
    assert axe_violations(page) == [], "priority"
    take_ticket(page, "Lấy số thường")
    assert axe_violations(page) == [], "ticket"
    page.locator("[data-screen=ticket] .done").tap()
    page.locator('.booking-entry[data-action="booking"]').tap()
    expect(page.locator("[data-screen=booking]")).to_be_visible()
    assert axe_violations(page) == [], "booking"
    # the same steps in high contrast and large text
    page.locator("[data-screen=booking] .back").tap()
    settled(page).locator("#high-contrast").tap()
    settled(page).locator("#large-text").tap()
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "true")
    assert axe_violations(page) == [], "departments, high contrast, large text"
    choose(page, "Sở Tư pháp", "Hộ tịch")
    assert axe_violations(page) == [], "priority, high contrast, large text"
    # the ticket could not be issued: the error screen
    page.route(re.compile(r"/api/tickets$"), lambda route: route.abort())
    page.locator(".priority", has_text="Lấy số thường").tap()
    expect(page.locator("[data-screen=error]")).to_be_visible()
    assert axe_violations(page) == [], "error"


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_zoom_at_200_percent_doubles_the_kiosks_text(
    new_context: Any, server: str, size: tuple[int, int]
) -> None:
    """Browser zoom halves the CSS viewport and doubles the device pixel ratio: text sized by
    the viewport alone would stay the same size on the glass."""
    sizes = []
    for zoom in (1, 2):
        page: Page = new_context(has_touch=True, device_scale_factor=zoom).new_page()
        page.set_viewport_size({"width": size[0] // zoom, "height": size[1] // zoom})
        page.goto(f"{server}/kiosk/?kiosk=k1")
        expect(page.locator(".department").first).to_be_visible()
        sizes.append(
            [
                text_size_on_screen(page, selector)
                for selector in (".prompt", ".department-name", ".department-meta", ".language")
            ]
        )
        viewport = page.locator('meta[name="viewport"]').get_attribute("content") or ""
        assert "user-scalable" not in viewport and "maximum-scale" not in viewport
    for plain, zoomed in zip(*sizes, strict=True):
        assert zoomed / plain == pytest.approx(2, abs=0.1)


def test_the_rating_tablet_lets_the_visitor_zoom_and_has_no_serious_violation(
    new_context: Any, server: str
) -> None:
    page: Page = new_context(bypass_csp=True).new_page()
    page.goto(f"{server}/counter/rating?counter=1")
    expect(page.locator("body")).to_be_visible()
    viewport = page.locator('meta[name="viewport"]').get_attribute("content") or ""
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport
    assert axe_violations(page) == []


def test_large_text_and_high_contrast_last_the_visitors_session_and_end_with_it(
    new_context: Any, server: str
) -> None:
    page = open_kiosk(new_context, server)
    plain = text_size_on_screen(page, ".prompt")
    plain_ink = page.locator("body").evaluate("e => getComputedStyle(e).color")

    page.locator("#large-text").tap()
    settled(page).locator("#high-contrast").tap()
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#high-contrast")).to_have_attribute("aria-checked", "true")
    assert text_size_on_screen(page, ".prompt") == pytest.approx(plain * LARGE_TEXT, rel=0.02)
    assert page.locator("body").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    shot(page, "kiosk-access-1-large-contrast")

    # on every screen, and across a change of language (which reloads the page)
    page.locator(".language", has_text="English").tap()
    expect(page.locator(".department").first).to_be_visible()
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "true")
    choose(page, "Department of Justice", "Civil status registration")
    assert text_size_on_screen(page, "[data-screen=priority] .prompt") == pytest.approx(
        plain * LARGE_TEXT, rel=0.02
    )
    take_ticket(page, "Regular ticket")
    shot(page, "kiosk-access-2-ticket")

    # the visitor leaves: the next one finds the kiosk plain, in Vietnamese
    page.locator("[data-screen=ticket] .done").tap()
    expect(page.locator(".language.is-current")).to_have_text("Tiếng Việt")
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#high-contrast")).to_have_attribute("aria-checked", "false")
    assert text_size_on_screen(page, ".prompt") == pytest.approx(plain, rel=0.02)
    assert page.locator("body").evaluate("e => getComputedStyle(e).color") == plain_ink


def test_each_step_gives_its_heading_the_focus(new_context: Any, server: str) -> None:
    page = open_kiosk(new_context, server)
    assert focused_screen(page) == "departments"
    page.locator(".department", has_text="Sở Tư pháp").tap()
    expect(page.locator("[data-screen=services]")).to_be_visible()
    assert focused_screen(page) == "services"
    page.locator(".service", has_text="Hộ tịch").tap()
    expect(page.locator("[data-screen=priority]")).to_be_visible()
    assert focused_screen(page) == "priority"
    take_ticket(page, "Lấy số thường")
    assert focused_screen(page) == "ticket"


def test_a_visitor_who_stops_is_asked_before_the_kiosk_resets(
    new_context: Any, server: str
) -> None:
    page: Page = new_context(has_touch=True, bypass_csp=True).new_page()
    page.clock.install()
    page.set_viewport_size(PORTRAIT)
    page.goto(f"{server}/kiosk/?kiosk=k1")
    expect(page.locator(".department").first).to_be_visible()
    page.locator(".department", has_text="Sở Tư pháp").tap()
    warning = page.locator("#timeout")

    page.clock.run_for(59_000)
    expect(warning).to_be_hidden()
    page.clock.run_for(2_000)
    expect(warning).to_be_visible()
    expect(page.locator("#timeout .more-time")).to_be_focused()
    expect(page.locator("#timeout-text")).to_contain_text("giây")
    shot(page, "kiosk-access-3-more-time")
    assert axe_violations(page) == [], "the question before a reset"

    page.locator("#timeout .more-time").tap()  # more time: the visitor goes on where they were
    expect(warning).to_be_hidden()
    expect(page.locator("[data-screen=services]")).to_be_visible()

    page.clock.run_for(61_000)
    expect(warning).to_be_visible()
    page.clock.run_for(21_000)  # nobody answered
    expect(warning).to_be_hidden()
    expect(page.locator("[data-screen=departments]")).to_be_visible()


def test_the_ticket_stays_longer_and_more_time_starts_its_countdown_again(
    new_context: Any, server: str, kiosk_k1: str
) -> None:
    page: Page = new_context(has_touch=True).new_page()
    page.clock.install()
    page.set_viewport_size(PORTRAIT)
    page.goto(f"{server}/kiosk/?kiosk=k1#device={kiosk_k1}")  # the paired kiosk: it prints
    expect(page.locator(".department").first).to_be_visible()
    choose(page, "Sở Tư pháp", "Hộ tịch")
    take_ticket(page, "Lấy số thường")
    countdown = page.locator("#countdown")
    expect(countdown).to_have_text("Tự động trở về sau 40 giây")

    page.clock.run_for(30_000)
    expect(countdown).to_have_text("Tự động trở về sau 10 giây")
    page.locator("[data-screen=ticket] .more-time").tap()
    expect(countdown).to_have_text("Tự động trở về sau 40 giây")
    page.clock.run_for(39_000)
    expect(page.locator("[data-screen=ticket]")).to_be_visible()
    page.clock.run_for(2_000)
    expect(page.locator("[data-screen=departments]")).to_be_visible()


def test_help_reads_the_screen_aloud_and_calls_a_guide_to_the_monitor(
    new_context: Any, server: str
) -> None:
    monitor: Page = new_context().new_page()
    monitor.goto(server + "/admin/?lang=vi")
    sign_in_admin(monitor, "boss")
    expect(monitor.locator("#live")).to_have_attribute("data-connected", "true")
    expect(monitor.locator("#kiosk-calls")).to_be_hidden()

    kiosk: Page = new_context(has_touch=True, bypass_csp=True).new_page()  # to wait on the probe
    kiosk.add_init_script(AUDIO_PROBE)
    kiosk.set_viewport_size(PORTRAIT)
    kiosk.goto(f"{server}/kiosk/?kiosk=k2")
    kiosk.locator(".department", has_text="Sở Tư pháp").tap()
    expect(kiosk.locator("[data-screen=services]")).to_be_visible()

    with kiosk.expect_response(re.compile(r"/kiosk/help/services\.wav")) as audio:
        settled(kiosk).locator("#help-button").tap()
    url = audio.value.url
    assert audio.value.status == 200 and audio.value.headers["content-type"] == "audio/wav"
    assert "department=TP" in url and "lang=vi" in url and "coming=1" in url
    expect(kiosk.locator("#help-notice")).to_have_text(
        "Nhân viên hướng dẫn đang đến. Mời bạn chờ tại đây."
    )
    kiosk.wait_for_function("window.audioProbe.started.length > 0")
    assert kiosk.evaluate("window.audioProbe.started") == ["/kiosk/help/services.wav"]

    call = monitor.locator('.kiosk-call[data-kiosk="k2"]')
    expect(call).to_contain_text("Kiosk cửa phụ cần hỗ trợ")
    shot(monitor, "monitor-kiosk-help")
    call.get_by_role("button", name="Tôi đến ngay").click()
    expect(monitor.locator("#kiosk-calls")).to_be_hidden()

    # the visitor leaves: the next one starts without the notice
    kiosk.locator("[data-screen=services] .back").tap()
    kiosk.locator(".department", has_text="Sở Tư pháp").tap()
    kiosk.locator(".service", has_text="Hộ tịch").tap()
    take_ticket(kiosk, "Lấy số thường")
    kiosk.locator("[data-screen=ticket] .done").tap()
    expect(kiosk.locator("#help-notice")).to_be_hidden()


def test_help_on_a_kiosk_without_an_id_reads_aloud_and_points_to_the_desk(
    new_context: Any, server: str
) -> None:
    kiosk = open_kiosk(new_context, server, query="")
    with kiosk.expect_response(re.compile(r"/kiosk/help/departments\.wav")) as audio:
        kiosk.locator("#help-button").tap()
    assert "coming" not in audio.value.url
    expect(kiosk.locator("#help-notice")).to_have_text(
        "Cần hỗ trợ? Xin mời hỏi nhân viên tại quầy hướng dẫn."
    )


def test_the_start_screen_left_in_large_text_returns_to_plain_for_the_next_visitor(
    new_context: Any, server: str
) -> None:
    page: Page = new_context(has_touch=True).new_page()
    page.clock.install()
    page.set_viewport_size(PORTRAIT)
    page.goto(f"{server}/kiosk/?kiosk=k1")
    expect(page.locator(".department").first).to_be_visible()
    page.clock.run_for(300_000)
    expect(page.locator("#timeout")).to_be_hidden()  # a plain start screen waits for ever

    page.locator("#large-text").tap()
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "true")
    page.clock.run_for(91_000)
    expect(page.locator("#timeout")).to_be_visible()
    page.clock.run_for(21_000)
    expect(page.locator("#large-text")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#timeout")).to_be_hidden()
