"""Booking ahead, the ID card (priority checked by it), the service guides."""

from __future__ import annotations

from sqlite_utils import Database

from db.migrations.registry import migrations

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
