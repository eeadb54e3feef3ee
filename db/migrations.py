"""The schema, as named migrations applied in order. An applied migration is never edited:
change the schema by adding the next one.

Invariants live here rather than in code: one number per service per day, known statuses and
roles, foreign keys between tickets, services and counters.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("qms")

INITIAL_SCHEMA = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    position INTEGER NOT NULL
);
CREATE TABLE services (
    code TEXT PRIMARY KEY CHECK (code GLOB '[A-Z]*' AND length(code) BETWEEN 1 AND 3),
    name TEXT NOT NULL,
    name_en TEXT,
    department TEXT NOT NULL REFERENCES departments(code),
    target_wait_min INTEGER NOT NULL DEFAULT 15 CHECK (target_wait_min > 0),
    daily_quota INTEGER CHECK (daily_quota IS NULL OR daily_quota > 0),
    hours TEXT NOT NULL DEFAULT '[]',
    enabled INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL
);
CREATE TABLE counters (
    number INTEGER PRIMARY KEY CHECK (number > 0),
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'closed' CHECK (status IN ('closed', 'open', 'paused')),
    status_reason TEXT,
    clerk TEXT,
    status_at TEXT
);
CREATE TABLE counter_services (
    counter INTEGER NOT NULL REFERENCES counters(number) ON DELETE CASCADE,
    service TEXT NOT NULL REFERENCES services(code),
    rank INTEGER NOT NULL,
    PRIMARY KEY (counter, service)
);
CREATE TABLE priority_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    position INTEGER NOT NULL
);
CREATE TABLE kiosks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    printer TEXT NOT NULL DEFAULT 'none:',
    paper TEXT NOT NULL DEFAULT '80mm' CHECK (paper IN ('80mm', '58mm'))
);
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    active INTEGER NOT NULL DEFAULT 1,
    session_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    created_at TEXT NOT NULL
);
CREATE TABLE sequences (
    service TEXT NOT NULL REFERENCES services(code),
    day TEXT NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (service, day)
);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL REFERENCES services(code),
    queue TEXT NOT NULL REFERENCES services(code),
    day TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    label TEXT NOT NULL,
    priority TEXT REFERENCES priority_categories(code),
    status TEXT NOT NULL DEFAULT 'waiting'
        CHECK (status IN ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')),
    issued_at TEXT NOT NULL,
    called_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    counter INTEGER REFERENCES counters(number),
    clerk TEXT,
    call_count INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    kiosk TEXT,
    predicted_wait_s INTEGER,
    UNIQUE (service, day, number)
);
CREATE INDEX tickets_waiting ON tickets(queue, day, priority, issued_at)
    WHERE status = 'waiting';
CREATE INDEX tickets_day ON tickets(day);
CREATE INDEX tickets_done ON tickets(queue, finished_at) WHERE status = 'done';
CREATE INDEX tickets_label ON tickets(day, label);
CREATE INDEX tickets_counter ON tickets(counter, status);
CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    counter INTEGER,
    clerk TEXT,
    data TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket);
CREATE TABLE calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket INTEGER NOT NULL REFERENCES tickets(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('next', 'call', 'recall')),
    label TEXT NOT NULL,
    service TEXT NOT NULL,
    priority TEXT,
    counter INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX calls_service ON calls(service, day, seq);
CREATE INDEX calls_day ON calls(day, ticket);
CREATE TABLE counter_events (
    id INTEGER PRIMARY KEY,
    counter INTEGER NOT NULL REFERENCES counters(number),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    clerk TEXT,
    reason TEXT
);
CREATE TABLE print_jobs (
    id INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL REFERENCES tickets(id),
    kiosk TEXT,
    printer TEXT NOT NULL,
    ok INTEGER NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
"""

DEFAULT_PRIORITY_CATEGORIES = [
    ("elderly", "Người cao tuổi", "Elderly", 1),
    ("disabled", "Người khuyết tật", "Person with a disability", 2),
    ("pregnant", "Phụ nữ mang thai", "Pregnant woman", 3),
]


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    """Create the whole first schema and the default priority categories."""
    for statement in INITIAL_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.conn.executemany(
        "INSERT INTO priority_categories (code, name, name_en, position) VALUES (?, ?, ?, ?)",
        DEFAULT_PRIORITY_CATEGORIES,
    )


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


