"""Personal data is kept for a while, then blanked while the counts stay: `purge --older-than`
and QMS_RETENTION_DAYS (design.md section 9)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core import appointments
from core.calling import call_next
from core.errors import InvalidInput
from core.identity import id_hash
from core.ratings import rate_ticket
from core.retention import FORGOTTEN_NAME, purge_personal_data
from core.serving import finish
from core.sessions import end_session, start_session
from core.users import create_user, get_user
from db.retention import start_daily_purge
from harness.server import flask_command
from server import create_app
from tests.helpers.bookings import DAY, KEY, booked, floor_database, local, walk_in

NAME, PHONE = "Trần Thị Bình", "0912345678"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return floor_database(tmp_path / "qms.db")


def a_day_with_personal_data(db: Database) -> None:
    """A booking that came, one still waiting for tomorrow, a rated ticket with a comment, and
    a ticket from a scanned ID card."""
    came = booked(db, "09:00", "0911111111", check_in_at="08:40")
    appointments.book(
        db,
        "A",
        DAY + timedelta(days=1),
        "09:00",
        name=NAME,
        phone=PHONE,
        id_number="079123456789",
        id_key=KEY,
        now=local("08:00"),
    )
    call_next(db, 1, clerk="lan", now=local("09:00"))
    finish(db, 1, clerk="lan", now=local("09:05"))
    rate_ticket(db, came.id, 2, "Chờ lâu quá", now=local("09:06"))
    card = walk_in(db, "09:10")
    db.execute("UPDATE tickets SET id_hash = 'hash-of-the-card' WHERE id = ?", [card.id])


def personal(db: Database) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT name, phone, id_hash FROM appointments WHERE phone != ''"
        " UNION ALL SELECT NULL, NULL, id_hash FROM tickets WHERE id_hash IS NOT NULL"
        " UNION ALL SELECT comment, NULL, NULL FROM ratings WHERE comment IS NOT NULL"
    ).fetchall()


def test_a_purge_blanks_the_personal_data_of_past_days_and_keeps_the_counts(
    db: Database,
) -> None:
    a_day_with_personal_data(db)
    counts = [
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("tickets", "appointments", "ratings")
    ]

    kept = purge_personal_data(db, older_than_days=1, now=local("12:00") + timedelta(days=1))
    # Yesterday is within 1 day.
    assert kept == {"bookings": 0, "tickets": 0, "ratings": 0, "feedback": 0}

    purged = purge_personal_data(db, older_than_days=0, now=local("12:00") + timedelta(days=1))

    assert purged == {"bookings": 1, "tickets": 1, "ratings": 1, "feedback": 0}
    # Only the booking still waiting for its visitor keeps its name and phone.
    assert personal(db) == [(NAME, PHONE, id_hash("079123456789", KEY))]
    assert db.execute("SELECT name FROM appointments WHERE phone = ''").fetchone()[0] == (
        FORGOTTEN_NAME
    )
    assert [
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("tickets", "appointments", "ratings")
    ] == counts
    assert purge_personal_data(db, older_than_days=0, now=local("12:00") + timedelta(days=1)) == {
        "bookings": 0,
        "tickets": 0,
        "ratings": 0,
        "feedback": 0,
    }


def test_a_purge_period_must_be_days(db: Database) -> None:
    with pytest.raises(InvalidInput):
        purge_personal_data(db, older_than_days=-1, now=local("12:00"))


def test_the_server_purges_daily_when_a_retention_is_set(db: Database, tmp_path: Path) -> None:
    a_day_with_personal_data(db)
    db.execute("UPDATE appointments SET day = '2020-01-01' WHERE phone = '0911111111'")
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "qms.db"), "RETENTION_DAYS": 30})

    thread = start_daily_purge(app)

    assert thread is not None and thread.daemon
    deadline = time.monotonic() + 10
    while (
        db.execute("SELECT count(*) FROM appointments WHERE phone = '0911111111'").fetchone()[0]
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert db.execute("SELECT phone FROM appointments WHERE day = '2020-01-01'").fetchone()[0] == ""


def test_without_a_retention_the_daily_purge_deletes_old_ended_sessions_only(
    db: Database, tmp_path: Path
) -> None:
    a_day_with_personal_data(db)
    db.execute("UPDATE appointments SET day = '2020-01-01' WHERE phone = '0911111111'")
    create_user(db, "lan", role="clerk", password="clerk-password-1", now=local("08:00"))
    moment = datetime.now(UTC)
    lan = get_user(db, "lan")
    old, recent, open_key = (start_session(db, lan, now=moment - age) for age in AGES)
    end_session(db, old, now=moment - timedelta(days=2))
    end_session(db, recent, now=moment - timedelta(hours=1))
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "qms.db")})

    thread = start_daily_purge(app)

    assert thread.daemon
    deadline = time.monotonic() + 10
    while (
        db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    kept = db.execute("SELECT ended_at IS NULL FROM sessions ORDER BY created_at").fetchall()
    assert kept == [(0,), (1,)]  # the one ended an hour ago, and the open one
    assert db.execute("SELECT phone FROM appointments WHERE day = '2020-01-01'").fetchone()[0]


AGES = (timedelta(days=3), timedelta(hours=2), timedelta(minutes=5))


def test_the_command_purges_and_says_what_it_did(db: Database, tmp_path: Path) -> None:
    a_day_with_personal_data(db)
    db.execute("UPDATE appointments SET day = '2020-01-01' WHERE phone = '0911111111'")
    db.conn.close()

    said = flask_command(tmp_path / "qms.db", "purge", "--older-than", "30")

    assert "bookings: 1 purged" in said


def test_the_admin_page_says_what_personal_data_is_kept_and_for_how_long(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    page = client.get("/admin/center?lang=en").text
    assert 'id="personal-data"' in page and "until" in page and "purge --older-than" in page

    app.config["RETENTION_DAYS"] = 90
    assert "blanked after 90 days" in client.get("/admin/center?lang=en").text
