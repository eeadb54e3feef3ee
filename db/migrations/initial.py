"""The first schema: the center, its services and counters, tickets and their events, users."""

from __future__ import annotations

from sqlite_utils import Database

from db.migrations.registry import migrations

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
