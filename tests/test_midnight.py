"""The center's day ends at its local midnight (core/midnight.py): the tickets still waiting are
closed as expired, logged and counted, numbering starts again at 001, and running the roll-over
again, from any process, changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter
from core.domain_events import EventType
from core.events import ticket_events
from core.midnight import expire_past_days, next_midnight
from core.models import TicketStatus
from core.reports import summary
from core.serving import finish
from core.tickets import get_ticket, issue_ticket

# 23:59:30 in Ho Chi Minh City (UTC+7) on Monday 30 November 2026, and 00:00:30 after it.
LATE = datetime(2026, 11, 30, 16, 59, 30, tzinfo=UTC)
AFTER_MIDNIGHT = LATE + timedelta(minutes=1)


def test_the_next_midnight_is_the_centers_not_utcs(db: Database) -> None:
    assert next_midnight(db, now=LATE) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert next_midnight(db, now=AFTER_MIDNIGHT) == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def test_waiting_tickets_of_a_past_day_expire_with_a_logged_event_and_others_stay(
    db: Database, clock: Any
) -> None:
    open_counter(db, 1, clerk="an", now=LATE)
    served = issue_ticket(db, "A", now=LATE).ticket
    called = issue_ticket(db, "A", now=LATE).ticket
    waiting = [issue_ticket(db, service, now=LATE).ticket for service in ("A", "B", "A")]
    assert call_next(db, 1, clerk="an", now=LATE) is not None
    finish(db, 1, clerk="an", now=LATE)
    assert call_next(db, 1, clerk="an", now=LATE) is not None

    events = expire_past_days(db, now=AFTER_MIDNIGHT)

    assert sorted(event.ticket for event in events if event.ticket) == [t.id for t in waiting]
    assert {event.type for event in events} == {EventType.TICKET_EXPIRED}
    for ticket in waiting:
        closed = get_ticket(db, ticket.id)
        assert closed.status == TicketStatus.EXPIRED
        logged = ticket_events(db, ticket.id)[-1]
        assert logged["kind"] == "expired" and logged["data"] == {"day": "2026-11-30"}
        assert logged["at"] == "2026-11-30T17:00:30.000+00:00"
    assert get_ticket(db, served.id).status == TicketStatus.DONE
    assert get_ticket(db, called.id).status == TicketStatus.CALLED  # at a counter: the clerk's
    assert expire_past_days(db, now=AFTER_MIDNIGHT) == []  # a second run finds nothing


def test_nothing_of_today_expires_before_midnight(db: Database) -> None:
    ticket = issue_ticket(db, "A", now=LATE).ticket
    assert expire_past_days(db, now=LATE + timedelta(seconds=29)) == []
    assert get_ticket(db, ticket.id).status == TicketStatus.WAITING


def test_numbering_restarts_at_001_after_midnight(db: Database) -> None:
    for _ in range(3):
        issue_ticket(db, "A", now=LATE)
    expire_past_days(db, now=AFTER_MIDNIGHT)
    assert issue_ticket(db, "A", now=AFTER_MIDNIGHT).ticket.label == "A001"


def test_reports_count_the_expired_tickets_of_their_day(db: Database) -> None:
    for service in ("A", "A", "B"):
        issue_ticket(db, service, now=LATE)
    expire_past_days(db, now=AFTER_MIDNIGHT)

    report = summary(db, date(2026, 11, 30), date(2026, 11, 30))

    assert report["totals"]["expired"] == 3 and report["totals"]["issued"] == 3
    by_service = {row["service"]: row for row in report["services"]}
    assert by_service["A"]["expired"] == 2 and by_service["B"]["expired"] == 1
    assert summary(db, date(2026, 12, 1), date(2026, 12, 1))["totals"]["expired"] == 0
