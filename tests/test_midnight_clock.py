"""Midnight on the server's real clock (design.md section 9): libfaketime starts the gunicorn
process's clock a few seconds before a center's midnight and lets it run, so the server's own
timer, SQLite's and every worker see the day end as they would in the hall. Tickets issued before
midnight and still waiting are closed as expired (logged, reported), numbering restarts at 001,
and the hall display and the kiosk are pushed the new day on the connection they already have.
The server runs two workers (with Redis), each watching the clock: the day is closed once, every
expired ticket logged once. The same holds for a server that was off at midnight and starts the
next morning.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.reports import summary
from db import connect
from harness.redis import redis_server
from harness.server import flask_command, serve
from tests.helpers.screens import Screen
from tests.helpers.workers import need_redis, workers_of

pytestmark = pytest.mark.slow

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
CENTER = """
[center]
name = "Nửa đêm"
timezone = "Asia/Ho_Chi_Minh"
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
"""


def clock_at(moment: str) -> dict[str, str]:
    """The environment that starts a process's clock at `moment` (center time) and lets it run."""
    if not LIBFAKETIME.exists():
        if os.environ.get("CI"):
            pytest.fail("libfaketime is missing in CI: scripts/setup installs the faketime package")
        pytest.skip("libfaketime is not installed (scripts/setup installs the faketime package)")
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"@{moment}",
        "FAKETIME_NO_CACHE": "1",
        "TZ": "Asia/Ho_Chi_Minh",
    }


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return dict(json.load(response))


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def status_of(base: str, ticket: dict[str, Any]) -> str:
    return str(get(base + ticket["track_url"].replace("/t/", "/api/tickets/"))["status"])


def logged_expiries(database: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(
            "SELECT t.label, e.data FROM ticket_events e JOIN tickets t ON t.id = e.ticket"
            " WHERE e.kind = 'expired' ORDER BY t.label"
        ).fetchall()
    finally:
        connection.close()


@pytest.fixture
def center(tmp_path: Path) -> Iterator[Path]:
    database = tmp_path / "qms.db"
    (tmp_path / "center.toml").write_text(CENTER)
    flask_command(database, "load-config", str(tmp_path / "center.toml"))
    yield database


def test_a_server_running_through_midnight_closes_the_day_and_rolls_the_screens(
    center: Path, tmp_path: Path
) -> None:
    need_redis()
    clock = clock_at("2026-12-06 23:59:35")  # 25 s early: a loaded machine starts gunicorn slowly
    with (
        redis_server() as redis,
        serve(
            center,
            tmp_path / "gunicorn.log",
            QMS_WORKERS="2",
            QMS_MESSAGE_QUEUE=redis.url,
            **clock,
        ) as served,
    ):
        assert len(workers_of(served.pid)) == 2
        base = served.url
        before = [post(base + "/api/tickets", {"service": code}) for code in ("A", "A", "B")]
        assert [ticket["label"] for ticket in before] == ["A001", "A002", "B001"]
        display = Screen(base, "/display", ("board",))
        kiosk = Screen(base, "/kiosk", ("services",))
        phone = Screen(
            base, "/track", ("ticket",), query="token=" + before[0]["track_url"].rsplit("/", 1)[1]
        )
        try:
            display.wait(lambda: (display.latest("board") or {}).get("waiting", {}).get("A") == 2)

            # The clock runs on into 7 December: the server's own timer closes the day.
            display.wait(lambda: display.latest("board")["waiting"] == {"A": 0, "B": 0}, 45)
            kiosk.wait(lambda: [s["waiting"] for s in kiosk.latest("services")] == [0, 0])
            phone.wait(lambda: phone.received("ticket") == [{"ticket": before[0]["id"]}])
            assert (display.connections, kiosk.connections, phone.connections) == (1, 1, 1)

            assert [status_of(base, ticket) for ticket in before] == ["expired"] * 3
            after = post(base + "/api/tickets", {"service": "A"})
            assert after["label"] == "A001"
            display.wait(lambda: display.latest("board")["waiting"]["A"] == 1)
        finally:
            for screen in (display, kiosk, phone):
                screen.close()

    assert logged_expiries(center) == [
        ("A001", '{"day": "2026-12-06"}'),
        ("A002", '{"day": "2026-12-06"}'),
        ("B001", '{"day": "2026-12-06"}'),
    ]
    database = connect(center)
    report = summary(database, date(2026, 12, 6), date(2026, 12, 6))
    database.conn.close()
    assert report["totals"]["issued"] == 3 and report["totals"]["expired"] == 3
    assert (
        "3 waiting tickets of past days closed as expired"
        in (tmp_path / "gunicorn.log").read_text()
    )


def test_a_server_started_after_midnight_closes_the_days_it_missed(
    center: Path, tmp_path: Path
) -> None:
    with serve(center, tmp_path / "evening.log", **clock_at("2026-12-06 16:30:00")) as served:
        waiting = [post(served.url + "/api/tickets", {"service": "A"}) for _ in range(2)]

    with serve(center, tmp_path / "morning.log", **clock_at("2026-12-07 07:30:00")) as served:
        assert [status_of(served.url, ticket) for ticket in waiting] == ["expired"] * 2
        services = {service["code"]: service for service in get(served.url + "/api/services")}
        assert services["A"]["waiting"] == 0
        assert post(served.url + "/api/tickets", {"service": "A"})["label"] == "A001"

    assert [label for label, _ in logged_expiries(center)] == ["A001", "A002"]
