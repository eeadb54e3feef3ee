"""Rate limits on the public doors, so nobody empties a day's quota or guesses a password by script.

`QMS_TICKET_RATE_LIMIT` is "N/second", "N/minute" or "N/hour" per client address, or "off".
Signing in is limited per client address here (LOGIN_LIMIT), and its wrong passwords lock a name
from an address, or an address, in api/lockouts.py.

A request with a valid integration token (`Authorization: Bearer`) is not counted against its
address: the limit is for strangers, and a program the center gave a token answers by that
token's name and is stopped by revoking it. So `flask demo`'s simulated visitors, which carry a
token of their own, leave the limit of a kiosk tried on the same machine whole.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.auth import current_user
from shared import prefix_for

View = TypeVar("View", bound=Callable[..., Any])


class _Limiter(Limiter):
    """Counts in the message queue's Redis when several workers serve the center, so an address
    counts once over all of them; in memory otherwise (or where RATELIMIT_STORAGE_URI says)."""

    def init_app(self, app: Flask) -> None:
        app.config.setdefault(
            "RATELIMIT_STORAGE_URI", app.config.get("MESSAGE_QUEUE") or "memory://"
        )
        app.config.setdefault("RATELIMIT_KEY_PREFIX", prefix_for(app))  # two centers, one Redis
        super().init_app(app)


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For when QMS_PROXY_HOPS trusts one)."""
    return get_remote_address()


limiter = _Limiter(key_func=client_address, default_limits=[])

LOGIN_LIMIT = "10/minute"  # sign-in attempts per client address


def ticket_rate_limit() -> str:
    return str(current_app.config["TICKET_RATE_LIMIT"]).strip()


def ticket_limit_off() -> bool:
    return ticket_rate_limit() == "off"


def ticket_limited(view: View) -> View:
    """Limit a public door by QMS_TICKET_RATE_LIMIT; with "off", skip the limiter entirely.

    Flask-Limiter's decorator resolves its limits on every call even when it is disabled,
    which was a sixth of a ticket's server time in load tests.
    """
    limited = limiter.limit(ticket_rate_limit, exempt_when=by_token)(view)

    @wraps(view)
    def choose(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs) if ticket_limit_off() else limited(*args, **kwargs)

    return choose  # type: ignore[return-value]


def by_token() -> bool:
    """The request carries a valid integration token (a program the center knows by name)."""
    return request.headers.get("Authorization", "").startswith("Bearer ") and (
        current_user() is not None
    )
