"""Signing staff in and out.

A session is kept on the server (core/sessions.py) and lasts one shift (`SESSION_HOURS`, 12 by
default) from the moment of signing in, however busy it is. Signing out, a password reset or a
switched-off account ends it at once for every copy of its cookie, and closes its open sockets
(`close_ended_sockets`), so a counter screen left open hears no more.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app, jsonify, session
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SESSION_KEY, STAFF, current_user, require
from api.errors import error
from api.limits import LOGIN_LIMIT, client_address, limiter
from api.schemas import Login
from api.validation import documented, parse
from core.sessions import end_session, start_session
from core.users import authenticate
from db.web import get_db, now
from lockouts import login_throttle
from realtime import COUNTER, KIOSK, socketio
from shared import OneOrderRedisManager


@bp.post("/session")
@limiter.limit(LOGIN_LIMIT)
@documented(
    "Sign in; answers the user and the CSRF token",
    body=Login,
    responses={
        200: "signed in",
        401: "wrong name or password",
        429: "too many tries from this device, or for this username from it",
    },
)
def sign_in() -> ResponseReturnValue:
    login = parse(Login)
    throttle, moment, address = login_throttle(), now(), client_address()
    wait_s, why = throttle.locked_for(login.username, address, moment)
    if wait_s:
        return _locked(wait_s, why)
    user = authenticate(get_db(), login.username, login.password)
    if user is None:
        throttle.failed(login.username, address, moment)
        return error(401, "unauthorized", "Wrong username or password.")
    throttle.succeeded(login.username, address)
    key = start_session(get_db(), user, now=moment)
    session.clear()
    session.permanent = True  # the cookie outlives a browser restart, not the shift
    session.update({SESSION_KEY: key, "csrf": secrets.token_urlsafe(24)})
    return jsonify(user={"username": user.username, "role": user.role}, csrf_token=session["csrf"])


def _locked(wait_s: int, why: str) -> ResponseReturnValue:
    minutes = max(1, (wait_s + 59) // 60)
    what = "from this device" if why == "address" else "for this username from this device"
    answer = jsonify(
        error="too_many_failures",
        message=f"Too many wrong passwords {what}. Wait {minutes} minute(s) and try again, "
        "or ask an admin to unlock the name (Staff accounts) or reset the password.",
    )
    answer.status_code = 429
    answer.headers["Retry-After"] = str(wait_s)
    return answer


@bp.get("/session")
@documented("Who is signed in (for pages reloaded mid-shift)", responses={200: "user", 401: "no"})
def who_am_i() -> ResponseReturnValue:
    user = current_user()
    if user is None:
        return error(401, "unauthorized", "Sign in first.")
    return jsonify(
        user={"username": user.username, "role": user.role}, csrf_token=session.get("csrf")
    )


@bp.delete("/session")
@require(*STAFF)
@documented("Sign out", responses={204: "signed out"}, access="staff")
def sign_out() -> ResponseReturnValue:
    key = session.get(SESSION_KEY)
    session.clear()
    if key:  # a bearer token has no session to end
        end_session(get_db(), str(key), now=now())
        close_ended_sockets()
    return "", 204


def close_ended_sockets(revoked_token: str | None = None) -> None:
    """Close the staff sockets whose credentials no longer pass, on every worker; call it after
    the commit.

    With several workers, Socket.IO lists only this process's sockets: the word goes through
    the message queue's Redis, and each worker (this one too) closes its own (shared.py).
    """
    manager = socketio.server.manager
    if isinstance(manager, OneOrderRedisManager):
        manager.recheck(revoked_token)
    else:
        close_local_sockets(current_app._get_current_object(), revoked_token)  # type: ignore[attr-defined]


def close_local_sockets(app: Flask, revoked_token: str | None = None) -> None:
    """Close this process's staff sockets whose credentials no longer pass.

    Each /counter socket's cookie or bearer token is checked again as at its connection (signed
    out, the account switched off or its password reset, the token revoked); a revoked
    `kiosk-ID` token also closes that kiosk's print agents.
    """
    server = socketio.server
    for sid, _ in list(server.manager.get_participants(COUNTER, None)):
        environ = server.get_environ(sid, COUNTER)
        if environ is None:
            continue
        with app.app_context(), app.request_context(environ):  # its own `g`: not the caller's
            ended = current_user() is None
        if ended:
            server.disconnect(sid, namespace=COUNTER)
    if revoked_token and revoked_token.startswith("kiosk-"):
        room = f"agent:{revoked_token.removeprefix('kiosk-')}"
        for sid, _ in list(server.manager.get_participants(KIOSK, room)):
            server.disconnect(sid, namespace=KIOSK)


@bp.record_once
def _close_on_word_from_other_workers(state: Any) -> None:
    manager = socketio.server.manager if socketio.server is not None else None
    if isinstance(manager, OneOrderRedisManager):
        app: Flask = state.app
        manager.on_recheck = lambda token: close_local_sockets(app, token)
