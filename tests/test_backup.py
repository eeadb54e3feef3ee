"""`flask --app server backup FILE` on a live center: the server holds its connections open and a
clerk's write may be half done; the copy must open, pass SQLite's integrity check, and hold every
committed ticket and nothing uncommitted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from core.users import create_user
from db import connect
from tests.conftest import CLERK_PASSWORD, sign_in

ROOT = Path(__file__).resolve().parent.parent


def run_backup(database: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """The operator's command, in its own process, as on the server machine."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "server", "backup", str(target)],
        cwd=ROOT,
        env={**os.environ, "QMS_DATABASE": str(database)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def tickets(path: Path) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT id, label, status, token FROM tickets ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def center_with_tickets(app: Any, client: Any, database_path: Path, clock: Any) -> None:
    """A center after a few minutes of work; an admin exists, as after any first start."""
    database = connect(database_path)
    create_user(database, "dung", role="admin", password=CLERK_PASSWORD, now=clock())
    database.conn.close()
    for service in ("A", "A", "B", "A", "D"):
        assert client.post("/api/tickets", json={"service": service}).status_code == 201
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    assert client.post("/api/counters/1/next", headers=headers).status_code == 200


def test_a_backup_during_a_write_holds_the_committed_tickets(
    app: Any, client: Any, center_with_tickets: None, database_path: Path, tmp_path: Path
) -> None:
    committed = tickets(database_path)
    assert len(committed) == 5
    writer = connect(database_path)  # a clerk's write, begun and not yet committed
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE tickets SET status = 'cancelled' WHERE id = 2")
    target = tmp_path / "backups" / "qms-2026-11-30.db"

    done = run_backup(database_path, target)

    writer.execute("COMMIT")
    writer.conn.close()
    assert done.returncode == 0, done.stderr
    assert f"to {target}" in done.stdout
    assert integrity(target) == "ok"
    assert tickets(target) == committed  # ticket 2 still waiting: the write came after
    assert tickets(database_path)[1][2] == "cancelled"
    assert client.get("/api/services").status_code == 200  # the server goes on


def test_a_backup_while_tickets_pour_in_is_a_consistent_moment(
    app: Any, center_with_tickets: None, database_path: Path, tmp_path: Path, clock: Any
) -> None:
    from core.tickets import issue_ticket

    stop = threading.Event()
    issued: list[int] = []

    def kiosk() -> None:
        database = connect(database_path)
        while not stop.is_set() and len(issued) < 50_000:
            issued.append(issue_ticket(database, "A", now=clock()).ticket.number)
        database.conn.close()

    thread = threading.Thread(target=kiosk)
    thread.start()
    try:
        done = run_backup(database_path, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    assert integrity(tmp_path / "copy.db") == "ok"
    copied = [row for row in tickets(tmp_path / "copy.db") if row[1].startswith("A")]
    numbers = [int(label[1:]) for _id, label, _status, _token in copied]
    assert numbers == list(range(1, len(numbers) + 1))  # a prefix: no gap, nothing half-written
    everything = [row for row in tickets(database_path) if row[1].startswith("A")]
    assert len(copied) > 3 and len(copied) < len(everything)  # taken while tickets came in
    assert copied == everything[: len(copied)]


def test_the_copy_opens_as_a_center(
    center_with_tickets: None, database_path: Path, tmp_path: Path, clock: Any
) -> None:
    from server import create_app

    target = tmp_path / "copy.db"
    assert run_backup(database_path, target).returncode == 0
    restored = create_app({"TESTING": True, "DATABASE": str(target), "SECRET_KEY": "s"})
    restored.extensions["qms.clock"] = clock
    listed = restored.test_client().get("/api/services").get_json()
    assert isinstance(listed, list)
    services = {service["code"]: service for service in listed}
    assert services["A"]["waiting"] == 2 and services["B"]["waiting"] == 1
    restored.extensions["qms.pool"].close()


def test_a_backup_never_overwrites_a_file(
    center_with_tickets: None, database_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "precious.db"
    target.write_bytes(b"yesterday's backup")
    done = run_backup(database_path, target)
    assert done.returncode != 0 and "exists" in done.stderr
    assert target.read_bytes() == b"yesterday's backup"


def test_a_backup_is_readable_by_its_owner_only(
    center_with_tickets: None, database_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    assert run_backup(database_path, target).returncode == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # was 0o644: the password hashes
