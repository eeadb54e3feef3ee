"""Running a center under load and faults: expired tickets and storage, queue lengths kept
by triggers, the promised call window, names over the counters, pairing codes by address, the
rebalancing advisor's skills and log."""

from __future__ import annotations

from sqlite_utils import Database

from db.migrations.registry import migrations

TICKETS_STATUS_CHECK = "'done', 'no_show', 'cancelled')"


@migrations(name="m013_faults")
def m013_faults(db: Database) -> None:
    """Let a ticket end as `expired`: still waiting when its center day ended (design.md section
    9). SQLite cannot alter a CHECK constraint; widening one that every row already meets is
    done in the stored schema text, the procedure SQLite documents for it (ALTER TABLE, "other
    kinds of table schema changes"), rather than by copying the table."""
    (sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
    ).fetchone()
    if TICKETS_STATUS_CHECK not in sql:
        raise RuntimeError("the tickets table's status check is not the one m001 made")
    widened = sql.replace(TICKETS_STATUS_CHECK, "'done', 'no_show', 'cancelled', 'expired')")
    (version,) = db.execute("PRAGMA schema_version").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'tickets'", [widened]
        )
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    # Finding the day's leftovers at midnight reads the waiting tickets by day.
    db.execute("CREATE INDEX tickets_waiting_day ON tickets(day) WHERE status = 'waiting'")


QUEUE_LENGTHS = (
    # How many tickets wait in each queue today, regular and priority, kept by SQLite itself as
    # tickets are issued, called, transferred, cancelled, put back or deleted, whichever code
    # does it. A new ticket's "people ahead" and the board's waiting figures read one row here
    # instead of counting the waiting tickets: their cost no longer grows with the queue.
    """CREATE TABLE queue_lengths (
        queue TEXT NOT NULL,
        day TEXT NOT NULL,
        regular INTEGER NOT NULL DEFAULT 0 CHECK (regular >= 0),
        priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
        PRIMARY KEY (queue, day)
    ) WITHOUT ROWID""",
    """INSERT INTO queue_lengths (queue, day, regular, priority)
        SELECT queue, day, sum(priority IS NULL), sum(priority IS NOT NULL)
        FROM tickets WHERE status = 'waiting' GROUP BY queue, day""",
    """CREATE TRIGGER queue_lengths_issued AFTER INSERT ON tickets WHEN NEW.status = 'waiting'
        BEGIN
            INSERT INTO queue_lengths (queue, day, regular, priority)
            VALUES (NEW.queue, NEW.day, NEW.priority IS NULL, NEW.priority IS NOT NULL)
            ON CONFLICT (queue, day) DO UPDATE SET regular = regular + excluded.regular,
                priority = priority + excluded.priority;
        END""",
    """CREATE TRIGGER queue_lengths_left AFTER UPDATE OF status, queue, day, priority ON tickets
        WHEN OLD.status = 'waiting'
        BEGIN
            UPDATE queue_lengths SET regular = regular - (OLD.priority IS NULL),
                priority = priority - (OLD.priority IS NOT NULL)
            WHERE queue = OLD.queue AND day = OLD.day;
        END""",
    """CREATE TRIGGER queue_lengths_joined AFTER UPDATE OF status, queue, day, priority ON tickets
        WHEN NEW.status = 'waiting'
        BEGIN
            INSERT INTO queue_lengths (queue, day, regular, priority)
            VALUES (NEW.queue, NEW.day, NEW.priority IS NULL, NEW.priority IS NOT NULL)
            ON CONFLICT (queue, day) DO UPDATE SET regular = regular + excluded.regular,
                priority = priority + excluded.priority;
        END""",
    """CREATE TRIGGER queue_lengths_removed AFTER DELETE ON tickets WHEN OLD.status = 'waiting'
        BEGIN
            UPDATE queue_lengths SET regular = regular - (OLD.priority IS NULL),
                priority = priority - (OLD.priority IS NOT NULL)
            WHERE queue = OLD.queue AND day = OLD.day;
        END""",
    # The waiting line in calling order: priority or not first, then the issue time (and id, the
    # index's last column). The oldest priority ticket is the first entry of its range rather than
    # the result of sorting every waiting priority ticket; it replaces tickets_waiting.
    "DROP INDEX tickets_waiting",
    """CREATE INDEX tickets_in_line ON tickets(queue, day, priority IS NULL, issued_at)
        WHERE status = 'waiting'""",
    # The bookings checked in on a day, by slot: "is a booked ticket due?" reads these rather than
    # every waiting ticket of the queue.
    """CREATE INDEX appointments_checked_in ON appointments(day, starts_at)
        WHERE ticket IS NOT NULL""",
)


