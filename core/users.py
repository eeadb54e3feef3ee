"""Staff accounts and integration tokens.

Passwords are hashed with scrypt in werkzeug's format ("scrypt:N:r:p$salt$hash"), so either side
can check them. scrypt costs ~100 ms of CPU on purpose: under gevent it runs on a thread of its
own (`_scrypt`), so a burst of wrong passwords does not stop the hall's screens and tickets.
Tokens are stored only as their SHA-256, so a stolen database opens no counter.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from core.errors import Conflict, InvalidInput, NotFound
from core.models import timestamp
from core.rows import rows
from core.vocabulary import MIN_PASSWORD_LENGTH, ROLES, USERNAME

SCRYPT_N, SCRYPT_R, SCRYPT_P = 32768, 8, 1
SCRYPT_MAXMEM = 2**26
SCRYPT_THREADS = 1  # one core hashes, the other keeps the hall moving; 32 MiB each, not 10x


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool
    session_version: int


def hash_password(password: str) -> str:
    salt = secrets.token_urlsafe(12)
    digest = _scrypt(password.encode(), salt.encode(), SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${salt}${digest.hex()}"


@functools.cache
def _decoy_hash() -> str:
    """A hash to check unknown names against, so they cost what a known name costs."""
    return hash_password(secrets.token_urlsafe(16))


def check_password(stored: str, password: str) -> bool:
    try:
        method, salt, expected = stored.split("$", 2)
        _, n, r, p = method.split(":")
        digest = _scrypt(password.encode(), salt.encode(), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    """scrypt, off gevent's event loop when the server runs under gevent (it frees the GIL)."""

    def work() -> bytes:
        return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM)

    pool = _gevent_pool()
    return work() if pool is None else pool(work)


_pools: dict[int, Callable[[Callable[[], bytes]], bytes]] = {}


def _gevent_pool() -> Callable[[Callable[[], bytes]], bytes] | None:
    """This process's hashing thread, when gevent has patched it (gunicorn's gevent worker)."""
    try:
        from gevent import monkey
    except ImportError:
        return None
    if not monkey.is_module_patched("socket"):
        return None
    pid = os.getpid()  # a pool's threads do not survive a fork: one per process
    if pid not in _pools:
        from gevent.threadpool import ThreadPool

        _pools[pid] = ThreadPool(SCRYPT_THREADS).apply
    return _pools[pid]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Role must be one of {', '.join(ROLES)}.", code="bad_role")


def create_user(
    db: Database,
    username: str,
    *,
    role: str,
    password: str,
    now: datetime,
    display_name: str | None = None,
) -> User:
    """Add a staff account; usernames are short lowercase names, passwords 8+ characters.

    `display_name` is the name shown over the counter the clerk works at (none: no name shown);
    callers check it with core.items.StaffName.
    """
    if not USERNAME.fullmatch(username):
        raise InvalidInput("Usernames are 2-32 of a-z, 0-9, '.', '_' or '-'.", code="bad_username")
    _check_role(role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password"
        )
    if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise Conflict(f"User {username!r} exists already.", code="user_exists")
    db.execute(
        "INSERT INTO users (username, password_hash, role, created_at, display_name)"
        " VALUES (?, ?, ?, ?, ?)",
        [username, hash_password(password), role, timestamp(now), display_name],
    )
    return get_user(db, username)


def get_user(db: Database, username: str) -> User:
    for row in rows(
        db,
        "SELECT username, role, active, session_version FROM users WHERE username = ?",
        [username],
    ):
        return User(row["username"], row["role"], bool(row["active"]), row["session_version"])
    raise NotFound(f"No user {username!r}.")


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The active user with this password, or None (same answer for unknown and wrong)."""
    row = db.execute(
        "SELECT password_hash FROM users WHERE username = ? AND active = 1", [username]
    ).fetchone()
    if row is None:
        check_password(_decoy_hash(), password)  # one scrypt either way: names stay secret
        return None
    return get_user(db, username) if check_password(row[0], password) else None


def set_password(db: Database, username: str, password: str) -> User:
    """Reset a password; bumping the session version signs the user out everywhere."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password"
        )
    get_user(db, username)
    db.execute(
        "UPDATE users SET password_hash = ?, session_version = session_version + 1"
        " WHERE username = ?",
        [hash_password(password), username],
    )
    return get_user(db, username)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, name: str, *, role: str, now: datetime) -> str:
    """Make an integration token (call button, dossier system); shown once, stored hashed."""
    _check_role(role)
    if not USERNAME.fullmatch(name):
        raise InvalidInput("Token names are 2-32 of a-z, 0-9, '.', '_' or '-'.", code="bad_name")
    if db.execute("SELECT 1 FROM api_tokens WHERE name = ?", [name]).fetchone():
        raise Conflict(f"A token named {name!r} exists already.", code="token_exists")
    token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO api_tokens (token_hash, name, role, created_at) VALUES (?, ?, ?, ?)",
        [_token_hash(token), name, role, timestamp(now)],
    )
    return token


def user_for_token(db: Database, token: str) -> User | None:
    row = db.execute(
        "SELECT name, role FROM api_tokens WHERE token_hash = ?", [_token_hash(token)]
    ).fetchone()
    return (
        None
        if row is None
        else User(username=f"token:{row[0]}", role=row[1], active=True, session_version=0)
    )
