"""The audit log and the weekly schedule, then visitors' ratings."""

from __future__ import annotations

from sqlite_utils import Database

from db.migrations.registry import migrations

AUDIT_AND_SCHEDULE = (
    # Who changed what in the configuration and the staff accounts, when, and why. Append-only:
    # the triggers refuse to change or remove a row, whatever program holds the file.
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT CHECK (details IS NULL OR json_valid(details)),
        reason TEXT
    )""",
    "CREATE INDEX audit_log_at ON audit_log(at)",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    # The ticket events the audit page shows beside the log (out-of-order calls, cancels,
    # transfers, reactivations): a partial index, so the hot path of ordinary events pays nothing.
    """CREATE INDEX ticket_events_audit ON ticket_events(at)
    WHERE kind IN ('cancelled', 'transferred', 'reactivated')
    OR (kind = 'called' AND data IS NOT NULL)""",
    # services.hours is a JSON list (the same hours every day) or a mapping of weekdays.
    """CREATE TRIGGER services_hours_insert BEFORE INSERT ON services
    WHEN NOT json_valid(NEW.hours) OR json_type(NEW.hours) NOT IN ('array', 'object')
    BEGIN SELECT RAISE(ABORT, 'services.hours must be a JSON list or mapping'); END""",
    """CREATE TRIGGER services_hours_update BEFORE UPDATE OF hours ON services
    WHEN NOT json_valid(NEW.hours) OR json_type(NEW.hours) NOT IN ('array', 'object')
    BEGIN SELECT RAISE(ABORT, 'services.hours must be a JSON list or mapping'); END""",
)


@migrations(name="m002_audit_and_schedule")
def m002_audit_and_schedule(db: Database) -> None:
    """Add the append-only audit log, and guard the weekly schedule's stored form."""
    for statement in AUDIT_AND_SCHEDULE:
        db.execute(statement)


@migrations(name="m003_audit_priority_changes")
def m003_audit_priority_changes(db: Database) -> None:
    """Show a clerk's change of a ticket's priority in the audit page: widen its index."""
    db.execute("DROP INDEX ticket_events_audit")
    db.execute(
        """CREATE INDEX ticket_events_audit ON ticket_events(at)
        WHERE kind IN ('cancelled', 'transferred', 'reactivated', 'prioritised')
        OR (kind = 'called' AND data IS NOT NULL)"""
    )


RATINGS = (
    # One rating per ticket, given on the counter's tablet right after the service. The counter,
    # clerk and day are the ticket's, copied so reports over a year read one small table.
    """CREATE TABLE ratings (
        ticket INTEGER PRIMARY KEY REFERENCES tickets(id),
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
        comment TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
        at TEXT NOT NULL,
        day TEXT NOT NULL,
        service TEXT NOT NULL REFERENCES services(code),
        counter INTEGER REFERENCES counters(number),
        clerk TEXT
    )""",
    "CREATE INDEX ratings_day ON ratings(day)",
)


@migrations(name="m004_ratings")
def m004_ratings(db: Database) -> None:
    """Add the visitors' ratings of their service (4 very satisfied ... 1 unsatisfied)."""
    for statement in RATINGS:
        db.execute(statement)