@migrations(name="m014_load")
def m014_load(db: Database) -> None:
    """Keep each queue's length, and index the line in calling order: a ticket's cost stays the
    same with 2,000 tickets waiting as with none."""
    for statement in QUEUE_LENGTHS:
        db.execute(statement)


@migrations(name="m015_promise")
def m015_promise(db: Database) -> None:
    """The call window printed on each ticket (design.md section 9), and the bands of
    actual-to-predicted waits it is stretched by, learned once a day (core/promise.py)."""
    db.execute("ALTER TABLE tickets ADD COLUMN window_from TEXT")
    db.execute("ALTER TABLE tickets ADD COLUMN window_to TEXT")
    db.execute(
        """CREATE TABLE calibrations (
            day TEXT NOT NULL,
            service TEXT NOT NULL,
            hour INTEGER NOT NULL,
            low REAL NOT NULL,
            high REAL NOT NULL,
            samples INTEGER NOT NULL,
            PRIMARY KEY (day, service, hour)
        )"""
    )


@migrations(name="m016_users_display_name")
def m016_users_display_name(db: Database) -> None:
    """The name a clerk is shown by over the counter ("Nguyễn Thị Lan"); the username signs in
    and stays off every public screen."""
    db.execute(
        "ALTER TABLE users ADD COLUMN display_name TEXT"
        " CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 60)"
    )


@migrations(name="m017_pairing_address")
def m017_pairing_address(db: Database) -> None:
    """The client address that asked for each pairing code, so that one address cannot hold
    every code the center lets wait (core/devices.py); NULL for codes from the command line."""
    db.execute("ALTER TABLE device_pairings ADD COLUMN address TEXT")
    db.execute("CREATE INDEX device_pairings_address ON device_pairings(address)")


@migrations(name="m018_advice")
def m018_advice(db: Database) -> None:
    """The clerks' skills (the services each may serve: `[[staff]] services` or the admin's
    users page) and the log of the rebalancing advisor's proposed moves (core/advice.py): what
    it proposed, what the supervisor decided, and the queue's wait 30 minutes later.

    A skill names its clerk by username without a reference to `users`: a center file may
    give the skills of an account the admin has yet to create."""
    db.execute(
        """CREATE TABLE staff_services (
            username TEXT NOT NULL,
            service TEXT NOT NULL REFERENCES services(code) ON DELETE CASCADE,
            PRIMARY KEY (username, service)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE advice (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            day TEXT NOT NULL,
            service TEXT NOT NULL,
            clerk TEXT NOT NULL,
            from_counter INTEGER NOT NULL,
            from_service TEXT,
            to_counter INTEGER NOT NULL,
            wait_now_min REAL NOT NULL,
            wait_after_min REAL NOT NULL,
            from_wait_before_min REAL,
            from_wait_after_min REAL,
            reason TEXT NOT NULL,
            decision TEXT NOT NULL DEFAULT 'pending'
                CHECK (decision IN ('pending', 'applied', 'ignored', 'expired')),
            decided_at TEXT,
            decided_by TEXT,
            wait_later_min REAL,
            CHECK (from_counter != to_counter)
        )"""
    )
    db.execute("CREATE INDEX advice_pending ON advice(day) WHERE decision = 'pending'")
    db.execute("CREATE INDEX advice_day ON advice(day)")
