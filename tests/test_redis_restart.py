"""Redis restarting under two server workers (design.md section 9): redis-server is stopped by
its PID and started again on the same port while the hall displays stay connected to both
workers. Afterwards a call made through either worker again reaches every display on both, once
and in `seq` order, and the queue snapshots follow, without restarting the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.redis import redis_server
from harness.server import flask_command, serve
from tests.helpers.workers import (
    CENTER,
    OPEN,
    PASSWORD,
    Client,
    Display,
    displays_on_both,
    need_redis,
    one_per_worker,
    workers_of,
)

pytestmark = pytest.mark.slow
DEADLINE_S = 20


@pytest.fixture
def closing() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def call_until_answered(clerk: Client, number: int) -> dict:
    """Call the next visitor, as a clerk would press again while the server reconnects."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        status, answer = clerk.send("POST", f"/api/counters/{number}/next")
        if status == 200:
            clerk.send("POST", f"/api/counters/{number}/finish")
            return dict(answer["ticket"])
        assert time.monotonic() < deadline, (status, answer)
        time.sleep(0.2)


def heard(displays: list[Display], count: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and any(len(d.seqs) < count for d in displays):
        time.sleep(0.05)


def test_calls_reach_every_display_on_both_workers_after_redis_restarts(
    tmp_path: Path, closing: None
) -> None:
    need_redis()
    database = tmp_path / "qms.db"
    (tmp_path / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(tmp_path / "center.toml"))
    for name in ("clerk1", "clerk2"):
        flask_command(database, "create-user", name, "--role", "clerk", "--password", PASSWORD)
    with (
        redis_server() as redis,
        serve(
            database,
            tmp_path / "gunicorn.log",
            QMS_WORKERS="2",
            QMS_MESSAGE_QUEUE=redis.url,
            QMS_PUSH_DELAY_S="0.05",
        ) as served,
    ):
        workers = workers_of(served.pid)
        displays = displays_on_both(served)
        clerks = list(one_per_worker(served).values())
        for number, (clerk, name) in enumerate(zip(clerks, ("clerk1", "clerk2"), strict=True), 1):
            assert clerk.sign_in(name)[0] == 200
            assert clerk.send("POST", f"/api/counters/{number}/open")[0] == 200
        for _ in range(6):
            assert clerks[0].send("POST", "/api/tickets", {"service": "A"})[0] == 201
        before = [call_until_answered(clerk, n) for n, clerk in enumerate(clerks, 1)]
        heard(displays, 2)

        old = redis.pid
        redis.restart()
        assert redis.pid != old

        after = [call_until_answered(clerk, n) for n, clerk in enumerate(clerks, 1)]
        heard(displays, 4)
        assert workers_of(served.pid) == workers  # the same workers came through it
        labels = [ticket["label"] for ticket in [*before, *after]]
        for display in displays:  # on both workers: every call once, in order
            assert [payload["label"] for payload in display.payloads] == labels, display.worker
            first = display.seqs[0]
            assert display.seqs == list(range(first, first + 4))
        assert {display.worker for display in displays} == set(workers)
        assert clerks[1].send("POST", "/api/tickets", {"service": "A"})[0] == 201
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and any(
            d.board.get("waiting", {}).get("A") != 3 for d in displays
        ):
            time.sleep(0.05)
        assert [d.board["waiting"]["A"] for d in displays] == [3] * len(displays)
