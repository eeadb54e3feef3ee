"""Browser tests: Debian's Chromium driven by Playwright against a gunicorn subprocess serving
the demo center. One browser context per device (kiosk, counter, display)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.server import ROOT, flask_command, gunicorn
from tests.helpers.devices import ADMIN, CLERK_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]


BROWSER_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The hook sees every collected test, not only this folder's: mark this folder's alone.
    for item in items:
        if BROWSER_TESTS in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def demo_center(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo center's database, made once by the installer's commands: clerks
    clerk1..clerk4, supervisor boss, admin quantri, kiosk k1 paired; and that kiosk's token."""
    database = tmp_path_factory.mktemp("demo-center") / "qms.db"
    flask_command(database, "load-config", str(ROOT / "centers" / "can-tho.toml"))
    for number in range(1, 5):
        flask_command(
            database,
            "create-user",
            f"clerk{number}",
            "--role",
            "clerk",
            "--password",
            CLERK_PASSWORD,
        )
    flask_command(
        database, "create-user", "boss", "--role", "supervisor", "--password", CLERK_PASSWORD
    )
    flask_command(database, "create-user", ADMIN, "--role", "admin", "--password", CLERK_PASSWORD)
    token = flask_command(database, "pair-device", "kiosk", "k1", "--name", "Kiosk k1").strip()
    return database, token


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_center: tuple[Path, str]
) -> Iterator[str]:
    """The demo center served by gunicorn, on a copy of its own: each module starts as the
    installer left it (the commands run once, not once a module: each is a process)."""
    template, token = demo_center
    folder = tmp_path_factory.mktemp("server")
    database = folder / "qms.db"
    with sqlite3.connect(template) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
    with gunicorn(database, folder / "gunicorn.log") as base:
        PAIRED_KIOSKS[base] = token
        yield base


PAIRED_KIOSKS: dict[str, str] = {}  # each module's server: the token of its kiosk k1


@pytest.fixture(scope="module")
def kiosk_k1(server: str) -> str:
    """The token of the device paired as kiosk k1 on the module's server: it prints there."""
    return PAIRED_KIOSKS[server]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.skip(
            "Debian's chromium is required at /usr/bin/chromium (scripts/setup installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: object) -> Iterator[object]:
    """A factory of browser contexts (one per device), all closed after the test."""
    contexts = []

    def make(**options: object) -> object:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, **options)  # type: ignore[attr-defined]
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
