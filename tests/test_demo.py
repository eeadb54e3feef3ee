"""`flask demo` drives a running server over HTTP, as kiosks and clerks would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.servers import ROOT, flask_command, gunicorn


def test_the_demo_issues_calls_and_serves_tickets(tmp_path: Path) -> None:
    database = tmp_path / "qms.db"
    flask_command(database, "load-config", str(ROOT / "centers" / "can-tho.toml"))
    with gunicorn(database, tmp_path / "gunicorn.log") as base:
        output = flask_command(
            database,
            "demo",
            "--server",
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
    assert issued >= 5 and called >= 1 and services >= 3
    assert done >= 1 and rated == done  # every served visitor rated, as asked
