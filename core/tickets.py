"""Issuing tickets, finding them, and telling a visitor how long the wait is.

Numbers come from a per-service, per-day sequence row bumped inside `BEGIN IMMEDIATE`, so two
kiosks never get the same number, even from two processes, and a number is never reused that day.
"""

from __future__ import annotations

import secrets
import statistics
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center, get_service, list_priority_categories
from core.domain_events import EventType, committed
from core.errors import Conflict, InvalidInput, NotFound
from core.events import append_event
from core.identity import DEFAULT_ELDERLY_AGE, ELDERLY, CardHolder, is_elderly
from core.models import Issued, Service, Ticket, TicketStatus, make_label, timestamp
from core.promise import call_window, stored, window_text
from core.rows import rows
from core.schedule import holiday_dates, opening_spans
from core.transaction import immediate

DEFAULT_SERVICE_S = 300
SERVICE_TIME_SAMPLE = 50
TOKEN_BYTES = 16


def issue_ticket(
    db: Database,
    service_code: str,
    *,
    now: datetime,
    priority: str | None = None,
    kiosk: str | None = None,
    holder: CardHolder | None = None,
    elderly_age: int = DEFAULT_ELDERLY_AGE,
    default_service_s: int = DEFAULT_SERVICE_S,
    dossier: str | None = None,
) -> Issued:
    """Give the visitor the next number of a service, with the people ahead and the wait.

    `dossier` is the code of the receipt a visitor coming back for the result scanned at the
    kiosk (core.dossiers): the ticket carries it to the counter.

    `holder` is what an ID card read at the kiosk gave: at `elderly_age` or over the ticket is
    elderly priority, checked by the card; younger, it keeps the priority the visitor chose (a
    card never takes away a declared disability or pregnancy).
    """
    center = get_center(db)
    service = get_service(db, service_code)
    if not service.enabled:
        raise NotFound(f"No service with code {service_code!r}.")
    categories = {c["code"] for c in list_priority_categories(db)}
    if priority is not None and priority not in categories:
        raise InvalidInput(f"Unknown priority category {priority!r}.", code="unknown_priority")
    source = "kiosk" if priority is not None else None
    if holder is not None and ELDERLY in categories and is_elderly(holder, elderly_age):
        priority, source = ELDERLY, "id_card"
    if not is_within_hours(service, center.zone, now, holidays=holiday_dates(db)):
        raise Conflict(f"Service {service.code} is not taking tickets now.", code="closed")
    day = center.day(now)
    with immediate(db):
        if service.daily_quota is not None:
            issued = _issued_today(db, service.code, day)
            if issued >= service.daily_quota:
                raise Conflict(
                    f"Service {service.code} has given its {service.daily_quota} tickets today.",
                    code="quota_reached",
                )
        number = next(
            iter(
                db.execute(
                    "INSERT INTO sequences (service, day, last_number) VALUES (?, ?, 1)"
                    " ON CONFLICT (service, day) DO UPDATE SET last_number = last_number + 1"
                    " RETURNING last_number",
                    [service.code, day],
                ).fetchall()
            )
        )[0]
        ahead = _waiting_before(db, service.code, day, priority)
        estimated = estimate_wait_s(db, service.code, ahead, default_service_s)
        window = stored(call_window(db, service.code, estimated, now))
        cursor = db.execute(
            "INSERT INTO tickets (token, service, queue, day, number, label, priority, issued_at,"
            " kiosk, predicted_wait_s, priority_source, id_hash, birth_year, window_from,"
            " window_to, dossier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING *",
            [
                secrets.token_urlsafe(TOKEN_BYTES),
                service.code,
                service.code,
                day,
                number,
                make_label(service.code, number),
                priority,
                timestamp(now),
                kiosk,
                estimated,
                source,
                holder.id_hash if holder else None,
                holder.birth_year if holder else None,
                *window,
                dossier,
            ],
        )
        ticket = ticket_from_cursor(cursor)
        assert ticket is not None
        data: dict[str, Any] = {"kiosk": kiosk, "priority": priority}
        if holder is not None:  # the history says the card was read, and what it decided
            data["priority_source"] = source
        if dossier is not None:
            data["dossier"] = dossier
        event = append_event(db, ticket, EventType.TICKET_ISSUED, now, data=data)
    return committed(Issued(ticket=ticket, ahead=ahead, estimated_wait_s=estimated), event)


def is_within_hours(
    service: Service, zone: Any, now: datetime, *, holidays: frozenset[str] = frozenset()
) -> bool:
    """Whether the service takes tickets at this moment: within its hours of that weekday
    (center time, end exclusive), and not on one of the center's holidays."""
    local = now.astimezone(zone)
    spans = opening_spans(service.hours, service.week, local.date(), holidays)
    if spans is None:
        return True
    clock = local.strftime("%H:%M")
    return any(start <= clock < end for start, end in spans)


def _issued_today(db: Database, service: str, day: str) -> int:
    for row in rows(
        db, "SELECT last_number FROM sequences WHERE service = ? AND day = ?", [service, day]
    ):
        return int(row["last_number"])
    return 0


def queue_length(db: Database, queue: str, day: str) -> tuple[int, int]:
    """Tickets of the queue waiting that day, regular and priority (a row SQLite keeps)."""
    found = db.execute(
        "SELECT regular, priority FROM queue_lengths WHERE queue = ? AND day = ?", [queue, day]
    ).fetchone()
    return (int(found[0]), int(found[1])) if found else (0, 0)


