"""Every surface works under the Content-Security-Policy (security.py) in Chromium: the page's
scripts run, its styles and fonts load, its websocket connects, and the browser reports no
violation and no uncaught script error. A page that needed an inline script or style attribute,
or whose modules failed to import, would show one here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harness.server import ROOT, flask_command, gunicorn
from security import CONTENT_SECURITY_POLICY
from tests.helpers.devices import VIOLATIONS

ADMIN, CLERK, PASSWORD = "quantri", "clerk1", "csp-password-1"


@pytest.fixture(scope="module")
def csp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("csp-server")
    database = folder / "qms.db"
    flask_command(database, "load-config", str(ROOT / "centers" / "can-tho.toml"))
    for username, role in ((ADMIN, "admin"), (CLERK, "clerk")):
        flask_command(database, "create-user", username, "--role", role, "--password", PASSWORD)
    with gunicorn(database, folder / "gunicorn.log") as base:
        yield base


def open_page(new_context: Any, url: str) -> tuple[Page, list[str]]:
    page: Page = new_context().new_page()
    page.add_init_script(VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # An uncaught error in a page's module scripts is a broken screen, whatever the policy says.
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    answer = page.goto(url)
    assert answer is not None and answer.ok, url
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    return page, console


def sign_in(page: Page, username: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#username").press("Enter")


def kiosk_ready(page: Page) -> None:
    expect(page.locator("#department-list button").first).to_be_visible()
    expect(page.locator("#offline-notice")).to_be_hidden()


def display_ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-connected", "true")


def counter_ready(page: Page) -> None:
    page.get_by_label("Tên đăng nhập").fill(CLERK)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#choose-view")).to_be_visible()
    page.locator('.counter-card[data-number="1"]').click()
    expect(page.locator("#live")).to_have_attribute("data-connected", "true")


def counter_screen_ready(page: Page) -> None:
    expect(page.locator("#counter-face")).to_have_attribute("data-connected", "true")


def admin_ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    sign_in(page, ADMIN)
    expect(page.locator(".who-name")).to_have_text(ADMIN)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # an admin lands on the live monitor, drawn by its script from the API and the socket
    expect(page.locator("#monitor")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#live")).to_have_attribute("data-connected", "true")


def home_ready(page: Page) -> None:
    expect(page.locator(".surfaces a").first).to_be_visible()


SURFACES: list[tuple[str, Callable[[Page], None]]] = [
    ("/", home_ready),
    ("/kiosk/?kiosk=k1", kiosk_ready),
    ("/display/", display_ready),
    ("/counter/?lang=vi", counter_ready),
    ("/counter/screen?counter=1", counter_screen_ready),
    ("/admin/?lang=vi", admin_ready),
]


@pytest.mark.parametrize(("path", "ready"), SURFACES, ids=[path for path, _ in SURFACES])
def test_a_surface_runs_under_the_policy(
    new_context: Any, csp_server: str, path: str, ready: Callable[[Page], None]
) -> None:
    page, console = open_page(new_context, csp_server + path)
    ready(page)
    assert page.evaluate("window.cspViolations") == []
    assert console == []


def test_the_track_page_runs_under_the_policy(new_context: Any, csp_server: str) -> None:
    request = new_context().request
    ticket = request.post(csp_server + "/api/tickets", data={"service": "A"}).json()
    page, console = open_page(new_context, csp_server + ticket["track_url"])
    expect(page.locator("#label")).to_have_text(ticket["label"])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.cspViolations") == []
    assert console == []


def test_an_inline_script_would_be_reported(new_context: Any, csp_server: str) -> None:
    """The probe works: a script the policy forbids is caught."""
    page, console = open_page(new_context, csp_server + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.append(s); }"
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations")[0].startswith("script-src")


def test_an_uncaught_script_error_would_be_reported(new_context: Any, csp_server: str) -> None:
    """The probe works: an error a page's script throws is caught."""
    page, console = open_page(new_context, csp_server + "/")
    with page.expect_event("pageerror"):
        page.evaluate("() => { setTimeout(() => { throw new Error('probe'); }); }")
    assert any("probe" in line for line in console), console
