"""The devices of the browser tests, driven in Chromium: the kiosk touch screen, the clerk's
counter page, the hall display, the admin pages, and a clerk's API calls from a second PC.

The pages wait with `expect(...)` until they are ready (connected, wired), never with a sleep.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

CLERK_PASSWORD = "clerk-password-1"
ADMIN = "quantri"  # an admin on every module's server, with CLERK_PASSWORD
CALL_TIMEOUT_MS = 10_000
PORTRAIT = {"width": 1080, "height": 1920}
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"

# Collected before any script of the page runs; init scripts are not subject to the policy.
VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""

# Counts every media element that is playing, whatever the page does to play them.
AUDIO_PROBE = """
window.audioProbe = {active: 0, maxActive: 0, started: []};
const originalPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  if (!this.probed) {
    this.probed = true;
    this.addEventListener("playing", () => {
      if (this.sounding) return;
      this.sounding = true;
      audioProbe.active += 1;
      audioProbe.maxActive = Math.max(audioProbe.maxActive, audioProbe.active);
      audioProbe.started.push(new URL(this.currentSrc).pathname);
    });
    for (const name of ["pause", "ended", "error", "emptied"]) {
      this.addEventListener(name, () => {
        if (!this.sounding) return;
        this.sounding = false;
        audioProbe.active -= 1;
      });
    }
  }
  return originalPlay.apply(this, arguments);
};
"""


def shot(page: Page, name: str, full_page: bool = False) -> None:
    """Leave a screenshot of the page in instance/screenshots, to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


# ---------- the kiosk ----------


def open_kiosk(
    new_context: Any, server: str, query: str = "kiosk=k1", token: str | None = None
) -> Page:
    """The kiosk's touch screen; with the `token` of a kiosk device (`flask pair-device kiosk
    ID`, given as an installer does, after # in the address) it prints on that kiosk's paper."""
    page: Page = new_context(has_touch=True).new_page()
    page.set_viewport_size(PORTRAIT)
    page.goto(f"{server}/kiosk/?{query}" + (f"#device={token}" if token else ""))
    expect(page.locator(".department").first).to_be_visible()
    return page


def choose(page: Page, department: str, service: str) -> None:
    page.locator(".department", has_text=department).tap()
    page.locator(".service", has_text=service).tap()
    expect(page.locator("[data-screen=priority]")).to_be_visible()


def take_ticket(page: Page, button: str) -> dict[str, Any]:
    """Tap a button of the priority step; return the API's answer once the ticket shows."""
    with page.expect_response(re.compile(r"/api/tickets$")) as response:
        page.locator(".priority", has_text=button).tap()
    answer: dict[str, Any] = response.value.json()
    expect(page.locator("#ticket-label")).to_have_text(answer["label"])
    return answer


# ---------- the counter and the hall display ----------


def open_display(new_context: Any, server: str, path: str = "/display/") -> Page:
    page: Page = new_context().new_page()
    page.add_init_script(AUDIO_PROBE)
    page.goto(server + path)
    expect(page.locator("body")).to_have_attribute("data-connected", "true")
    return page


def sign_in_at_counter(new_context: Any, server: str, username: str) -> Page:
    page: Page = new_context().new_page()
    page.goto(server + "/counter/?lang=vi")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(CLERK_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#choose-view")).to_be_visible()
    return page


# ---------- the admin pages ----------


def admin_ready(page: Page) -> Page:
    """Wait until admin.js has wired the page (a click before that would do nothing)."""
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def sign_in_admin(page: Page, username: str = ADMIN, password: str = CLERK_PASSWORD) -> Page:
    """Sign in on the form an admin page shows at its own address; answer the page, ready."""
    admin_ready(page).get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.locator(".who-name")).to_have_text(username)
    return admin_ready(page)


# ---------- paired devices ----------

DEVICE_TOKEN = "qms.device.token"  # where device.js keeps a paired device's token


def shown_code(page: Page) -> str:
    """The pairing code a device's page shows, once it shows one."""
    expect(page.locator("#device-pairing")).to_be_visible()
    expect(page.locator("#device-code")).to_have_text(re.compile(r"^[A-Z2-9]{3} [A-Z2-9]{3}$"))
    return page.locator("#device-code").inner_text().replace(" ", "")


def pair_shown_code(new_context: Any, server: str, page: Page, kind: str, target: Any) -> None:
    """An admin enters the code the page shows (over the API, from another PC)."""
    code = shown_code(page)
    request, csrf = staff_api(new_context, server, ADMIN)
    answer = request.post(
        server + "/api/admin/devices",
        data={"code": code, "kind": kind, "target": None if target is None else str(target)},
        headers=csrf,
    )
    assert answer.status == 201, answer.text()
    expect(page.locator("#device-pairing")).to_be_hidden()


def device_token(page: Page) -> str:
    return str(page.evaluate(f"localStorage.getItem({DEVICE_TOKEN!r})"))


# ---------- a clerk's API calls, from a second PC ----------


def staff_api(new_context: Any, server: str, username: str) -> tuple[Any, dict[str, str]]:
    """A signed-in API client (its own cookie jar) and the CSRF header its POSTs carry."""
    request = new_context().request
    answer = request.post(
        server + "/api/session", data={"username": username, "password": CLERK_PASSWORD}
    )
    assert answer.status == 200, answer.text()
    return request, {"X-CSRF-Token": answer.json()["csrf_token"]}


class Clerk:
    """A clerk at a counter, driven through the API (a second PC in the hall)."""

    def __init__(self, new_context: Any, server: str, username: str, number: int) -> None:
        self.request, self.csrf = staff_api(new_context, server, username)
        self.url = f"{server}/api/counters/{number}"
        self.post("open")

    def post(self, action: str) -> dict[str, Any]:
        answer = self.request.post(f"{self.url}/{action}", headers=self.csrf)
        assert answer.status == 200, answer.text()
        return dict(answer.json())

    def leave(self) -> None:
        """Finish whatever is in hand and close the counter, for the tests that follow."""
        self.request.post(f"{self.url}/finish", headers=self.csrf)
        self.request.post(f"{self.url}/close", headers=self.csrf)


def issue_ticket(request: Any, server: str, service: str) -> str:
    answer = request.post(server + "/api/tickets", data={"service": service})
    assert answer.status == 201, answer.text()
    return str(answer.json()["label"])


def waiting(request: Any, server: str, service: str) -> int:
    """How many tickets of the service wait, as the API says."""
    for row in request.get(server + "/api/services").json():
        if row["code"] == service:
            return int(row["waiting"])
    raise AssertionError(f"no service {service}")
