"""The first admin account, made when the server starts on a database that has none.

There is no default password, ever: the account `admin` gets a random one, printed once to the
server's standard error (its log under gunicorn or systemd) for whoever installs the center, or
the one given in `QMS_ADMIN_PASSWORD` (never printed). Once any admin exists this does nothing,
so the variable cannot reset a password later; change the first one after signing in.

Test apps (`TESTING`) make their own users and skip this unless `FIRST_ADMIN` is set.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from flask import Flask
from sqlite_utils import Database

from core.errors import QueueError
from core.transaction import immediate
from core.users import create_user

log = logging.getLogger(__name__)

ADMIN = "admin"
# Easy to read aloud and type: no 0/o, 1/l/i. 16 of 31 letters: about 79 bits.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 4, 4
# Passwords an installer might reach for first; refused even when long enough.
WELL_KNOWN = frozenset(
    {"administrator", "admin123", "admin1234", "adminadmin", "password", "password1",
     "12345678", "123456789", "1234567890", "changeme", "qwertyui", "matkhau123"}
)  # fmt: skip


def random_password() -> str:
    """A fresh password in groups of four, e.g. `k7mq-xr2d-9hwa-tz3e`."""
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


def has_admin(db: Database) -> bool:
    return db.execute("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1").fetchone() is not None


def ensure_first_admin(db: Database, *, password: str | None, now: datetime) -> str | None:
    """Create `admin` when no admin exists; return the password it got, or None if none made.

    Raises ValueError for a given password that is weak or well known: better a server that
    does not start than an admin anyone can guess.
    """
    if has_admin(db):  # every start but the first: a read, no write lock
        return None
    with immediate(db):  # two workers starting at once make one admin, not two
        if has_admin(db):
            return None
        if db.execute("SELECT 1 FROM users WHERE username = ?", [ADMIN]).fetchone():
            log.warning("No admin account, and the name %r is taken: run create-user.", ADMIN)
            return None
        if password is not None and password.lower() in WELL_KNOWN:
            raise ValueError("QMS_ADMIN_PASSWORD is a well-known password; choose another.")
        chosen = password if password is not None else random_password()
        try:
            create_user(db, ADMIN, role="admin", password=chosen, now=now)
        except QueueError as error:
            raise ValueError(f"QMS_ADMIN_PASSWORD is refused: {error.message}") from error
    return chosen


def init_first_admin(app: Flask, stream: TextIO | None = None) -> None:
    """When the server is prepared to serve (server.prepare, never when the app is only built,
    as for a command's `--help`): make the first admin if the database has none, and say so once.
    """
    if not app.config.get("FIRST_ADMIN", not app.testing):
        return
    given = os.environ.get("QMS_ADMIN_PASSWORD") or app.config.get("ADMIN_PASSWORD")
    given = given if isinstance(given, str) and given else None
    pool = app.extensions["qms.pool"]
    clock: Callable[[], datetime] = app.extensions["qms.clock"]
    database = pool.acquire()
    try:
        made = ensure_first_admin(database, password=given, now=clock())
    finally:
        pool.release(database)
    if made is None:
        return
    if given is not None:
        log.warning("Created the first admin account %r with QMS_ADMIN_PASSWORD.", ADMIN)
        return
    out = stream or sys.stderr
    out.write(
        "\n"
        f"  First start: created the admin account {ADMIN!r}. Its password, shown only now:\n\n"
        f"      {made}\n\n"
        "  Sign in and change it. Or set QMS_ADMIN_PASSWORD before the first start.\n\n"
    )
    out.flush()
