"""The first admin: made at the first start with a password shown once, or the one the installer
gave; never a default password, never made twice."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.users import create_user, get_user
from db import connect
from db.first_admin import WELL_KNOWN, ensure_first_admin, random_password

PRINTED = re.compile(r"^ {6}([a-z2-9]{4}(?:-[a-z2-9]{4}){3})$", re.MULTILINE)
DEFAULTS = ["admin", "password", "admin123", "12345678", "changeme", "administrator", "qms"]


@pytest.fixture(autouse=True)
def no_admin_password_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QMS_ADMIN_PASSWORD", raising=False)


def build(database_path: Any, **config: Any) -> Any:
    """Build the server's app as gunicorn and the command line do (no TESTING shortcut)."""
    from server import create_app

    return create_app(
        {"DATABASE": str(database_path), "SECRET_KEY": "s", "TICKET_RATE_LIMIT": "off", **config}
    )


def start(database_path: Any, **config: Any) -> Any:
    """Start the server's app the way gunicorn's worker does: built, then prepared to serve."""
    from server import prepare

    return prepare(build(database_path, **config))


def sign_in_as_admin(app: Any, password: str) -> Any:
    return app.test_client().post("/api/session", json={"username": "admin", "password": password})


def test_the_first_start_makes_admin_and_prints_its_password_once(
    database_path: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    app = start(database_path)
    printed = capfd.readouterr().err
    passwords = PRINTED.findall(printed)
    assert len(passwords) == 1, printed
    answer = sign_in_as_admin(app, passwords[0])
    assert answer.status_code == 200 and answer.json["user"]["role"] == "admin"

    again = start(database_path)
    output = capfd.readouterr()
    assert passwords[0] not in output.err + output.out
    assert "admin" not in output.err
    assert sign_in_as_admin(again, passwords[0]).status_code == 200


def test_building_the_app_makes_no_admin_and_no_database(
    database_path: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    build(database_path)  # what `flask --app server <command> --help` does
    assert not database_path.exists()
    assert "First start" not in capfd.readouterr().err


def test_a_server_started_without_the_hook_makes_admin_before_its_first_answer(
    database_path: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    app = build(database_path)
    assert app.test_client().get("/healthz").json == {"status": "ok"}
    passwords = PRINTED.findall(capfd.readouterr().err)
    assert len(passwords) == 1
    assert sign_in_as_admin(app, passwords[0]).status_code == 200


def test_gunicorns_worker_makes_admin_as_it_starts(
    database_path: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    hooks = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    worker = SimpleNamespace(wsgi=build(database_path))
    hooks["post_worker_init"](worker)
    passwords = PRINTED.findall(capfd.readouterr().err)
    assert len(passwords) == 1
    assert sign_in_as_admin(worker.wsgi, passwords[0]).status_code == 200
    hooks["post_worker_init"](SimpleNamespace(wsgi=build(database_path)))  # a second worker
    assert not PRINTED.findall(capfd.readouterr().err)


def test_no_default_password_opens_the_first_admin(database_path: Any) -> None:
    from core.users import authenticate

    start(database_path)
    database = connect(database_path)
    assert get_user(database, "admin").role == "admin"
    for password in DEFAULTS:
        assert authenticate(database, "admin", password) is None, password


def test_the_password_can_come_from_the_environment_and_is_not_printed(
    database_path: Any, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QMS_ADMIN_PASSWORD", "12345678901")  # digits only: not read as a number
    app = start(database_path)
    output = capfd.readouterr()
    assert "12345678901" not in output.err + output.out
    assert sign_in_as_admin(app, "12345678901").status_code == 200


@pytest.mark.parametrize("password", ["short", "password", "Admin123", "changeme"])
def test_a_weak_or_well_known_password_from_the_environment_stops_the_start(
    database_path: Any, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    monkeypatch.setenv("QMS_ADMIN_PASSWORD", password)
    with pytest.raises(ValueError, match="QMS_ADMIN_PASSWORD"):
        start(database_path)
    database = connect(database_path)
    assert database.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_nothing_is_made_when_an_admin_exists(database_path: Any, clock: Any) -> None:
    from db import migrate

    database = connect(database_path)
    migrate(database)
    create_user(database, "boss", role="admin", password="boss-password", now=clock())
    assert ensure_first_admin(database, password=None, now=clock()) is None
    assert [row[0] for row in database.execute("SELECT username FROM users")] == ["boss"]


def test_the_name_admin_taken_by_a_clerk_is_left_alone(database_path: Any, clock: Any) -> None:
    from db import migrate

    database = connect(database_path)
    migrate(database)
    create_user(database, "admin", role="clerk", password="clerk-password", now=clock())
    assert ensure_first_admin(database, password=None, now=clock()) is None
    assert get_user(database, "admin").role == "clerk"


def test_test_apps_make_their_own_users(app: Any, database_path: Any) -> None:
    database = connect(database_path)
    admins = database.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()[0]
    assert admins == 0


def test_random_passwords_are_long_readable_and_different() -> None:
    passwords = {random_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
        assert not set(password) & set("01ilo")
    assert all(len(password) >= 8 for password in WELL_KNOWN)
