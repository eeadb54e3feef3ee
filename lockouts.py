"""Sign-in lockouts: wrong passwords lock a name from the address that tried them, and an address
that tries many names, never a name for everyone.

A lock on the name alone let a stranger on the hall Wi-Fi keep `admin` locked all day: five wrong
passwords every five minutes. So failures are counted twice:

- per name and address: `failures` within `window` lock that name *from that address* for
  `lockout`; the admin at their own PC signs in meanwhile;
- per address: `address_failures` within `window`, whatever the names, lock the address for
  `address_lockout`; a stranger cycling names or addresses' worth of guesses is stopped there
  (and Flask-Limiter's LOGIN_LIMIT caps the tries an address makes a minute).

Unknown names count like real ones, so a lock tells nobody which names exist. Attempts during a
lock are refused unchecked and do not extend it; a success clears its name's count from that
address, not the address's (a stranger with one account of his own cannot wash his address
clean). A signed-in admin sees the locks on the Staff accounts page and lifts a name's there
(`unlock`) or an address's (`unlock_address`: the hall PC a clerk fumbled names on), both
audited by the API; the module sits beside shared.py, not in api/, because the API
and the admin pages both read it. With one worker the counts live in its memory
(`MemoryCounts`); with several (a message queue) in its Redis (shared.SharedCounts), so a lock
made through one worker holds on all.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import current_app

from shared import SharedCounts, prefix_for, redis_for

THROTTLE = "qms.login_throttle"
NAME = "name:"  # key of a name from an address: "name:<username>|<address>"
ADDRESS = "address:"  # key of an address: "address:<address>"


class Counts(Protocol):
    """Where failures and locks are kept: this process's memory, or Redis for all workers."""

    def locked_until(self, key: str) -> float | None: ...
    def add_failure(self, key: str, at: float, window_s: float) -> int: ...
    def lock(self, key: str, until: float) -> None: ...
    def clear(self, key: str) -> None: ...
    def locks(self, prefix: str) -> list[tuple[str, float]]: ...
    def clear_all(self, prefix: str) -> list[str]: ...


@dataclass(frozen=True)
class Lock:
    """A lock in force: a name from an address, or (username None) the address for every name."""

    username: str | None
    address: str
    locked_for_s: int
    locked_until: datetime


class LoginThrottle:
    """Failed sign-ins per (name, address) and per address; see the module's docstring."""

    def __init__(
        self,
        failures: int = 5,
        window: timedelta = timedelta(minutes=10),
        lockout: timedelta = timedelta(minutes=5),
        address_failures: int = 20,
        address_lockout: timedelta = timedelta(minutes=15),
        counts: Counts | None = None,
    ) -> None:
        self.failures = failures
        self.window = window
        self.lockout = lockout
        self.address_failures = address_failures
        self.address_lockout = address_lockout
        self.counts: Counts = counts or MemoryCounts()

    def keep_s(self) -> float:
        """How long a key may matter: the longest window and lock."""
        return self.window.total_seconds() + max(self.lockout, self.address_lockout).total_seconds()

    def locked_for(self, username: str, address: str, now: datetime) -> tuple[int, str]:
        """Seconds the name stays locked from this address (0 when it may try), and why:
        "name" (this name from here) or "address" (every name from here)."""
        for key, why in ((ADDRESS + address, "address"), (_pair(username, address), "name")):
            left = self._left(key, now)
            if left:
                return left, why
        return 0, ""

    def _left(self, key: str, now: datetime) -> int:
        until = self.counts.locked_until(key)
        if until is None:
            return 0
        if until <= now.timestamp():
            self.counts.clear(key)
            return 0
        return max(1, int(until - now.timestamp() + 0.999))

    def failed(self, username: str, address: str, now: datetime) -> None:
        """Count a wrong password for the name from the address, and for the address."""
        at, window_s = now.timestamp(), self.window.total_seconds()
        pair = _pair(username, address)
        if self.counts.add_failure(pair, at, window_s) >= self.failures:
            self.counts.lock(pair, at + self.lockout.total_seconds())
        if self.counts.add_failure(ADDRESS + address, at, window_s) >= self.address_failures:
            self.counts.lock(ADDRESS + address, at + self.address_lockout.total_seconds())

    def succeeded(self, username: str, address: str) -> None:
        """A right password clears the name's count from that address."""
        self.counts.clear(_pair(username, address))

    def locks(self, now: datetime) -> list[Lock]:
        """The locks in force, names first, each with the seconds it has left."""
        found = []
        for key, until in self.counts.locks(""):
            left = int(until - now.timestamp() + 0.999)
            if left <= 0:
                continue
            ends = datetime.fromtimestamp(until, UTC)
            if key.startswith(NAME):
                username, _, address = key.removeprefix(NAME).partition("|")
                found.append(Lock(username, address, left, ends))
            elif key.startswith(ADDRESS):
                found.append(Lock(None, key.removeprefix(ADDRESS), left, ends))
        return sorted(
            found, key=lambda lock: (lock.username is None, lock.username or "", lock.address)
        )

    def locked_names(self, now: datetime) -> dict[str, list[str]]:
        """Each locked name, with the addresses it is locked from."""
        names: dict[str, list[str]] = {}
        for lock in self.locks(now):
            if lock.username is not None:
                names.setdefault(lock.username, []).append(lock.address)
        return names

    def unlock(self, username: str) -> list[str]:
        """Lift the name's locks and counts from every address; answer the addresses it was
        locked from. The addresses' own locks stay: they stop a stranger, not a name."""
        keys = self.counts.clear_all(f"{NAME}{username}|")
        return sorted(key.partition("|")[2] for key in keys)

    def unlock_address(self, address: str, now: datetime) -> datetime | None:
        """Lift the address's own lock and clear its count (so the next typo does not lock it
        again); answer when the lock would have ended, or None if it held none. The names
        locked from the address stay: each is lifted by `unlock`."""
        key = ADDRESS + address
        until = self.counts.locked_until(key)
        self.counts.clear(key)
        if until is None or until <= now.timestamp():
            return None
        return datetime.fromtimestamp(until, UTC)


