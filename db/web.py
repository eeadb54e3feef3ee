"""The database inside the web app: one pooled connection per request, and the app's clock.

Building the app opens nothing; the schema is created or upgraded when the server is prepared to
serve (server.prepare), so a fresh install needs no separate step and `--help` writes no file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils
from flask import Flask, current_app, g

from db import ConnectionPool, migrate

POOL = "qms.pool"
CLOCK = "qms.clock"


def init_app(app: Flask) -> None:
    pool = ConnectionPool(app.config["DATABASE"])
    app.extensions[POOL] = pool
    app.extensions.setdefault(CLOCK, lambda: datetime.now(UTC))
    app.teardown_appcontext(release_db)


def migrate_database(app: Flask) -> list[str]:
    """Create or upgrade the app's database schema; return the migrations applied."""
    pool = app.extensions[POOL]
    database = pool.acquire()
    try:
        return migrate(database)
    finally:
        pool.release(database)


def get_db() -> sqlite_utils.Database:
    """This request's connection, taken from the pool on first use."""
    if "db" not in g:
        g.db = current_app.extensions[POOL].acquire()
    return g.db  # type: ignore[no-any-return]


def release_db(_error: BaseException | None = None) -> None:
    database = g.pop("db", None)
    if database is not None:
        current_app.extensions[POOL].release(database)


def discard_db() -> None:
    """Close this request's connection rather than give it back (it met a storage fault)."""
    database = g.pop("db", None)
    if database is not None:
        try:
            database.conn.close()
        except Exception:  # noqa: BLE001  (closing a broken connection may fail too)
            pass


def now() -> datetime:
    """The app's current time; tests replace the clock to move through a day."""
    clock: Callable[[], datetime] = current_app.extensions[CLOCK]
    return clock()
