"""The database on a disk that fills up or turns read-only (design.md section 9): every write
answers 503 `{"error": "storage"}`, reads go on, nothing answered is lost, and once the disk is
fixed the next ticket is taken, numbered right after the last one answered, without a restart.

The disk is a small tmpfs mounted for the test (root, as CI runs), so the faults are the
kernel's own ENOSPC and EROFS, as on a center's server.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import sign_in
from tests.helpers.centers import one_service_center

DISK_SIZE = "3m"
CENTER = one_service_center("Đĩa hỏng")


def mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True, capture_output=True, timeout=30)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A small filesystem of its own, unmounted after the test."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root: mounting the small disk must work there")
        pytest.skip("mounting a small tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mount("-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, timeout=30)


@pytest.fixture
def database_path(disk: Path) -> Path:
    return disk / "qms.db"


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte with a file of no use; answer it, to free the space."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):  # big blocks, then the last ones
            while True:
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(descriptor)
    return filler


def issue_until_refused(client: Any, limit: int = 400) -> tuple[list[dict[str, Any]], Any]:
    """Issue tickets until one is refused; answer those issued and the refusal."""
    issued = []
    for _ in range(limit):
        answer = client.post("/api/tickets", json={"service": "A"})
        if answer.status_code != 201:
            return issued, answer
        issued.append(answer.json)
    raise AssertionError(f"{limit} tickets were issued on a full disk")


def assert_storage_refusal(answer: Any) -> None:
    assert answer.status_code == 503, answer.json
    assert answer.json["error"] == "storage"
    assert "nothing was saved" in answer.json["message"]
    assert answer.headers["Retry-After"] == "30"


def test_a_full_disk_answers_503_storage_loses_nothing_and_recovers_when_space_returns(
    client: Any, disk: Path
) -> None:
    before = [client.post("/api/tickets", json={"service": "A"}).json for _ in range(3)]
    filler = fill(disk)

    during, refusal = issue_until_refused(client)

    assert_storage_refusal(refusal)
    assert client.post("/api/tickets", json={"service": "A"}).status_code == 503
    assert client.get("/api/services").status_code == 200  # the hall still reads
    filler.unlink()
    answer = client.post("/api/tickets", json={"service": "A"})
    assert answer.status_code == 201, answer.json
    answered = [ticket["label"] for ticket in [*before, *during, answer.json]]
    assert answered == [f"A{number:03d}" for number in range(1, len(answered) + 1)]
    for ticket in [*before, *during]:  # every ticket answered is there, as answered
        kept = client.get(ticket["track_url"].replace("/t/", "/api/tickets/"))
        assert kept.status_code == 200 and kept.json["label"] == ticket["label"]


def test_a_read_only_disk_answers_503_storage_for_tickets_and_counter_actions(
    app: Any, client: Any, disk: Path
) -> None:
    headers = sign_in(client, "an")
    assert client.post("/api/counters/1/open", headers=headers).status_code == 200
    first = client.post("/api/tickets", json={"service": "A"}).json
    app.extensions["qms.pool"].close()  # a filesystem with files open for writing stays rw
    mount("-o", "remount,ro", str(disk))
    try:
        assert_storage_refusal(client.post("/api/tickets", json={"service": "A"}))
        assert_storage_refusal(client.post("/api/counters/1/next", headers=headers))
        # A WAL database cannot even be opened for reading on a read-only filesystem once its
        # connections are closed: the reads say so too, in the same words, never a 500.
        assert_storage_refusal(client.get("/api/services"))
    finally:
        mount("-o", "remount,rw", str(disk))

    called = client.post("/api/counters/1/next", headers=headers)
    assert called.status_code == 200, called.json
    assert called.json["ticket"]["label"] == first["label"] == "A001"
    second = client.post("/api/tickets", json={"service": "A"})
    assert second.status_code == 201 and second.json["label"] == "A002"


def test_a_server_started_on_a_read_only_disk_answers_503_storage_until_it_is_writable(
    disk: Path, tmp_path: Path
) -> None:
    from harness.server import flask_command, serve_answering

    database = disk / "qms.db"
    (tmp_path / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(tmp_path / "center.toml"))
    mount("-o", "remount,ro", str(disk))
    remounted = False
    try:
        with serve_answering(database, tmp_path / "gunicorn.log", 503, {}) as served:
            refused = requests.post(f"{served.url}/api/tickets", json={"service": "A"}, timeout=10)
            assert refused.status_code == 503 and refused.json()["error"] == "storage"
            assert refused.headers["Retry-After"] == "30"
            mount("-o", "remount,rw", str(disk))
            remounted = True
            taken = requests.post(f"{served.url}/api/tickets", json={"service": "A"}, timeout=10)
            assert taken.status_code == 201, taken.text
            assert taken.json()["label"] == "A001"
            assert requests.get(f"{served.url}/healthz", timeout=10).status_code == 200
    finally:
        if not remounted:
            mount("-o", "remount,rw", str(disk))
    log = (tmp_path / "gunicorn.log").read_text()
    assert "storage fault at start" in log and "Traceback" not in log
