"""Who is asking: a staff session (cookie + CSRF token) or an integration's bearer token.

The cookie carries only the key of a session kept on the server (core/sessions.py) and the CSRF
token. Every request looks the session up: signed out, ended by a password reset or a switched-off
account, or older than one shift (`SESSION_HOURS`, see security.py), it opens nothing, whatever
copy of the cookie is presented.
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
from core.sessions import session_user
from core.users import User, user_for_token
from core.vocabulary import ROLES
from db.web import get_db, now

View = TypeVar("View", bound=Callable[..., Any])
STAFF = ROLES  # every staff role may act at a counter
SUPERVISORS = ("supervisor", "admin")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SESSION_KEY = "key"  # in the signed cookie: the server-side session's random key


def current_user() -> User | None:
    """The signed-in user or token of this request, checked against the database once."""
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    g.user = g.via_token = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = user_for_token(get_db(), header.removeprefix("Bearer ").strip())
        g.via_token = g.user is not None
    elif session.get(SESSION_KEY):
        g.user = session_user(
            get_db(),
            str(session[SESSION_KEY]),
            now=now(),
            lifetime=current_app.permanent_session_lifetime,
        )
        if g.user is None:
            session.clear()
    return g.user  # type: ignore[no-any-return]


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
