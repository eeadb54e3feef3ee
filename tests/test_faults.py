"""The server killed with SIGKILL at moments chosen at random (a fixed seed), with traffic running,
and started again on the same database, several times (design.md section 9):

- kiosks issue tickets and counters call and finish them all along, over HTTP, and keep going
  through every death without being restarted themselves (the counter terminals carry on with
  the same session, reading the counter's state again as the page does when its socket returns);
- every ticket a kiosk got an answer for exists, as answered; the numbers of each service run
  from 001 without a gap or a repeat; every call and finish a counter got an answer for is in the
  ticket's logged events;
- every hall display and phone reconnects by itself, and once the traffic stops, what each
  display shows equals the snapshot a display connecting afresh is given.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.server import Restartable, flask_command, restartable
from tests.helpers.screens import Screen

pytestmark = pytest.mark.slow

SEED = 20261205
KILLS = 4
PASSWORD = "faults-password-1"
TIMEOUT_S = 15
CENTER = """
[center]
name = "Mất điện"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
[[services]]
code = "B"
name = "Chứng thực"
department = "TP"
[[counters]]
number = 1
services = ["A", "B"]
[[counters]]
number = 2
services = ["B", "A"]
"""


@dataclass
class Answered:
    """What the clients were told, in the order they were told it (shared between threads)."""

    tickets: list[dict[str, Any]] = field(default_factory=list)
    actions: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, ticket, counter)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def kiosk(base: str, service: str, stop: threading.Event, answered: Answered) -> None:
    """A kiosk issuing tickets; a request cut by a death is simply not an answer."""
    session = requests.Session()
    while not stop.is_set():
        try:
            answer = session.post(
                f"{base}/api/tickets", json={"service": service}, timeout=TIMEOUT_S
            )
        except requests.RequestException:
            with answered.lock:
                answered.failures += 1
            continue
        assert answer.status_code == 201, answer.text
        with answered.lock:
            answered.tickets.append(answer.json())
        time.sleep(0.02)


def signed_in(base: str, number: int, clerk: str) -> requests.Session:
    """A clerk's terminal, signed in and its counter open, before the first death."""
    session = requests.Session()
    signed = session.post(
        f"{base}/api/session", json={"username": clerk, "password": PASSWORD}, timeout=TIMEOUT_S
    )
    session.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
    assert session.post(f"{base}/api/counters/{number}/open", timeout=TIMEOUT_S).ok
    return session


def counter(
    base: str, number: int, session: requests.Session, stop: threading.Event, answered: Answered
) -> None:
    """A clerk's terminal: it reads the counter's state, as the page does when its socket comes
    back, and calls the next visitor or finishes the one in hand, on the same session throughout
    (no reload, no new sign-in)."""
    while not stop.is_set():
        try:
            state = session.get(f"{base}/api/counters/{number}", timeout=TIMEOUT_S)
            assert state.status_code == 200, state.text  # the session outlived the deaths
            action = "finish" if state.json()["ticket"] else "next"
            answer = session.post(f"{base}/api/counters/{number}/{action}", timeout=TIMEOUT_S)
        except requests.RequestException:
            with answered.lock:
                answered.failures += 1
            continue
        if answer.status_code == 204:  # nobody waiting
            time.sleep(0.05)
            continue
        assert answer.status_code == 200, (action, answer.text)
        kind = "finished" if action == "finish" else "called"
        with answered.lock:
            answered.actions.append((kind, answer.json()["ticket"]["id"], number))
        time.sleep(0.03)


def database_rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture
def center(tmp_path: Path) -> Path:
    database = tmp_path / "qms.db"
    (tmp_path / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(tmp_path / "center.toml"))
    for clerk in ("an", "binh"):
        flask_command(database, "create-user", clerk, "--role", "clerk", "--password", PASSWORD)
    return database


@pytest.fixture
def server(center: Path, tmp_path: Path) -> Iterator[Restartable]:
    with restartable(center, tmp_path / "gunicorn.log", QMS_PUSH_DELAY_S="0.05") as running:
        yield running


def test_sigkill_at_random_moments_loses_no_answer_and_every_screen_comes_back_whole(
    center: Path, server: Restartable
) -> None:
    chance = random.Random(SEED)
    base = server.url
    answered, stop = Answered(), threading.Event()
    first = requests.post(f"{base}/api/tickets", json={"service": "A"}, timeout=TIMEOUT_S).json()
    answered.tickets.append(first)
    displays = [Screen(base, "/display", ("board", "called")) for _ in range(2)]
    phone = Screen(base, "/track", ("called", "ticket"), query=f"token={first['track_url'][3:]}")
    terminals = [signed_in(base, 1, "an"), signed_in(base, 2, "binh")]
    clients = [
        threading.Thread(target=kiosk, args=(base, "A", stop, answered)),
        threading.Thread(target=kiosk, args=(base, "B", stop, answered)),
        threading.Thread(target=counter, args=(base, 1, terminals[0], stop, answered)),
        threading.Thread(target=counter, args=(base, 2, terminals[1], stop, answered)),
    ]
    for client in clients:
        client.start()
    try:
        for _ in range(KILLS):
            time.sleep(chance.uniform(0.5, 2.5))  # traffic, then death at a moment nobody chose
            server.kill()
            time.sleep(chance.uniform(0.0, 0.5))
            server.start()
        time.sleep(1.5)  # traffic on the last server, which the screens must follow too
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=30)
    assert not any(client.is_alive() for client in clients)

    issued = database_rows(center, "SELECT id, label, token, service, number FROM tickets")
    by_id = {row[0]: row for row in issued}
    assert len(answered.tickets) > 20 and len(answered.actions) > 10, answered
    for ticket in answered.tickets:  # every answered ticket is there, as answered
        row = by_id[ticket["id"]]
        assert (row[1], row[2]) == (ticket["label"], ticket["track_url"][3:])
    for service in ("A", "B"):  # numbered from 001, no gap, no repeat
        numbers = sorted(row[4] for row in issued if row[3] == service)
        assert numbers == list(range(1, len(numbers) + 1)), (service, numbers)
    logged = set(
        database_rows(center, "SELECT kind, ticket, counter FROM ticket_events WHERE counter > 0")
    )
    missing = [action for action in answered.actions if action not in logged]
    assert not missing, f"counter actions answered but not recorded: {missing}"

    fresh = Screen(base, "/display", ("board",))
    try:
        fresh.wait(lambda: fresh.latest("board") is not None)
        snapshot = fresh.latest("board")
        for display in displays:  # reconnected by itself after each death, and whole again
            display.wait(lambda d=display: d.connections >= KILLS + 1)
            display.wait(lambda d=display: d.latest("board") == snapshot)
        phone.wait(lambda: phone.connections >= KILLS + 1)
        assert server.starts == KILLS + 1
    finally:
        for screen in (*displays, phone, fresh):
            screen.close()
