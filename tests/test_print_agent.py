"""The print agent on a kiosk PC: the server hands it each ticket of its kiosk, it prints on its
own printer (a fake network printer here) and reports back; without an agent the ticket stands."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness.printers import FakeNetworkPrinter
from harness.server import ROOT, flask_command, gunicorn
from kiosk.agent import PrintAgent
from tests.helpers.centers import one_service_center
from tests.helpers.escpos import decode_raster

AGENT_CENTER = one_service_center("Agent", agent_kiosk=True)


def issue(base: str, kiosk_token: str) -> dict:
    """A ticket taken at kiosk k1 (the device paired as it)."""
    request = urllib.request.Request(
        base + "/api/tickets",
        method="POST",
        headers={"Content-Type": "application/json", "X-Device-Token": kiosk_token},
        data=json.dumps({"service": "A", "kiosk": "k1"}).encode(),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def print_jobs(database: Path, count: int, timeout_s: float = 10) -> list[tuple]:
    deadline = time.monotonic() + timeout_s
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "SELECT ticket, kiosk, printer, ok FROM print_jobs ORDER BY id"
            ).fetchall()
        if len(rows) >= count:
            break
        time.sleep(0.05)
    return rows


@pytest.mark.slow
def test_the_agent_prints_its_kiosks_tickets_and_reports_back(tmp_path: Path) -> None:
    database = tmp_path / "qms.db"
    center = tmp_path / "center.toml"
    center.write_text(AGENT_CENTER)
    flask_command(database, "load-config", str(center))
    token = flask_command(database, "pair-device", "print_agent", "k1").strip()
    kiosk = flask_command(database, "pair-device", "kiosk", "k1").strip()
    with gunicorn(database, tmp_path / "gunicorn.log") as base:
        alone = issue(base, kiosk)
        assert alone["label"] == "A001"
        assert alone["print"] == {"status": "failed", "reason": "print agent not connected"}

        with FakeNetworkPrinter() as printer:
            agent = PrintAgent(base, "k1", printer.url, token, timeout_s=5)
            runner = threading.Thread(target=agent.run, kwargs={"until": time.monotonic() + 20})
            runner.start()
            assert agent.ready.wait(10), "the agent did not join"
            answer = issue(base, kiosk)
            assert answer["print"] == {"status": "sent", "reason": None}
            jobs = printer.wait_for_jobs(1, timeout_s=10)
            agent.stop()
            runner.join(timeout=30)
        assert len(jobs) == 1
        ticket = decode_raster(jobs[0])
        assert ticket.width == 576 and ticket.height > 500
        assert (answer["id"], "k1", "agent:", 1) in print_jobs(database, 1)


@pytest.mark.slow
def test_the_agent_program_prints_on_a_pc_without_the_server(tmp_path: Path) -> None:
    """`python -m kiosk.agent`, run as on a kiosk PC: an empty folder, no QMS_DATABASE."""
    database = tmp_path / "server" / "qms.db"
    database.parent.mkdir()
    center = tmp_path / "center.toml"
    center.write_text(AGENT_CENTER)
    flask_command(database, "load-config", str(center))
    token = flask_command(database, "pair-device", "print_agent", "k1").strip()
    kiosk = flask_command(database, "pair-device", "kiosk", "k1").strip()
    kiosk_pc = tmp_path / "kiosk-pc"
    kiosk_pc.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QMS_")}
    environment["PYTHONPATH"] = str(ROOT)
    with gunicorn(database, tmp_path / "gunicorn.log") as base, FakeNetworkPrinter() as printer:
        command = ["-m", "kiosk.agent", "--server", base, "--kiosk", "k1", "--printer"]
        with (tmp_path / "agent.log").open("w") as log:
            agent = subprocess.Popen(
                [sys.executable, *command, printer.url, "--token", token],
                cwd=kiosk_pc,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 20
            answer = issue(base, kiosk)
            while answer["print"]["status"] != "sent" and time.monotonic() < deadline:
                time.sleep(0.2)  # issued before the agent joined: on screen only
                answer = issue(base, kiosk)
            assert answer["print"] == {"status": "sent", "reason": None}, (
                tmp_path / "agent.log"
            ).read_text()
            jobs = printer.wait_for_jobs(1, timeout_s=10)
        finally:
            agent.terminate()
            agent.wait(timeout=10)
    assert decode_raster(jobs[0]).width == 576
    assert list(kiosk_pc.iterdir()) == []  # no database, no secret, nothing on the kiosk PC


def test_an_agent_without_a_valid_token_is_refused(tmp_path: Path) -> None:
    from realtime import socketio
    from server import create_app

    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "q.db"), "SECRET_KEY": "t"})
    refused = socketio.test_client(app, namespace="/kiosk", auth={"agent": "k1", "token": "x"})
    assert not refused.is_connected("/kiosk")
    kiosk = socketio.test_client(app, namespace="/kiosk")
    assert kiosk.is_connected("/kiosk")


def test_an_agent_needs_the_token_paired_as_its_kiosks_agent(
    app: Any, client: Any, database_path: Path
) -> None:
    from core.users import create_token
    from db import connect
    from realtime import socketio
    from tests.helpers.paired import pair

    database = connect(database_path)
    for kiosk in ("k1", "k2"):
        database.execute(
            "INSERT INTO kiosks (id, name, printer) VALUES (?, ?, 'agent:')", [kiosk, kiosk]
        )
    staff = create_token(database, "kiosk-k1", role="admin", now=datetime.now(UTC))
    database.conn.close()
    own, other = pair(app, "print_agent", "k1"), pair(app, "print_agent", "k2")
    kiosk_screen = pair(app, "kiosk", "k1")
    for token in (other, kiosk_screen, staff):  # another kiosk's agent, the kiosk, an admin
        auth = {"agent": "k1", "device": token}
        assert not socketio.test_client(app, namespace="/kiosk", auth=auth).is_connected("/kiosk")
    agent = socketio.test_client(app, namespace="/kiosk", auth={"agent": "k1", "device": own})
    assert agent.is_connected("/kiosk")

    def report(token: str, kiosk: str = "k1") -> int:
        answer = client.post(
            f"/api/kiosks/{kiosk}/printer",
            json={"ok": False, "reason": "paper out"},
            headers={"X-Device-Token": token},
        )
        return int(answer.status_code)

    assert [report(own), report(own, "k2"), report(other), report(kiosk_screen)] == [
        204,
        401,
        401,
        401,
    ]
    # and it is no clerk: it opens no counter
    assert client.post("/api/counters/1/open", headers={"X-Device-Token": own}).status_code == 401