def _waiting_before(
    db: Database,
    queue: str,
    day: str,
    priority: str | None,
    issued_at: str | None = None,
    ticket_id: int = 0,
) -> int:
    """Waiting tickets of the queue that will be served before one of this priority.

    Priority tickets pass regular ones; among equals the older goes first. A ticket not yet
    issued (issued_at None) comes after every waiting ticket of its rank: the queue's length,
    read without counting the line. A waiting ticket counts the older ones of its rank, in the
    line's index, up to its own place.
    """
    regular, priorities = queue_length(db, queue, day)
    if issued_at is None:
        return priorities if priority is not None else regular + priorities
    earlier = int(
        db.execute(
            "SELECT count(*) FROM tickets WHERE queue = ? AND day = ? AND status = 'waiting'"
            " AND (priority IS NULL) = ? AND (issued_at, id) < (?, ?)",
            [queue, day, priority is None, issued_at, ticket_id],
        ).fetchone()[0]
    )
    return earlier if priority is not None else priorities + earlier


def median_service_s(db: Database, service: str, default_service_s: int = DEFAULT_SERVICE_S) -> int:
    """The median of the service's latest service times, or the default before there is history."""
    rows = db.execute(
        "SELECT (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400"
        " FROM tickets WHERE queue = ? AND status = 'done' AND finished_at IS NOT NULL"
        " ORDER BY finished_at DESC LIMIT ?",
        [service, SERVICE_TIME_SAMPLE],
    ).fetchall()
    durations = [row[0] for row in rows if row[0] is not None and row[0] > 0]
    if len(durations) < 3:
        return default_service_s
    return round(statistics.median(durations))


def open_counters_for(db: Database, service: str) -> int:
    return int(
        db.execute(
            "SELECT count(*) FROM counters JOIN counter_services ON counter = number"
            " WHERE service = ? AND status = 'open'",
            [service],
        ).fetchone()[0]
    )


def estimate_wait_s(
    db: Database, service: str, ahead: int, default_service_s: int = DEFAULT_SERVICE_S
) -> int:
    """People ahead, shared among the counters open for the service, times the median service."""
    counters = max(1, open_counters_for(db, service))
    return round(ahead / counters * median_service_s(db, service, default_service_s))


def wait_range_min(estimated_wait_s: int) -> tuple[int, int]:
    """The wait as a range of minutes: an estimate shown as one number reads as a promise."""
    minutes = estimated_wait_s / 60
    high = max(1, round(minutes * 1.3 + 0.5))
    return (int(minutes * 0.7), high) if high > 1 else (0, 1)


def track_state(
    db: Database,
    ticket: Ticket,
    default_service_s: int = DEFAULT_SERVICE_S,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What the visitor's phone shows of a ticket: where it stands, the wait, the counter, and
    whether it is priority (never its category: whoever holds the link sees this). With `now`,
    a waiting ticket's call window as the queue stands now, beside the one printed."""
    ahead = ahead_of(db, ticket)
    waiting = ticket.status == TicketStatus.WAITING
    estimated = estimate_wait_s(db, ticket.queue, ahead, default_service_s) if waiting else 0
    windows: dict[str, Any] = {}
    if ticket.window_from and ticket.window_to:
        windows["promised_window"] = window_text(db, ticket.window_from, ticket.window_to)
    if waiting and now is not None:
        windows["call_window"] = window_text(db, *call_window(db, ticket.queue, estimated, now))
    return {
        **windows,
        "label": ticket.label,
        "status": str(ticket.status),
        "service": ticket.queue,
        "priority": ticket.priority is not None,
        "ahead": ahead,
        "estimated_wait_s": estimated,
        "estimated_wait_range_min": list(wait_range_min(estimated)),
        "counter": ticket.counter,
        "called_at": ticket.called_at,
    }


def priority_facts(db: Database, ticket_id: int) -> dict[str, Any]:
    """Who made the ticket priority (kiosk, clerk, id_card or None) and the card's birth year."""
    for row in rows(
        db, "SELECT priority_source, birth_year FROM tickets WHERE id = ?", [ticket_id]
    ):
        return row
    raise NotFound(f"No ticket {ticket_id}.")


def get_ticket(db: Database, ticket_id: int) -> Ticket:
    for row in rows(db, "SELECT * FROM tickets WHERE id = ?", [ticket_id]):
        return Ticket.from_row(row)
    raise NotFound(f"No ticket {ticket_id}.")


def find_by_token(db: Database, token: str) -> Ticket:
    for row in rows(db, "SELECT * FROM tickets WHERE token = ?", [token]):
        return Ticket.from_row(row)
    raise NotFound("No ticket for this link.")


def find_by_label(db: Database, label: str, day: str) -> Ticket:
    for row in rows(db, "SELECT * FROM tickets WHERE day = ? AND label = ?", [day, label]):
        return Ticket.from_row(row)
    raise NotFound(f"No ticket {label} today.")


def ahead_of(db: Database, ticket: Ticket) -> int:
    """How many waiting tickets will be served before this one (0 once it is called)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    return _waiting_before(
        db, ticket.queue, ticket.day, ticket.priority, ticket.issued_at, ticket.id
    )


def ticket_from_cursor(cursor: Any) -> Ticket | None:
    """The ticket a `... RETURNING *` statement gave, or None when it touched no row."""
    row = cursor.fetchone()
    if row is None:
        return None
    columns = [description[0] for description in cursor.description]
    return Ticket.from_row(dict(zip(columns, row, strict=True)))
