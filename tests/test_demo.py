"""`flask demo` drives a running server over HTTP, as kiosks and clerks would; its visitors leave
the ticket limit of a real kiosk on the same machine whole, and it says what the server refused."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from db.demo_client import NO_ANSWER, Tally
from harness.server import ROOT, flask_command, gunicorn
from tests.helpers.bookings import noon_zone

QUOTA_CENTER = """
[center]
name = "Demo"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
daily_quota = 2
[[services]]
code = "B"
name = "Chứng thực"
department = "TP"
[[counters]]
number = 1
services = ["A", "B"]
"""


def run_demo(database: Path, base: str, *options: str) -> str:
    """Run `flask demo` against the server at base; answer what it printed."""
    return flask_command(database, "demo", "--server", base, *options)


def test_the_demo_issues_calls_and_serves_tickets(tmp_path: Path) -> None:
    database = tmp_path / "qms.db"
    flask_command(database, "load-config", str(ROOT / "centers" / "can-tho.toml"))
    with gunicorn(database, tmp_path / "gunicorn.log") as base:
        output = run_demo(
            database,
            base,
            "--counters",
            "3",
            "--minutes",
            "0.2",
            "--rating-share",
            "1",
            "--speed",
            "120",
            "--per-hour",
            "600",
        )
    assert "Demo over" in output
    with sqlite3.connect(database) as connection:
        issued = connection.execute("SELECT count(*) FROM tickets").fetchone()[0]
        called = connection.execute("SELECT count(*) FROM calls").fetchone()[0]
        services = connection.execute("SELECT count(DISTINCT service) FROM tickets").fetchone()[0]
        done = connection.execute("SELECT count(*) FROM tickets WHERE status = 'done'").fetchone()[
            0
        ]
        rated = connection.execute("SELECT count(*) FROM ratings").fetchone()[0]
        printed = connection.execute("SELECT count(*) FROM print_jobs WHERE ok").fetchone()[0]
        devices = connection.execute("SELECT count(*) FROM devices").fetchone()[0]
    # its visitors print as the paired kiosk k1 and rate through paired tablets, unpaired after
    assert printed == issued and devices == 0
    assert issued >= 5 and called >= 1 and services >= 3
    assert done >= 1 and rated == done  # every served visitor rated, as asked
    summary = re.search(
        r"Demo over: (\d+) tickets issued, (\d+) bookings checked in, \d+ called, (\d+) served,"
        r" (\d+)",
        output,
    )
    assert summary is not None, output
    walk_ins, checked_in, served, rated_said = (int(n) for n in summary.groups())
    # a booking checked in is a ticket too (there are some only inside the center's hours)
    assert [walk_ins + checked_in, served, rated_said] == [issued, done, rated]
    # the center's hours may close some services now (409), but nothing is limited or broken
    assert not re.search(r"^  \w[\w-]*: (429|5\d\d|no answer) x", output, re.MULTILINE), output


ALWAYS_OPEN_BOOKINGS = """
[center]
name = "Demo"
timezone = "{zone}"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
hours = ["00:00-24:00"]
appointments = {slot_min = 15, per_slot = 50}
[[counters]]
number = 1
services = ["A"]
"""


def test_some_demo_visitors_book_ahead_and_check_in(tmp_path: Path) -> None:
    database = tmp_path / "qms.db"
    center = tmp_path / "center.toml"
    center.write_text(ALWAYS_OPEN_BOOKINGS.replace("{zone}", noon_zone()), encoding="utf-8")
    flask_command(database, "load-config", str(center))
    with gunicorn(database, tmp_path / "gunicorn.log") as base:
        output = run_demo(
            database,
            base,
            "--counters",
            "1",
            "--minutes",
            "0.15",
            "--speed",
            "120",
            "--per-hour",
            "900",
            "--booking-share",
            "0.5",
        )
    checked_in = re.search(r"(\d+) bookings checked in", output)
    assert checked_in is not None, output
    with sqlite3.connect(database) as connection:
        booked = connection.execute(
            "SELECT count(*) FROM appointments WHERE ticket IS NOT NULL"
        ).fetchone()[0]
    assert int(checked_in.group(1)) == booked >= 1, output


def kiosk_ticket(base: str, service: str) -> int:
    """A visitor at a kiosk on the demo's machine: no token, the same 127.0.0.1."""
    request = urllib.request.Request(
        base + "/api/tickets",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"service": service, "kiosk": "k1"}).encode(),
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_demo_leaves_a_kiosks_limit_whole_and_reports_what_was_refused(
    tmp_path: Path,
) -> None:
    database = tmp_path / "qms.db"
    center = tmp_path / "center.toml"
    center.write_text(QUOTA_CENTER)
    flask_command(database, "load-config", str(center))
    with gunicorn(database, tmp_path / "gunicorn.log", QMS_TICKET_RATE_LIMIT="3/minute") as base:
        output = run_demo(
            database,
            base,
            "--counters",
            "1",
            "--minutes",
            "0.1",
            "--speed",
            "120",
            "--per-hour",
            "600",
        )
        statuses = [kiosk_ticket(base, "B") for _ in range(4)]
    assert statuses == [201, 201, 201, 429]  # the kiosk's own 3 a minute, untouched by the demo
    with sqlite3.connect(database) as connection:
        by_token = connection.execute("SELECT count(*) FROM tickets").fetchone()[0] - 3
        tokens = connection.execute("SELECT name FROM api_tokens").fetchall()
    assert by_token > 3  # the demo issued more than the limit, none refused for it
    assert tokens == []  # its visitors' token is revoked when it ends
    refused = re.search(r"The server refused (\d+) of the demo's \d+ requests \((.*)\)\.", output)
    assert refused is not None, output
    assert "429: 0" in refused.group(2) and "5xx: 0" in refused.group(2)
    quota = re.search(r"^  ticket: 409 x(\d+)$", output, re.MULTILINE)  # service A's quota of 2
    assert quota is not None and int(quota.group(1)) >= 1, output
    assert f"other 4xx: {quota.group(1)}" in refused.group(2)


