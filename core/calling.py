"""Calling tickets to counters: the next one by the center's order, a given one, or again.

The order (design.md section 3): the counter's services in its own order, the first with a
waiting ticket winning; within a service, priority first but never more than `max_in_row`
priority calls in a row while regular tickets wait; then the oldest issue time. The choice and the
claim run in one `BEGIN IMMEDIATE`, so two counters pressing "next" never get the same ticket.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from core.center import get_center, get_counter
from core.counters import check_holder, current_ticket
from core.domain_events import EventType, committed
from core.errors import Conflict
from core.events import append_event
from core.models import Call, Counter, CounterStatus, Ticket, TicketStatus, timestamp
from core.tickets import find_by_label, ticket_from_cursor
from core.transaction import immediate

# The first of the line's index (tickets_in_line): the oldest priority (0) or regular (1) ticket.
OLDEST_WAITING = (
    "SELECT id FROM tickets WHERE queue = ? AND day = ? AND status = 'waiting'"
    " AND (priority IS NULL) = ? ORDER BY issued_at, id LIMIT 1"
)
# A checked-in booking whose slot has begun goes before the walk-ins, earliest slot first. Read
# from the day's checked-in bookings (a booking is checked in on its own day), not from the line.
BOOKED_DUE = (
    "SELECT t.id FROM appointments a JOIN tickets t ON t.id = a.ticket"
    " WHERE a.day = ?2 AND a.ticket IS NOT NULL AND a.starts_at <= ?3"
    " AND t.queue = ?1 AND t.day = ?2 AND t.status = 'waiting'"
    " ORDER BY a.starts_at, t.issued_at, t.id LIMIT 1"
)


def choose_next(
    db: Database,
    services: tuple[str, ...],
    day: str,
    max_in_row: int | None,
    *,
    now: datetime | None = None,
) -> int | None:
    """The id of the ticket a counter serving these services calls next, or None.

    Within a service: a checked-in booking whose slot has begun (at `now`; earlier slots
    first), then the walk-ins by the priority rule. Before its slot a booked ticket waits as a
    walk-in does.
    """
    for service in services:
        if now is not None:
            booked = db.execute(BOOKED_DUE, [service, day, timestamp(now)]).fetchone()
            if booked:
                return int(booked[0])
        priority = db.execute(OLDEST_WAITING, [service, day, False]).fetchone()
        regular = db.execute(OLDEST_WAITING, [service, day, True]).fetchone()
        if priority and regular and max_in_row is not None:
            if priority_streak(db, service, day, max_in_row) >= max_in_row:
                return int(regular[0])
        chosen = priority or regular
        if chosen:
            return int(chosen[0])
    return None


def priority_streak(db: Database, service: str, day: str, limit: int) -> int:
    """How many of the service's latest walk-in calls today, counted across counters, were
    priority. Bookings called in their slot neither count nor break the streak: the rule is
    among walk-ins."""
    streak = 0
    for row in db.execute(
        "SELECT c.priority FROM calls c LEFT JOIN appointments a ON a.ticket = c.ticket"
        " WHERE c.service = ? AND c.day = ? AND c.kind != 'recall'"
        " AND (a.id IS NULL OR a.starts_at > c.at) ORDER BY c.seq DESC LIMIT ?",
        [service, day, limit],
    ):
        if row[0] is None:
            break
        streak += 1
    return streak


def _ready_to_call(db: Database, number: int, clerk: str, override: bool) -> Counter:
    counter = get_counter(db, number)
    check_holder(counter, clerk, override=override)
    if counter.status == CounterStatus.PAUSED:
        raise Conflict(f"Counter {number} is paused; resume it first.", code="counter_paused")
    held = current_ticket(db, number)
    if held is not None:
        raise Conflict(
            f"Counter {number} still holds {held.label}: finish, no-show or return it first.",
            code="ticket_in_hand",
        )
    return counter


def _claim(
    db: Database, ticket_id: int, counter: int, clerk: str, now: datetime, statuses: str
) -> Ticket | None:
    cursor = db.execute(
        "UPDATE tickets SET status = 'called', called_at = ?, started_at = NULL,"
        " finished_at = NULL, counter = ?, clerk = ?, call_count = call_count + 1"
        f" WHERE id = ? AND status IN ({statuses}) RETURNING *",
        [timestamp(now), counter, clerk, ticket_id],
    )
    return ticket_from_cursor(cursor)


def record_call(db: Database, ticket: Ticket, kind: str, now: datetime) -> Call:
    """Append the announcement to the center's call log; its seq orders what displays show."""
    assert ticket.counter is not None
    at = timestamp(now)
    seq = db.execute(
        "INSERT INTO calls (ticket, day, kind, label, service, priority, counter, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        [
            ticket.id,
            ticket.day,
            kind,
            ticket.label,
            ticket.queue,
            ticket.priority,
            ticket.counter,
            at,
        ],
    ).fetchone()[0]
    return Call(
        seq=seq,
        kind=kind,
        ticket_id=ticket.id,
        label=ticket.label,
        service=ticket.queue,
        priority=ticket.priority,
        counter=ticket.counter,
        at=at,
    )


