"""Shared fixtures: a real SQLite file per test, a fixed and advanceable clock, a small center.

No mocks of SQLite, Flask or Socket.IO; fakes only at the hardware edge.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlite_utils

# Failed asserts in the shared helpers say what differed, as they do in the tests.
pytest.register_assert_rewrite("tests.helpers")

# escpos leaves a folder in the temp dir on import: keep it out of the machine's /tmp.
os.environ["TMPDIR"] = tempfile.mkdtemp(prefix="qms-tests-")
tempfile.tempdir = None

from core.center import load_center  # noqa: E402
from db import connect, migrate  # noqa: E402

if TYPE_CHECKING:
    from harness.server import Served

# 08:00 in Ho Chi Minh City on a Monday.
MORNING = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

SMALL_CENTER: dict[str, Any] = {
    # Four faces: the three levels, the default, are tested where a test sets them.
    "center": {
        "name": "Trung tâm thử",
        "language": "vi",
        "timezone": "Asia/Ho_Chi_Minh",
        "rating_scale": 4,
    },
    "departments": [
        {"code": "TP", "name": "Sở Tư pháp", "name_en": "Justice"},
        {"code": "TC", "name": "Sở Tài chính"},
    ],
    "services": [
        {"code": "A", "name": "Hộ tịch", "department": "TP"},
        {"code": "B", "name": "Chứng thực", "department": "TP", "daily_quota": 3},
        {
            "code": "D",
            "name": "Doanh nghiệp",
            "department": "TC",
            "hours": ["07:00-11:30", "13:00-16:30"],
        },
    ],
    "counters": [
        {"number": 1, "services": ["A", "B"]},
        {"number": 2, "services": ["B", "A"]},
        {"number": 3, "services": ["D"]},
    ],
}


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = MORNING) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "qms.db"


@pytest.fixture
def db(database_path: Path) -> Iterator[sqlite_utils.Database]:
    database = connect(database_path)
    migrate(database)
    load_center(database, SMALL_CENTER)
    yield database
    database.conn.close()


CLERK_PASSWORD = "clerk-password-1"


@pytest.fixture
def app(database_path: Path, clock: Clock) -> Iterator[Any]:
    """The real app on a real SQLite file, with SMALL_CENTER, clerks an/binh and a supervisor."""
    from core.users import create_user
    from server import create_app

    application = create_app(
        {
            "TESTING": True,
            "DATABASE": str(database_path),
            "SECRET_KEY": "test-secret",
            "TICKET_RATE_LIMIT": "off",
            "PUSH_DELAY_S": 0,
        }
    )
    application.extensions["qms.clock"] = clock
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    for username, role in (("an", "clerk"), ("binh", "clerk"), ("chi", "supervisor")):
        create_user(database, username, role=role, password=CLERK_PASSWORD, now=clock())
    database.conn.close()
    yield application
    application.extensions["qms.pool"].close()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


def sign_in(client: Any, username: str) -> dict[str, str]:
    """Sign a test client in; return the headers its state-changing requests must carry."""
    answer = client.post("/api/session", json={"username": username, "password": CLERK_PASSWORD})
    assert answer.status_code == 200, answer.json
    return {"X-CSRF-Token": answer.json["csrf_token"]}


@pytest.fixture
def admin(app: Any, client: Any, clock: Clock) -> dict[str, str]:
    """The client signed in as the admin "root"; the CSRF headers its changes carry."""
    from core.users import create_user

    database = connect(app.config["DATABASE"])
    create_user(database, "root", role="admin", password=CLERK_PASSWORD, now=clock())
    database.conn.close()
    return sign_in(client, "root")


@pytest.fixture
def escpos_temp_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Importing escpos leaves a folder in the temp directory: give it one of the test's own."""
    directory = tmp_path_factory.mktemp("escpos")
    monkeypatch.setenv("TMPDIR", str(directory))
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.fixture
def change(clock: Clock) -> Any:
    """Who changes the configuration in the configuration tests, when, and why."""
    from core.configuration import Change

    return Change(actor="root", now=clock(), reason="test")


@pytest.fixture
def opened_connections() -> Iterator[None]:
    """Close the connections and sockets a two-worker test opened (tests.helpers.workers)."""
    from tests.helpers.workers import close_opened

    yield
    close_opened()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str, Path]]:
    """Two gunicorn workers over one Redis, serving one center with a kiosk whose print agent
    prints; its users share one password. Answers the server, a clerk token for kiosk k1 and the
    database; one server for a test file."""
    from harness.redis import redis_server
    from harness.server import flask_command, serve
    from tests.helpers.workers import CENTER, PASSWORD, TICKET_LIMIT, need_redis, workers_of

    need_redis()
    folder = tmp_path_factory.mktemp("workers")
    database = folder / "qms.db"
    center = folder / "center.toml"
    center.write_text(CENTER)
    flask_command(database, "load-config", str(center))
    for name in ("clerk1", "clerk2", "lan"):
        flask_command(database, "create-user", name, "--role", "clerk", "--password", PASSWORD)
    flask_command(database, "create-user", "root", "--role", "admin", "--password", PASSWORD)
    token = flask_command(database, "create-token", "kiosk-k1", "--role", "clerk").strip()
    with (
        redis_server() as redis,
        serve(
            database,
            folder / "gunicorn.log",
            QMS_WORKERS="2",
            QMS_MESSAGE_QUEUE=redis.url,
            QMS_TICKET_RATE_LIMIT=f"{TICKET_LIMIT}/minute",
            QMS_PUSH_DELAY_S="0.05",
        ) as served,
    ):
        assert len(workers_of(served.pid)) == 2
        yield served, token, database
