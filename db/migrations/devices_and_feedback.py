"""Paired devices, ratings' reasons and the dossier, the suggestion box, staff sessions."""

from __future__ import annotations

from sqlite_utils import Database

from db.migrations.registry import migrations

DEVICES = (
    # A device waiting to be paired: the short code it shows, and the hash of the token it
    # already holds (it becomes that device's token once an admin enters the code).
    """CREATE TABLE device_pairings (
        code TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    "CREATE INDEX device_pairings_expiry ON device_pairings(expires_at)",
    # A paired device: what it is (a kiosk, a display, a counter screen, a rating tablet or a
    # kiosk's print agent) and for which kiosk, display or counter; only its token's hash.
    """CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL
            CHECK (kind IN ('kiosk', 'display', 'counter_screen', 'tablet', 'print_agent')),
        target TEXT,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        paired_at TEXT NOT NULL,
        paired_by TEXT NOT NULL,
        last_seen TEXT
    )""",
)


@migrations(name="m009_devices")
def m009_devices(db: Database) -> None:
    """Pair kiosks, displays, counter screens, rating tablets and print agents with a token."""
    for statement in DEVICES:
        db.execute(statement)


RATING_REASONS_AND_DOSSIERS = (
    # The scale a rating was given on (old ratings were given on four faces), so that a center
    # that changes its scale keeps its history as given; reports convert to the scale in force.
    """ALTER TABLE ratings ADD COLUMN scale INTEGER NOT NULL DEFAULT 4
        CHECK (scale IN (3, 4) AND score <= scale)""",
    # Why a low rating was low: a JSON list of codes (core.vocabulary.RATING_REASONS).
    """ALTER TABLE ratings ADD COLUMN reasons TEXT
        CHECK (reasons IS NULL OR (json_valid(reasons) AND json_type(reasons) = 'array'))""",
    # Where the rating came from: the counter's tablet, or the visitor's phone by its track link.
    """ALTER TABLE ratings ADD COLUMN source TEXT NOT NULL DEFAULT 'tablet'
        CHECK (source IN ('tablet', 'phone'))""",
    # The dossier code (mã hồ sơ) of the receipt, scanned or typed at the finish: the ticket
    # carries it, and its rating a copy, so the per-dossier report reads one table.
    """ALTER TABLE tickets ADD COLUMN dossier TEXT
        CHECK (dossier IS NULL OR length(dossier) BETWEEN 1 AND 64)""",
    """ALTER TABLE ratings ADD COLUMN dossier TEXT
        CHECK (dossier IS NULL OR length(dossier) BETWEEN 1 AND 64)""",
    "CREATE INDEX tickets_dossier ON tickets(dossier, finished_at) WHERE dossier IS NOT NULL",
    "CREATE INDEX ratings_dossier ON ratings(dossier) WHERE dossier IS NOT NULL",
)


@migrations(name="m010_rating_reasons_and_dossiers")
def m010_rating_reasons_and_dossiers(db: Database) -> None:
    """Keep each rating's scale, reasons and source, and link tickets and ratings to dossiers."""
    for statement in RATING_REASONS_AND_DOSSIERS:
        db.execute(statement)


FEEDBACK = (
    # The suggestion box: what a visitor wrote, how to reach them (optional, personal data,
    # blanked by the purge), the ticket it is about (and so its service, counter and clerk), and
    # the supervisors' answer. The code is what the visitor follows the answer with.
    """CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('suggestion', 'complaint', 'praise')),
        text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
        contact TEXT CHECK (contact IS NULL OR length(contact) BETWEEN 1 AND 200),
        ticket INTEGER REFERENCES tickets(id),
        service TEXT REFERENCES services(code),
        counter INTEGER,
        clerk TEXT,
        day TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'in_progress', 'answered', 'closed')),
        reply TEXT CHECK (reply IS NULL OR length(reply) BETWEEN 1 AND 2000),
        replied_at TEXT,
        replied_by TEXT,
        changed_at TEXT
    )""",
    "CREATE INDEX feedback_by_status ON feedback(status, created_at)",
    "CREATE INDEX feedback_contacts ON feedback(day) WHERE contact IS NOT NULL",
    # Every change of a feedback, as a plain record (type, at, ticket, counter, service,
    # payload) for the province view; never the text, the contact or the reply.
    """CREATE TABLE feedback_events (
        id INTEGER PRIMARY KEY,
        feedback INTEGER NOT NULL REFERENCES feedback(id),
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        ticket INTEGER REFERENCES tickets(id),
        counter INTEGER,
        service TEXT,
        payload TEXT
    )""",
    "CREATE INDEX feedback_events_feedback ON feedback_events(feedback)",
)


@migrations(name="m011_feedback")
def m011_feedback(db: Database) -> None:
    """Keep the visitors' suggestions, complaints and praise, their answers and their history."""
    for statement in FEEDBACK:
        db.execute(statement)


SESSIONS = (
    # A staff session, kept here so that signing out, a password reset or a switched-off account
    # ends it at once, whatever copy of its cookie is left. The cookie holds the session's random
    # key; only its SHA-256 is stored, so a stolen database opens no counter.
    """CREATE TABLE sessions (
        key_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username),
        -- the account's session_version at sign-in: a password set by any path (the command
        -- line too) moves it, which ends the session even before its row is marked
        user_version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        ended_at TEXT,
        ended_why TEXT CHECK (ended_why IN ('signed_out', 'password', 'disabled', 'expired'))
    )""",
    "CREATE INDEX sessions_open_by_user ON sessions(username) WHERE ended_at IS NULL",
)


@migrations(name="m012_sessions")
def m012_sessions(db: Database) -> None:
    """Keep staff sessions on the server, so that ending one ends every copy of its cookie."""
    for statement in SESSIONS:
        db.execute(statement)
