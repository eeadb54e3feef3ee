"""Staff sessions, kept on the server: the cookie carries a random key, the database its hash.

A signed cookie alone cannot be taken back: a copy made off a counter PC would open it until the
shift ends, signed out or not. Here signing out, a password reset and a switched-off account end
the session rows, and a cookie whose row is ended (or older than one shift) opens nothing.
Only the key's SHA-256 is stored, so a copy of the database opens no session either.

An ended session is kept for ENDED_KEPT (what ended it can be read the next morning), then
purged with the daily purge (db/retention.py), so the table holds a few days of shifts, not
every sign-in since the center opened.

Like the rest of core/, this module knows no Flask and no cookie: the API hands it the key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlite_utils import Database

from core.models import timestamp
from core.rows import rows
from core.users import User, get_user

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often: reads stay reads
ENDINGS = ("signed_out", "password", "disabled", "expired")
ENDED_KEPT = timedelta(days=1)  # an ended or outlived session is deleted this long after


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(db: Database, user: User, *, now: datetime) -> str:
    """Open a session for the user; answer its key (for the cookie, never stored)."""
    key = secrets.token_urlsafe(32)
    moment = timestamp(now)
    db.execute(
        "INSERT INTO sessions (key_hash, username, user_version, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [_hash(key), user.username, user.session_version, moment, moment],
    )
    return key


def session_user(db: Database, key: str, *, now: datetime, lifetime: timedelta) -> User | None:
    """The user of an open session younger than `lifetime` whose account is active and whose
    password was not set since, or None.

    A session found past its lifetime is ended as `expired`, so the table says what is open.
    """
    found = rows(
        db,
        "SELECT username, user_version, created_at, last_seen_at FROM sessions"
        " WHERE key_hash = ? AND ended_at IS NULL",
        [_hash(key)],
    )
    if not found:
        return None
    row = found[0]
    if datetime.fromisoformat(row["created_at"]) <= now - lifetime:
        end_session(db, key, now=now, why="expired")
        return None
    user = get_user(db, row["username"])
    if not user.active or user.session_version != row["user_version"]:
        return None
    if datetime.fromisoformat(row["last_seen_at"]) <= now - SEEN_EVERY:
        db.execute(
            "UPDATE sessions SET last_seen_at = ? WHERE key_hash = ?", [timestamp(now), _hash(key)]
        )
    return user


def end_session(db: Database, key: str, *, now: datetime, why: str = "signed_out") -> bool:
    """End one session (signing out); answer whether it was open."""
    cursor = db.execute(
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE key_hash = ? AND ended_at IS NULL",
        [timestamp(now), why, _hash(key)],
    )
    return cursor.rowcount > 0


def end_user_sessions(db: Database, username: str, *, now: datetime, why: str) -> int:
    """End every open session of the user (password reset, switched off); answer how many."""
    cursor = db.execute(
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE username = ? AND ended_at IS NULL",
        [timestamp(now), why, username],
    )
    return int(cursor.rowcount)


def open_sessions(db: Database, username: str) -> int:
    """How many sessions of the user are open (not ended; some may have outlived their shift)."""
    return int(
        db.execute(
            "SELECT count(*) FROM sessions WHERE username = ? AND ended_at IS NULL", [username]
        ).fetchone()[0]
    )


def purge_sessions(
    db: Database, *, now: datetime, lifetime: timedelta, kept: timedelta = ENDED_KEPT
) -> int:
    """Delete the sessions that ended, or outlived `lifetime` unlooked-at, more than `kept`
    ago; answer how many.

    A session nobody presented after its shift was never marked ended: it is gone once it is
    `lifetime + kept` old. Its cookie then finds no row, which opens nothing, as before.
    """
    cursor = db.execute(
        "DELETE FROM sessions WHERE (ended_at IS NOT NULL AND ended_at <= ?)"
        " OR (ended_at IS NULL AND created_at <= ?)",
        [timestamp(now - kept), timestamp(now - lifetime - kept)],
    )
    return int(cursor.rowcount)