def call_next(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> tuple[Ticket, Call] | None:
    """Call the counter's next ticket; None when nothing waits for it."""
    center = get_center(db)
    day = center.day(now)
    with immediate(db):
        counter = _ready_to_call(db, number, clerk, override)
        ticket_id = choose_next(db, counter.services, day, center.priority_max_in_row, now=now)
        if ticket_id is None:
            return None
        ticket = _claim(db, ticket_id, number, clerk, now, "'waiting'")
        assert ticket is not None  # the write lock is held: nobody took it since the choice
        call = record_call(db, ticket, "next", now)
        event = append_event(
            db,
            ticket,
            EventType.TICKET_CALLED,
            now,
            counter=number,
            clerk=clerk,
            details={"seq": call.seq},
        )
    return committed((ticket, call), event)


def call_ticket(
    db: Database, number: int, label: str, *, clerk: str, now: datetime, override: bool = False
) -> tuple[Ticket, Call]:
    """Call a given ticket out of order (a visitor back after a no-show, say); it is logged."""
    day = get_center(db).day(now)
    with immediate(db):
        _ready_to_call(db, number, clerk, override)
        ticket = find_by_label(db, label.strip().upper(), day)
        if ticket.status not in (TicketStatus.WAITING, TicketStatus.NO_SHOW):
            raise Conflict(
                f"Ticket {ticket.label} is {ticket.status}; it cannot be called.",
                code="not_waiting",
            )
        was = ticket.status
        claimed = _claim(db, ticket.id, number, clerk, now, "'waiting', 'no_show'")
        assert claimed is not None
        call = record_call(db, claimed, "call", now)
        event = append_event(
            db,
            claimed,
            EventType.TICKET_CALLED,
            now,
            counter=number,
            clerk=clerk,
            data={"out_of_order": True, "was": str(was)},
            details={"seq": call.seq},
        )
    return committed((claimed, call), event)


def recall(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> tuple[Ticket, Call]:
    """Announce the counter's called ticket again (the visitor did not come yet)."""
    with immediate(db):
        check_holder(get_counter(db, number), clerk, override=override)
        held = current_ticket(db, number)
        if held is None or held.status != TicketStatus.CALLED:
            raise Conflict(f"Counter {number} has no called ticket to recall.", code="no_ticket")
        cursor = db.execute(
            "UPDATE tickets SET call_count = call_count + 1 WHERE id = ? RETURNING *", [held.id]
        )
        ticket = ticket_from_cursor(cursor)
        assert ticket is not None
        call = record_call(db, ticket, "recall", now)
        event = append_event(
            db,
            ticket,
            EventType.TICKET_RECALLED,
            now,
            counter=number,
            clerk=clerk,
            data={"call_count": ticket.call_count},
            details={"seq": call.seq},
        )
    return committed((ticket, call), event)