def _pair(username: str, address: str) -> str:
    return f"{NAME}{username}|{address}"


class MemoryCounts:
    """Failures and locks in this process's memory, bounded so a flood of names cannot fill it."""

    MAX_KEYS = 20_000

    def __init__(self) -> None:
        self._failed: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_until(self, key: str) -> float | None:
        with self._lock:
            return self._locked_until.get(key)

    def add_failure(self, key: str, at: float, window_s: float) -> int:
        with self._lock:
            if key not in self._failed and len(self._failed) >= self.MAX_KEYS:
                self._forget_old(at - window_s)
            recent = self._failed.setdefault(key, deque())
            recent.append(at)
            while recent and recent[0] <= at - window_s:
                recent.popleft()
            return len(recent)

    def lock(self, key: str, until: float) -> None:
        with self._lock:
            self._locked_until[key] = until

    def clear(self, key: str) -> None:
        with self._lock:
            self._failed.pop(key, None)
            self._locked_until.pop(key, None)

    def locks(self, prefix: str) -> list[tuple[str, float]]:
        with self._lock:
            return [(k, until) for k, until in self._locked_until.items() if k.startswith(prefix)]

    def clear_all(self, prefix: str) -> list[str]:
        with self._lock:
            keys = [k for k in {*self._failed, *self._locked_until} if k.startswith(prefix)]
            locked = [k for k in keys if k in self._locked_until]
            for key in keys:
                self._failed.pop(key, None)
                self._locked_until.pop(key, None)
            return locked

    def _forget_old(self, before: float) -> None:
        for key in [k for k, times in self._failed.items() if not times or times[-1] <= before]:
            del self._failed[key]
        if len(self._failed) >= self.MAX_KEYS:  # all recent: drop the oldest unlocked keys
            unlocked = [k for k in self._failed if k not in self._locked_until]
            for key in unlocked[: len(self._failed) - self.MAX_KEYS + 1]:
                del self._failed[key]


def login_throttle() -> LoginThrottle:
    """This app's throttle (one per app, so test apps do not share counts)."""
    throttle: LoginThrottle | None = current_app.extensions.get(THROTTLE)
    if throttle is None:
        throttle = LoginThrottle()
        redis = redis_for(current_app)
        if redis is not None:  # several workers: the counts are theirs together
            throttle.counts = SharedCounts(redis, prefix_for(current_app), throttle.keep_s())
        current_app.extensions[THROTTLE] = throttle
    return throttle