def test_the_tally_sorts_refusals_by_kind() -> None:
    tally = Tally()
    for kind, status in [
        ("ticket", 201),
        ("ticket", 201),
        ("ticket", 429),
        ("ticket", 409),
        ("next", 204),
        ("next", 200),
        ("finish", 500),
        ("rating", NO_ANSWER),
    ]:
        tally.count(kind, status)
    assert tally.succeeded("ticket") == 2 and tally.succeeded("next") == 1
    assert tally.refused() == {"429": 1, "other 4xx": 1, "5xx": 1, "no answer": 1}
    assert tally.report() == [
        "The server refused 4 of the demo's 8 requests (429: 1, other 4xx: 1, 5xx: 1,"
        " no answer: 1).",
        "  finish: 500 x1",
        "  rating: no answer x1",
        "  ticket: 409 x1",
        "  ticket: 429 x1",
    ]
    assert Tally().report() == ["The server refused none of the demo's 0 requests."]


def test_only_a_valid_token_passes_the_per_address_limit(database_path: Path, clock: Any) -> None:
    from core.center import load_center
    from core.users import create_token
    from db import connect
    from server import create_app
    from tests.conftest import SMALL_CENTER

    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(database_path),
            "SECRET_KEY": "t",
            "TICKET_RATE_LIMIT": "1/minute",
        }
    )
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    token = create_token(database, "demo-visitors", role="clerk", now=clock())
    client = app.test_client()

    def issue(**headers: str) -> int:
        return int(client.post("/api/tickets", json={"service": "A"}, headers=headers).status_code)

    assert [issue(Authorization=f"Bearer {token}") for _ in range(3)] == [201, 201, 201]
    assert [issue(), issue()] == [201, 429]  # the address's own one a minute, still whole
    assert issue(Authorization="Bearer not-a-token") == 429
    app.extensions["qms.pool"].close()
