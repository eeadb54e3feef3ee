"""Staff sessions and passwords: the cookie's rules, a shift-long lifetime, and sessions kept on
the server, which end at once when a password is reset or an account disabled (the lockouts of
wrong passwords: tests/test_lockouts.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from werkzeug.http import parse_date

from core.center import load_center
from core.sessions import end_session, purge_sessions, session_user, start_session
from core.users import create_user, get_user, set_password
from db import connect
from tests.conftest import CLERK_PASSWORD, SMALL_CENTER, sign_in
from tests.helpers.passwords import try_password


def session_cookie(answer: Any) -> str:
    cookies = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, answer.headers
    return cookies[0]


def attributes(cookie: str) -> dict[str, str]:
    parts = [part.strip() for part in cookie.split(";")[1:]]
    return {name.lower(): value for name, _, value in (part.partition("=") for part in parts)}


def test_the_session_cookie_is_httponly_samesite_lax_and_lasts_one_shift(client: Any) -> None:
    answer = try_password(client, "an", CLERK_PASSWORD)
    cookie = attributes(session_cookie(answer))
    assert "httponly" in cookie and cookie["samesite"] == "Lax"
    assert "secure" not in cookie  # plain HTTP on the LAN: a Secure cookie would never come back
    expires = parse_date(cookie["expires"])
    assert expires is not None
    left = expires - datetime.now(UTC)
    assert timedelta(hours=11, minutes=55) < left <= timedelta(hours=12)


def test_the_session_cookie_is_secure_over_https(client: Any) -> None:
    answer = client.post(
        "/api/session",
        json={"username": "an", "password": CLERK_PASSWORD},
        base_url="https://qms.local",
    )
    assert "secure" in attributes(session_cookie(answer))


def test_the_session_cookie_is_secure_when_configured_behind_a_tls_proxy(
    database_path: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import create_app

    monkeypatch.setenv("QMS_SESSION_COOKIE_SECURE", "1")
    app = create_app({"TESTING": True, "DATABASE": str(database_path), "SECRET_KEY": "s"})
    database = connect(database_path)
    create_user(database, "an", role="clerk", password=CLERK_PASSWORD, now=clock())
    answer = try_password(app.test_client(), "an", CLERK_PASSWORD)
    assert answer.status_code == 200
    assert "secure" in attributes(session_cookie(answer))


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(client: Any, clock: Any) -> None:
    sign_in(client, "an")
    for _ in range(11):
        clock.advance(hours=1)
        assert client.get("/api/counters/1").status_code == 200
    clock.advance(minutes=59)
    assert client.get("/api/session").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/api/counters/1").status_code == 401
    assert client.get("/api/session").status_code == 401


def test_the_session_length_comes_from_the_configuration(
    database_path: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import create_app

    monkeypatch.setenv("QMS_SESSION_HOURS", "1")
    app = create_app({"TESTING": True, "DATABASE": str(database_path), "SECRET_KEY": "s"})
    app.extensions["qms.clock"] = clock
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    create_user(database, "an", role="clerk", password=CLERK_PASSWORD, now=clock())
    client = app.test_client()
    sign_in(client, "an")
    clock.advance(minutes=59)
    assert client.get("/api/counters/1").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/api/counters/1").status_code == 401


def test_a_password_reset_signs_the_user_out_everywhere(app: Any, database_path: Any) -> None:
    counter_pc, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    headers = sign_in(counter_pc, "an")
    sign_in(phone, "an")
    sign_in(colleague, "binh")
    assert counter_pc.post("/api/counters/1/open", headers=headers).status_code == 200

    database = connect(database_path)
    set_password(database, "an", "a-brand-new-password")
    database.conn.close()

    for device in (counter_pc, phone):
        assert device.get("/api/counters/1").status_code == 401
        assert device.post("/api/counters/1/next", headers=headers).status_code == 401
        assert device.get("/api/session").status_code == 401
    assert colleague.get("/api/counters/1").status_code == 200
    assert try_password(phone, "an", CLERK_PASSWORD).status_code == 401
    assert try_password(phone, "an", "a-brand-new-password").status_code == 200


def test_a_disabled_user_loses_access_at_once(app: Any, database_path: Any) -> None:
    client = app.test_client()
    headers = sign_in(client, "an")
    database = connect(database_path)
    database.execute("UPDATE users SET active = 0 WHERE username = 'an'")
    database.conn.close()

    assert client.get("/api/counters/1").status_code == 401
    assert client.post("/api/counters/1/open", headers=headers).status_code == 401
    assert try_password(client, "an", CLERK_PASSWORD).status_code == 401


def test_signing_in_again_gives_a_new_csrf_token_and_signing_out_ends_the_session(
    client: Any,
) -> None:
    first = sign_in(client, "an")
    second = sign_in(client, "an")
    assert first != second
    assert client.post("/api/counters/1/open", headers=first).status_code == 403
    assert client.delete("/api/session", headers=second).status_code == 204
    assert client.get("/api/counters/1").status_code == 401


def test_a_strange_csrf_header_is_refused_not_a_crash(client: Any) -> None:
    sign_in(client, "an")
    for token in ("é", "\u00ff" * 40, "x" * 5000, " "):
        answer = client.post("/api/counters/1/open", headers={"X-CSRF-Token": token})
        assert (answer.status_code, answer.json["error"]) == (403, "csrf"), token


def test_a_strange_authorization_header_is_refused_not_a_crash(client: Any) -> None:
    for header in ("Bearer é", "Bearer ", "Bearer " + "x" * 5000, "Basic YTpi"):
        answer = client.get("/api/counters/1", headers={"Authorization": header})
        assert answer.status_code == 401, header


# ---- sessions kept on the server ---------------------------------------------------------------


def copy_cookie(source: Any, target: Any) -> None:
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def test_signing_out_ends_every_copy_of_the_cookie(app: Any) -> None:
    """Was: a cookie copied off a counter PC kept working after the clerk signed out."""
    counter_pc, copy = app.test_client(), app.test_client()
    headers = sign_in(counter_pc, "an")
    copy_cookie(counter_pc, copy)
    assert copy.post("/api/counters/1/open", headers=headers).status_code == 200
    assert counter_pc.delete("/api/session", headers=headers).status_code == 204
    assert copy.get("/api/counters/1").status_code == 401
    assert copy.post("/api/counters/1/close", headers=headers).status_code == 401


def test_the_cookie_names_nobody_and_the_database_keeps_only_a_hash_of_its_key(
    client: Any, database_path: Any
) -> None:
    from flask.sessions import SecureCookieSessionInterface

    sign_in(client, "an")
    cookie = client.get_cookie("session").value
    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    assert serializer is not None
    content = serializer.loads(cookie)
    assert set(content) == {"key", "csrf", "_permanent"}
    database = connect(database_path)
    stored = [row[0] for row in database.execute("SELECT key_hash FROM sessions")]
    database.conn.close()
    assert len(stored) == 1 and content["key"] not in stored[0] and len(stored[0]) == 64


def test_resetting_a_password_or_switching_an_account_off_ends_its_sessions_in_the_record(
    app: Any, admin: dict[str, str], clock: Any, database_path: Any
) -> None:
    from core.sessions import open_sessions

    admin_client = app.test_client()
    admin_headers = sign_in(admin_client, "root")
    for _ in range(2):
        sign_in(app.test_client(), "an")
        sign_in(app.test_client(), "binh")
    database = connect(database_path)
    assert (open_sessions(database, "an"), open_sessions(database, "binh")) == (2, 2)

    answer = admin_client.post(
        "/api/admin/users/an/password", json={"password": "fresh-pass-77"}, headers=admin_headers
    )
    assert answer.status_code == 200, answer.json
    answer = admin_client.put(
        "/api/admin/users/binh/active", json={"active": False}, headers=admin_headers
    )
    assert answer.status_code == 200, answer.json
    endings = dict(
        database.execute(
            "SELECT username, group_concat(DISTINCT ended_why) FROM sessions"
            " WHERE username IN ('an', 'binh') GROUP BY username"
        ).fetchall()
    )
    assert (open_sessions(database, "an"), open_sessions(database, "binh")) == (0, 0)
    assert endings == {"an": "password", "binh": "disabled"}
    database.conn.close()


def test_a_session_past_its_shift_is_recorded_as_expired(
    client: Any, clock: Any, database_path: Any
) -> None:
    sign_in(client, "an")
    clock.advance(hours=12)
    assert client.get("/api/counters/1").status_code == 401
    database = connect(database_path)
    assert database.execute("SELECT ended_why FROM sessions").fetchall() == [("expired",)]
    database.conn.close()


def test_sessions_ended_or_outlived_more_than_a_day_ago_are_purged(
    app: Any, database_path: Any, clock: Any
) -> None:
    database = connect(database_path)
    an = get_user(database, "an")
    start = clock()
    signed_out, reset, forgotten, today = (
        start_session(database, an, now=start + timedelta(hours=hours)) for hours in (0, 1, 2, 30)
    )
    end_session(database, signed_out, now=start + timedelta(hours=8))
    end_session(database, reset, now=start + timedelta(hours=20), why="password")
    # `forgotten` is never presented again: its shift ends at 14:00 on the first day
    shift = timedelta(hours=12)

    def left(hours: float) -> set[str]:
        purge_sessions(database, now=start + timedelta(hours=hours), lifetime=shift)
        return {row[0] for row in database.execute("SELECT key_hash FROM sessions").fetchall()}

    hashes = {
        key: hashlib.sha256(key.encode()).hexdigest()
        for key in (signed_out, reset, forgotten, today)
    }
    assert left(31.9) == set(hashes.values())  # each ended or outlived less than a day ago
    assert left(32) == {hashes[reset], hashes[forgotten], hashes[today]}
    assert left(38) == {hashes[reset], hashes[today]}
    assert left(44) == {hashes[today]}
    assert session_user(database, today, now=start + timedelta(hours=31), lifetime=shift) == an
    database.conn.close()
