"""Signing staff in and out.

A session lasts one shift (`SESSION_HOURS`, 12 by default) from the moment of signing in, however
busy it is; a password reset or a disabled account ends it at the next request (api/auth.py), and
its open sockets at once (`close_ended_sockets`), so a counter screen left open hears no more.
"""

from __future__ import annotations

import secrets

from flask import current_app, jsonify, session
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SIGNED_IN_AT, STAFF, current_user, require
from api.errors import error
from api.limits import LOGIN_LIMIT, limiter, login_throttle
from api.schemas import Login
from api.validation import documented, parse
from core.users import authenticate
from db.web import get_db, now
from realtime import COUNTER, socketio


@bp.post("/session")
@limiter.limit(LOGIN_LIMIT)
@documented(
    "Sign in; answers the user and the CSRF token",
    body=Login,
    responses={
        200: "signed in",
        401: "wrong name or password",
        429: "too many tries from this device, or for this username",
    },
)
def sign_in() -> ResponseReturnValue:
    login = parse(Login)
    throttle, moment = login_throttle(), now()
    wait_s = throttle.locked_for(login.username, moment)
    if wait_s:
        return _locked(wait_s)
    user = authenticate(get_db(), login.username, login.password)
    if user is None:
        throttle.failed(login.username, moment)
        return error(401, "unauthorized", "Wrong username or password.")
    throttle.succeeded(login.username)
    session.clear()
    session.permanent = True  # the cookie outlives a browser restart, not the shift
    session.update(
        username=user.username,
        version=user.session_version,
        csrf=secrets.token_urlsafe(24),
        **{SIGNED_IN_AT: int(moment.timestamp())},
    )
    return jsonify(user={"username": user.username, "role": user.role}, csrf_token=session["csrf"])


def _locked(wait_s: int) -> ResponseReturnValue:
    minutes = max(1, (wait_s + 59) // 60)
    answer = jsonify(
        error="too_many_failures",
        message=f"Too many wrong passwords for this username. Wait {minutes} minute(s) and try "
        "again, or ask a supervisor to reset the password.",
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
    session.clear()
    return "", 204


def close_ended_sockets() -> None:
    """Close the staff sockets whose credentials no longer pass; call it after the commit.

    Each /counter socket's cookie or bearer token is checked again as at its connection (the
    account switched off or its password reset, the token revoked). The sockets of this process
    only: Socket.IO lists no other worker's. (A print agent is a paired device: revoking it
    closes its sockets on every worker, realtime.close_device_sockets.)
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    server = socketio.server
    for sid, _ in list(server.manager.get_participants(COUNTER, None)):
        environ = server.get_environ(sid, COUNTER)
        if environ is None:
            continue
        with app.app_context(), app.request_context(environ):  # its own `g`: not the caller's
            ended = current_user() is None
        if ended:
            server.disconnect(sid, namespace=COUNTER)
