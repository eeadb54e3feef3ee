"""A kiosk whose printer hangs on its own PC: the print agent takes the ticket, and when the
printer then fails, the ticket on the kiosk screen switches to the paperless path (QR to photo)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from harness.printers import closed_port
from harness.server import flask_command, gunicorn
from kiosk.agent import PrintAgent
from tests.helpers.centers import one_service_center
from tests.helpers.devices import choose, open_kiosk, take_ticket

CENTER = one_service_center("Trung tâm thử", agent_kiosk=True)


@pytest.fixture(scope="module")
def agent_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("agent-server")
    database = folder / "qms.db"
    (folder / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(folder / "center.toml"))
    token = flask_command(database, "pair-device", "print_agent", "k1").strip()
    KIOSK_TOKENS.append(flask_command(database, "pair-device", "kiosk", "k1").strip())
    with gunicorn(database, Path(folder) / "gunicorn.log") as base:
        yield base, token


KIOSK_TOKENS: list[str] = []  # the server's kiosk k1, paired: its tickets go to the agent


@contextmanager
def agent_on_a_refusing_printer(base: str, token: str) -> Iterator[PrintAgent]:
    """The kiosk's print agent, running, with a printer that refuses every job at once."""
    with closed_port() as port:
        agent = PrintAgent(base, "k1", f"tcp://127.0.0.1:{port}", token, timeout_s=1)
        runner = threading.Thread(target=agent.run, kwargs={"until": time.monotonic() + 60})
        runner.start()
        try:
            assert agent.ready.wait(10), "the print agent did not join"
            yield agent
        finally:
            agent.stop()
            runner.join(timeout=30)


def test_a_ticket_the_agent_cannot_print_turns_to_the_paperless_path(
    new_context: Any, agent_server: tuple[str, str]
) -> None:
    base, token = agent_server
    with agent_on_a_refusing_printer(base, token):
        page = open_kiosk(new_context, base, token=KIOSK_TOKENS[-1])
        choose(page, "Tư pháp", "Hộ tịch")
        answer = take_ticket(page, "Lấy số thường")
        assert answer["print"] == {"status": "sent", "reason": None}
        expect(page.locator("#print-status")).to_have_attribute("data-status", "failed")
        expect(page.locator("#print-text")).to_contain_text("chụp ảnh")
        page.locator("[data-screen=ticket] .done").tap()
        expect(page.locator("#printer-notice")).to_be_visible()  # the next visitor is told too


def test_a_failure_heard_before_the_ticket_answer_still_shows_paperless(
    new_context: Any, agent_server: tuple[str, str]
) -> None:
    """A printer that refuses at once can be reported before the kiosk reads its ticket."""
    base, token = agent_server
    with agent_on_a_refusing_printer(base, token):
        page = open_kiosk(new_context, base, token=KIOSK_TOKENS[-1])
        held: list[Any] = []

        def hold_the_answer(route: Route) -> None:
            held.append((route, route.fetch()))  # the ticket is issued; its answer waits

        page.route(re.compile(r"/api/tickets$"), hold_the_answer)
        choose(page, "Tư pháp", "Hộ tịch")
        page.locator(".priority", has_text="Lấy số thường").tap()
        expect(page.locator("#printer-notice")).to_be_visible()  # the failure came first
        route, response = held[0]
        route.fulfill(response=response)

        expect(page.locator("#ticket-label")).to_have_text(response.json()["label"])
        expect(page.locator("#print-status")).to_have_attribute("data-status", "failed")
