"""Write transactions that take SQLite's write lock at the start.

A read-then-write (pick the next ticket, then claim it) must hold the lock from the read on, or two
counters can read the same ticket. `BEGIN IMMEDIATE` makes the pair atomic across threads and
processes; nothing that can block (network, printing, emits) may run inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """Run the block in a `BEGIN IMMEDIATE` transaction, committed on success."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
