"""What a center keeps about people, and for how long: the personal data of past days is purged
while the counts stay (design.md section 9).

Personal data here: a booking's name and phone and the keyed hash of the visitor's ID number;
the keyed hash a ticket keeps of a scanned ID card; a rating's comment; how to reach the visitor
who gave a feedback. A purge blanks those on the rows of center days older than the period and
keeps every row, so reports still count the bookings, tickets, ratings and feedback of those
days. A booking still waiting for its visitor is never purged, nor the contact of a feedback
still waiting for its answer (new or in progress): the answer may need it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlite_utils import Database

from core.center import get_center
from core.errors import InvalidInput
from core.transaction import immediate

FORGOTTEN_NAME = "—"
MAX_DAYS = 36_500


def purge_personal_data(db: Database, *, older_than_days: int, now: datetime) -> dict[str, int]:
    """Blank the personal data of center days more than `older_than_days` before today.

    Answer how many rows of each kind were blanked (rows already blank are not counted).
    """
    if not 0 <= older_than_days <= MAX_DAYS:
        raise InvalidInput(f"Keep personal data 0 to {MAX_DAYS} days.", code="range")
    today = date.fromisoformat(get_center(db).day(now))
    before = (today - timedelta(days=older_than_days)).isoformat()
    with immediate(db):
        bookings = db.execute(
            "UPDATE appointments SET name = ?, phone = '', id_hash = NULL"
            " WHERE day < ? AND status != 'booked' AND (phone != '' OR id_hash IS NOT NULL)",
            [FORGOTTEN_NAME, before],
        ).rowcount
        tickets = db.execute(
            "UPDATE tickets SET id_hash = NULL WHERE day < ? AND id_hash IS NOT NULL", [before]
        ).rowcount
        ratings = db.execute(
            "UPDATE ratings SET comment = NULL WHERE day < ? AND comment IS NOT NULL", [before]
        ).rowcount
        feedback = db.execute(
            "UPDATE feedback SET contact = NULL WHERE day < ? AND contact IS NOT NULL"
            " AND status IN ('answered', 'closed')",
            [before],
        ).rowcount
    return {"bookings": bookings, "tickets": tickets, "ratings": ratings, "feedback": feedback}