APPOINTMENTS = (
    # A service's booking settings, {slot_min, per_slot}; NULL: it takes no bookings.
    """ALTER TABLE services ADD COLUMN appointments TEXT
        CHECK (appointments IS NULL OR json_valid(appointments))""",
    # A visitor's booking of a slot. `day` and `start`/`end` are the center's local day and
    # clock; `starts_at` is the start as a UTC timestamp, which the check-in window and expiry
    # compare with. The ID number is kept only as a keyed hash. Who holds an active booking is
    # an invariant of the schema: one per phone, one per ID number.
    """CREATE TABLE appointments (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        service TEXT NOT NULL REFERENCES services(code),
        day TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        phone TEXT NOT NULL,
        id_hash TEXT,
        status TEXT NOT NULL DEFAULT 'booked'
            CHECK (status IN ('booked', 'checked_in', 'expired', 'cancelled')),
        booked_at TEXT NOT NULL,
        changed_at TEXT,
        ticket INTEGER REFERENCES tickets(id)
    )""",
    "CREATE UNIQUE INDEX appointments_one_per_phone ON appointments(phone) WHERE status = 'booked'",
    """CREATE UNIQUE INDEX appointments_one_per_id ON appointments(id_hash)
        WHERE status = 'booked' AND id_hash IS NOT NULL""",
    "CREATE INDEX appointments_slot ON appointments(service, day, start)",
    "CREATE INDEX appointments_due ON appointments(starts_at) WHERE status = 'booked'",
    # Every change of a booking, as a plain record (type, at, ticket, counter, service, payload).
    """CREATE TABLE appointment_events (
        id INTEGER PRIMARY KEY,
        appointment INTEGER NOT NULL REFERENCES appointments(id),
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        ticket INTEGER REFERENCES tickets(id),
        counter INTEGER,
        service TEXT NOT NULL,
        payload TEXT
    )""",
    "CREATE INDEX appointment_events_appointment ON appointment_events(appointment)",
)


@migrations(name="m005_appointments")
def m005_appointments(db: Database) -> None:
    """Let services take bookings of time slots, and keep the bookings and their history."""
    for statement in APPOINTMENTS:
        db.execute(statement)


TICKET_ID_CARD = (
    # Who made a ticket priority: the visitor at the kiosk, a clerk, or the ID card's birth
    # date (NULL: a regular ticket).
    """ALTER TABLE tickets ADD COLUMN priority_source TEXT
        CHECK (priority_source IN ('kiosk', 'clerk', 'id_card'))""",
    # What is kept of an ID card read at the kiosk: the ID number's keyed hash (HMAC with the
    # instance secret, as bookings keep it) and the birth year; never the name, the address,
    # the full birth date or the QR text.
    "ALTER TABLE tickets ADD COLUMN id_hash TEXT",
    """ALTER TABLE tickets ADD COLUMN birth_year INTEGER
        CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2200)""",
    "UPDATE tickets SET priority_source = 'kiosk' WHERE priority IS NOT NULL",
    # A priority changed after the kiosk is a clerk's (or supervisor's) decision, whoever's code
    # changes it: the source follows the category here, once.
    """CREATE TRIGGER tickets_priority_by_clerk AFTER UPDATE OF priority ON tickets
        WHEN NEW.priority IS NOT OLD.priority
        BEGIN
            UPDATE tickets SET priority_source =
                CASE WHEN NEW.priority IS NULL THEN NULL ELSE 'clerk' END
            WHERE id = NEW.id;
        END""",
)


@migrations(name="m006_tickets_priority_source_and_id_card")
def m006_tickets_priority_source_and_id_card(db: Database) -> None:
    """Say who made a ticket priority, and keep the little an ID card read at the kiosk gives."""
    for statement in TICKET_ID_CARD:
        db.execute(statement)


@migrations(name="m007_service_guides")
def m007_service_guides(db: Database) -> None:
    """What a visitor must bring for a service, its fee, time and legal basis (JSON, or NULL)."""
    db.execute("ALTER TABLE services ADD COLUMN guide TEXT")


@migrations(name="m008_appointments_by_ticket")
def m008_appointments_by_ticket(db: Database) -> None:
    """Find a ticket's booking at once: staff screens show the slot of every booked ticket."""
    db.execute("CREATE INDEX appointments_ticket ON appointments(ticket) WHERE ticket IS NOT NULL")


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
