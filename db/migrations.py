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


@migrations(name="m009_users_display_name")
def m009_users_display_name(db: Database) -> None:
    """The name a clerk is shown by over the counter ("Nguyễn Thị Lan"); the username signs in
    and stays off every public screen."""
    db.execute(
        "ALTER TABLE users ADD COLUMN display_name TEXT"
        " CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 60)"
    )
