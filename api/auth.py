"""Who is asking: a staff session (cookie + CSRF token) or an integration's bearer token.

A session remembers the user's session version: a password reset bumps it, which signs the user
out everywhere. It also remembers when it began, and ends after one shift whatever the cookie
says (`SESSION_HOURS`, see security.py), so a cookie copied off a counter PC does not open it
next week. Every request checks the account again, so a disabled user is out at once.
State-changing requests made with the cookie must carry the CSRF token in `X-CSRF-Token`; bearer
requests need none (no browser sends them on its own).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request, session

from api.errors import error
from core.errors import NotFound
from core.users import User, get_user, user_for_token
from core.vocabulary import ROLES
from db.web import get_db, now

View = TypeVar("View", bound=Callable[..., Any])
STAFF = ROLES  # every staff role may act at a counter
SUPERVISORS = ("supervisor", "admin")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SIGNED_IN_AT = "signed_in_at"  # session key: the sign-in moment, in Unix seconds


def current_user() -> User | None:
    """The signed-in user or token of this request, checked against the database once."""
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    g.user = g.via_token = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = user_for_token(get_db(), header.removeprefix("Bearer ").strip())
        g.via_token = g.user is not None
    elif session.get("username"):
        g.user = _session_user()
        if g.user is None:
            session.clear()
    return g.user  # type: ignore[no-any-return]


def _session_user() -> User | None:
    """The session's user while the session is within its shift and the account unchanged."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return None
    if now().timestamp() - signed_in_at >= current_app.permanent_session_lifetime.total_seconds():
        return None
    try:
        user = get_user(get_db(), str(session["username"]))
    except NotFound:
        return None
    if user.active and user.session_version == session.get("version"):
        return user
    return None


def csrf_ok() -> bool:
    if request.method in SAFE_METHODS or g.get("via_token"):
        return True
    expected = str(session.get("csrf", ""))
    given = request.headers.get("X-CSRF-Token", "")
    # as bytes: compare_digest refuses str with non-ASCII, and a header can carry any byte
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def require(*roles: str) -> Callable[[View], View]:
    """Let only these roles in: 401 without a session or token, 403 for another role or CSRF."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return error(401, "unauthorized", "Sign in first.")
            if not csrf_ok():
                return error(403, "csrf", "Missing or wrong X-CSRF-Token header; sign in again.")
            if user.role not in roles:
                return error(403, "forbidden", f"This needs the role {' or '.join(roles)}.")
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def is_supervisor(user: User) -> bool:
    return user.role in SUPERVISORS
