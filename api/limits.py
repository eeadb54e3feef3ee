"""Rate limits on the public doors, so nobody empties a day's quota or guesses a password by script.

`QMS_TICKET_RATE_LIMIT` is "N/second", "N/minute" or "N/hour" per client address, or "off";
a paired device (a kiosk, a tablet) is counted by itself instead (api/paired.py `client_key`), so
kiosks behind one router do not share one limit.
Signing in is limited twice: per client address by Flask-Limiter, and per username by
`LoginThrottle`, because a hall full of phones has many addresses but a clerk has one name.

A request with a valid integration token (`Authorization: Bearer`) is not counted against its
address: the limit is for strangers, and a program the center gave a token answers by that
token's name and is stopped by revoking it. So `flask demo`'s simulated visitors, which carry a
token of their own, leave the limit of a kiosk tried on the same machine whole.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.auth import current_user
from api.paired import client_key
from shared import SharedCounts, prefix_for, redis_for

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


limiter = _Limiter(key_func=get_remote_address, default_limits=[])

LOGIN_LIMIT = "10/minute"  # sign-in attempts per client address
THROTTLE = "qms.login_throttle"


def ticket_rate_limit() -> str:
    return str(current_app.config["TICKET_RATE_LIMIT"]).strip()


def ticket_limit_off() -> bool:
    return ticket_rate_limit() == "off"


def ticket_limited(view: View) -> View:
    """Limit a public door by QMS_TICKET_RATE_LIMIT; with "off", skip the limiter entirely.

    Flask-Limiter's decorator resolves its limits on every call even when it is disabled,
    which was a sixth of a ticket's server time in load tests.
    """
    limited = limiter.limit(ticket_rate_limit, key_func=client_key, exempt_when=by_token)(view)

    @wraps(view)
    def choose(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs) if ticket_limit_off() else limited(*args, **kwargs)

    return choose  # type: ignore[return-value]


def by_token() -> bool:
    """The request carries a valid integration token (a program the center knows by name)."""
    return request.headers.get("Authorization", "").startswith("Bearer ") and (
        current_user() is not None
    )


class LoginThrottle:
    """Failed sign-ins per username: `failures` within `window` lock the name for `lockout`.

    Unknown names are counted like real ones, so the lock tells nobody which names exist.
    Attempts during the lock are refused unchecked and do not extend it, so a stranger can
    keep a clerk out for a few minutes at most, never for good; a clerk already signed in is
    not touched. With one worker the counts live in its memory, and a restart forgets them,
    which costs an attacker nothing he could not get by waiting; with several (a message
    queue) they live in its Redis (`shared`), so a lock made through one worker holds on all.
    """

    MAX_NAMES = 10_000  # names tracked at once, so a flood of made-up names cannot fill memory

    def __init__(
        self,
        failures: int = 5,
        window: timedelta = timedelta(minutes=10),
        lockout: timedelta = timedelta(minutes=5),
        shared: SharedCounts | None = None,
    ) -> None:
        self.failures = failures
        self.window = window
        self.lockout = lockout
        self.shared = shared
        self._failed: dict[str, deque[datetime]] = {}
        self._locked_until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def locked_for(self, username: str, now: datetime) -> int:
        """Seconds this username stays locked (0 when it may try)."""
        if self.shared is not None:
            until_s = self.shared.locked_until(username)
            if until_s is None:
                return 0
            if until_s <= now.timestamp():
                self.shared.clear(username)
                return 0
            return max(1, int(until_s - now.timestamp() + 0.999))
        with self._lock:
            until = self._locked_until.get(username)
            if until is None:
                return 0
            if until <= now:
                del self._locked_until[username]
                self._failed.pop(username, None)
                return 0
            return max(1, int((until - now).total_seconds() + 0.999))

    def failed(self, username: str, now: datetime) -> None:
        """Count a wrong password; the `failures`-th within the window locks the name."""
        if self.shared is not None:
            at, window_s = now.timestamp(), self.window.total_seconds()
            if self.shared.add_failure(username, at, window_s) >= self.failures:
                self.shared.lock(username, at + self.lockout.total_seconds())
            return
        with self._lock:
            if username not in self._failed and len(self._failed) >= self.MAX_NAMES:
                self._forget_old(now)
            recent = self._failed.setdefault(username, deque())
            recent.append(now)
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.failures:
                self._locked_until[username] = now + self.lockout

    def succeeded(self, username: str) -> None:
        """A right password clears the name's count."""
        if self.shared is not None:
            self.shared.clear(username)
            return
        with self._lock:
            self._failed.pop(username, None)
            self._locked_until.pop(username, None)

    def _forget_old(self, now: datetime) -> None:
        for name in [n for n, times in self._failed.items() if times[-1] <= now - self.window]:
            del self._failed[name]
        if len(self._failed) >= self.MAX_NAMES:  # all recent: drop the oldest unlocked names
            unlocked = [n for n in self._failed if n not in self._locked_until]
            for name in unlocked[: len(self._failed) - self.MAX_NAMES + 1]:
                del self._failed[name]


def login_throttle() -> LoginThrottle:
    """This app's username throttle (one per app, so test apps do not share counts)."""
    throttle: LoginThrottle | None = current_app.extensions.get(THROTTLE)
    if throttle is None:
        throttle = LoginThrottle()
        redis = redis_for(current_app)
        if redis is not None:  # several workers: the counts are theirs together
            window, lockout = throttle.window, throttle.lockout
            prefix = prefix_for(current_app)
            throttle.shared = SharedCounts(
                redis, prefix, window.total_seconds(), lockout.total_seconds()
            )
        current_app.extensions[THROTTLE] = throttle
    return throttle
