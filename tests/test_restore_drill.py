"""Backups that restore (design.md section 9): the running server backs itself up on schedule
(`QMS_BACKUP_DIR`), keeps the newest `QMS_BACKUP_KEEP`, and the drill an operator would run
works: restore the latest backup into a fresh folder with `flask --app server restore`, start a
server on it, and find every ticket answered before the backup."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db import connect, migrate
from db.backups import LOCK, backup_if_due, backups
from harness.server import flask_command, serve
from tests.helpers.centers import one_service_center

CENTER = one_service_center("Sao lưu")


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return dict(json.load(response))


def track(base: str, ticket: dict[str, Any]) -> dict[str, Any]:
    url = base + ticket["track_url"].replace("/t/", "/api/tickets/")
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(json.load(response))


def started_at(backup: Path) -> datetime:
    """When a scheduled backup began, from its name (qms-YYYYMMDDTHHMMSSZ.db)."""
    return datetime.strptime(backup.stem, "qms-%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def wait_for_backup_after(folder: Path, moment: float, timeout_s: float = 30) -> Path:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        later = [b for b in backups(folder) if started_at(b).timestamp() > moment]
        if later:
            return later[-1]
        time.sleep(0.2)
    raise AssertionError(f"no backup began after {moment}: {backups(folder)}")


def test_restore_the_latest_scheduled_backup_and_find_every_ticket_answered_before_it(
    tmp_path: Path,
) -> None:
    database, folder = tmp_path / "live" / "qms.db", tmp_path / "backups"
    (tmp_path / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(tmp_path / "center.toml"))
    schedule = {"QMS_BACKUP_DIR": str(folder), "QMS_BACKUP_EVERY": "0.0005", "QMS_BACKUP_KEEP": "2"}
    with serve(database, tmp_path / "live.log", **schedule) as served:
        answered = [post(served.url + "/api/tickets", {"service": "A"}) for _ in range(12)]
        moment = time.time()
        latest = wait_for_backup_after(folder, moment)
        later = post(served.url + "/api/tickets", {"service": "A"})  # after the backup began
        wait_for_backup_after(folder, started_at(latest).timestamp() + 1)
        wait_for_backup_after(folder, started_at(backups(folder)[-1]).timestamp() + 1)
        kept = backups(folder)
        assert len(kept) == 2  # the newest two, the older removed
        for backup in kept:
            assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert not list(folder.glob("*.partial"))

    chosen = kept[0]
    assert started_at(chosen) > datetime.fromtimestamp(moment, UTC)
    fresh = tmp_path / "restored" / "qms.db"
    said = flask_command(fresh, "restore", str(chosen))
    assert f"Restored {chosen} to {fresh}" in said
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    with serve(fresh, tmp_path / "restored.log") as restored:
        for ticket in answered:
            found = track(restored.url, ticket)
            assert (found["label"], found["status"]) == (ticket["label"], "waiting")
        held = int(said.rsplit("(", 1)[1].split()[0])  # "... (13 tickets)."
        assert held >= len(answered)
        assert post(restored.url + "/api/tickets", {"service": "A"})["label"] == f"A{held + 1:03d}"
    assert later["label"] == "A013"


def test_restore_refuses_to_replace_a_database_or_to_restore_what_is_no_backup(
    tmp_path: Path,
) -> None:
    database = tmp_path / "qms.db"
    migrate(connect(database))
    backup = tmp_path / "copy.db"
    flask_command(database, "backup", str(backup))
    with pytest.raises(RuntimeError, match="move the old database"):
        flask_command(database, "restore", str(backup))
    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_text("these are notes, not a database " * 200)
    with pytest.raises(RuntimeError, match="not a usable backup"):
        flask_command(tmp_path / "fresh" / "qms.db", "restore", str(not_a_backup))
    assert not (tmp_path / "fresh" / "qms.db").exists()


def test_a_backup_is_made_only_when_due_and_by_one_process_at_a_time(tmp_path: Path) -> None:
    database, folder = tmp_path / "qms.db", tmp_path / "backups"
    migrate(connect(database))
    first = backup_if_due(database, folder, every_s=3600, keep=3)
    assert first is not None and first.exists()
    assert backup_if_due(database, folder, every_s=3600, keep=3) is None  # not due yet
    older = first.with_name("qms-20261205T000000Z.db")  # as if made two hours ago
    first.rename(older)
    os.utime(older, (time.time() - 7200, time.time() - 7200))
    with open(folder / LOCK, "a") as lock:  # another worker is copying
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert backup_if_due(database, folder, every_s=3600, keep=3) is None
    assert backup_if_due(database, folder, every_s=3600, keep=3) is not None
