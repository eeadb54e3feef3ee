"""The database: connections with the right pragmas, the per-request handle, and the schema.

SQLite is the default and only store: one file per center, WAL so the hall display's reads never
wait on a clerk's write. Connections are pooled rather than opened per request, because closing
the last connection of a WAL database checkpoints it and halves the write rate.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

from db.migrations import migrations

__all__ = ["ConnectionPool", "connect", "migrate", "migrations"]

BUSY_TIMEOUT_MS = 10_000


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open one connection to the center's database with the project's pragmas.

    A new database file is made readable by its owner only (0600): it holds the staff's password
    hashes and the visitors' phones. SQLite gives its -wal and -shm files the same mode.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    create_private(Path(path))
    connection = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(connection)


def create_private(path: Path) -> None:
    """Make the file empty and 0600 if it does not exist (SQLite takes an empty file as new)."""
    if str(path) == ":memory:" or path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another worker made it in between: it made it 0600 too
        pass


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations; return the names applied."""
    pending = [migration.name for migration in migrations.pending(db)]
    migrations.apply(db)
    return pending


class ConnectionPool:
    """A small pool of connections to one database file, safe across threads and greenlets."""

    def __init__(self, path: str | Path, size: int = 8) -> None:
        self.path = Path(path)
        self._idle: queue.LifoQueue[sqlite_utils.Database] = queue.LifoQueue(maxsize=size)
        self._lock = threading.Lock()

    def acquire(self) -> sqlite_utils.Database:
        """Take an idle connection, or open a new one when all are busy."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return connect(self.path)

    def release(self, db: sqlite_utils.Database) -> None:
        """Give a connection back; one left inside a transaction is rolled back first."""
        if db.conn.in_transaction:
            db.conn.rollback()
        try:
            self._idle.put_nowait(db)
        except queue.Full:
            db.conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            while True:
                try:
                    self._idle.get_nowait().conn.close()
                except queue.Empty:
                    return
