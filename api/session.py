"""Signing staff in and out."""

from __future__ import annotations

import secrets

from flask import jsonify, session
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import STAFF, current_user, require
from api.errors import error
from api.limits import limiter
from api.schemas import Login
from api.validation import documented, parse
from core.users import authenticate
from db.web import get_db

LOGIN_LIMIT = "10/minute"


@bp.post("/session")
@limiter.limit(LOGIN_LIMIT)
@documented(
    "Sign in; answers the user and the CSRF token",
    body=Login,
    responses={200: "signed in", 401: "wrong name or password", 429: "too many tries"},
)
def sign_in() -> ResponseReturnValue:
    login = parse(Login)
    user = authenticate(get_db(), login.username, login.password)
    if user is None:
        return error(401, "unauthorized", "Wrong username or password.")
    session.clear()
    session.update(
        username=user.username, version=user.session_version, csrf=secrets.token_urlsafe(24)
    )
    return jsonify(user={"username": user.username, "role": user.role}, csrf_token=session["csrf"])


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
