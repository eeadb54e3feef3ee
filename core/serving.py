"""What a counter does with the ticket it holds: start, finish, no-show, return, transfer; and
what a supervisor does with waiting ones: cancel, reactivate.

Each move checks the ticket's state in the same statement that changes it, and logs an event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.center import get_center, get_counter, get_service, list_priority_categories
from core.counters import check_holder, current_ticket
from core.domain_events import EventType, committed
from core.dossiers import read_dossier
from core.errors import Conflict, InvalidInput, NotFound
from core.events import append_event
from core.models import Ticket, TicketStatus, timestamp
from core.tickets import get_ticket, ticket_from_cursor
from core.transaction import immediate

OUTCOME_MAX_LENGTH = 200


def _held(db: Database, number: int, clerk: str, override: bool, allowed: set[str]) -> Ticket:
    check_holder(get_counter(db, number), clerk, override=override)
    ticket = current_ticket(db, number)
    if ticket is None:
        raise Conflict(f"Counter {number} holds no ticket.", code="no_ticket")
    if ticket.status not in allowed:
        raise Conflict(f"Ticket {ticket.label} is {ticket.status}.", code="wrong_state")
    return ticket


def _update(db: Database, ticket_id: int, assignments: str, params: list[Any]) -> Ticket:
    ticket = ticket_from_cursor(
        db.execute(
            f"UPDATE tickets SET {assignments} WHERE id = ? RETURNING *", [*params, ticket_id]
        )
    )
    assert ticket is not None
    return ticket


def start(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> Ticket:
    """The visitor has come to the counter: service time starts now."""
    with immediate(db):
        held = _held(db, number, clerk, override, {TicketStatus.CALLED})
        ticket = _update(db, held.id, "status = 'serving', started_at = ?", [timestamp(now)])
        event = append_event(db, ticket, EventType.TICKET_STARTED, now, counter=number, clerk=clerk)
    return committed(ticket, event)


def finish(
    db: Database,
    number: int,
    *,
    clerk: str,
    now: datetime,
    outcome: str | None = None,
    dossier: str | None = None,
    override: bool = False,
) -> Ticket:
    """Service is over; from `called` the service time counts from the call.

    `dossier` is the receipt's dossier code (mã hồ sơ), checked against the center's pattern
    (core.dossiers); without one the ticket keeps the code it came with from the kiosk.
    """
    code = read_dossier(dossier, get_center(db).dossier_pattern)
    with immediate(db):
        held = _held(db, number, clerk, override, {TicketStatus.CALLED, TicketStatus.SERVING})
        ticket = _update(
            db,
            held.id,
            "status = 'done', finished_at = ?, outcome = ?, dossier = coalesce(?, dossier)",
            [timestamp(now), outcome, code],
        )
        data = {"outcome": outcome, "dossier": ticket.dossier}
        event = append_event(
            db,
            ticket,
            EventType.TICKET_FINISHED,
            now,
            counter=number,
            clerk=clerk,
            data={key: value for key, value in data.items() if value} or None,
        )
    return committed(ticket, event)


def no_show(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> Ticket:
    """The visitor did not come; the ticket can be called again by its label later."""
    with immediate(db):
        held = _held(db, number, clerk, override, {TicketStatus.CALLED})
        ticket = _update(db, held.id, "status = 'no_show', finished_at = ?", [timestamp(now)])
        event = append_event(db, ticket, EventType.TICKET_NO_SHOW, now, counter=number, clerk=clerk)
    return committed(ticket, event)


def return_to_queue(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> Ticket:
    """Put the held ticket back in its queue, keeping its place by original issue time."""
    with immediate(db):
        held = _held(db, number, clerk, override, {TicketStatus.CALLED, TicketStatus.SERVING})
        ticket = _update(
            db,
            held.id,
            "status = 'waiting', counter = NULL, clerk = NULL, called_at = NULL, started_at = NULL",
            [],
        )
        event = append_event(
            db, ticket, EventType.TICKET_RETURNED, now, counter=number, clerk=clerk
        )
    return committed(ticket, event)


def transfer(
    db: Database,
    number: int,
    service_code: str,
    *,
    clerk: str,
    now: datetime,
    override: bool = False,
) -> Ticket:
    """Send the held ticket to another service's queue; it keeps its label and issue time."""
    with immediate(db):
        target = get_service(db, service_code)
        if not target.enabled:
            raise NotFound(f"No service with code {service_code!r}.")
        held = _held(db, number, clerk, override, {TicketStatus.CALLED, TicketStatus.SERVING})
        if held.queue == target.code:
            raise Conflict(f"Ticket {held.label} is already in {target.code}.", code="same_queue")
        ticket = _update(
            db,
            held.id,
            "status = 'waiting', queue = ?, counter = NULL, clerk = NULL, called_at = NULL,"
            " started_at = NULL",
            [target.code],
        )
        event = append_event(
            db,
            ticket,
            EventType.TICKET_TRANSFERRED,
            now,
            counter=number,
            clerk=clerk,
            data={"from": held.queue, "to": target.code},
        )
    return committed(ticket, event)


def cancel(db: Database, ticket_id: int, *, clerk: str, now: datetime, reason: str) -> Ticket:
    """Cancel a waiting ticket (the visitor left, a duplicate); a supervisor's act, logged."""
    with immediate(db):
        held = get_ticket(db, ticket_id)
        if held.status not in (TicketStatus.WAITING, TicketStatus.NO_SHOW):
            raise Conflict(f"Ticket {held.label} is {held.status}.", code="wrong_state")
        ticket = _update(db, ticket_id, "status = 'cancelled', finished_at = ?", [timestamp(now)])
        event = append_event(
            db, ticket, EventType.TICKET_CANCELLED, now, clerk=clerk, data={"reason": reason}
        )
    return committed(ticket, event)


def set_priority(
    db: Database,
    ticket_id: int,
    priority: str | None,
    *,
    clerk: str,
    now: datetime,
    reason: str,
) -> Ticket:
    """A clerk makes a waiting ticket a priority one (or regular again), saying why; logged."""
    if not reason.strip():
        raise InvalidInput("Say why the priority changes.", code="reason_required")
    known = {row["code"] for row in list_priority_categories(db)}
    if priority is not None and priority not in known:
        raise InvalidInput(f"Unknown priority category {priority!r}.", code="unknown_priority")
    with immediate(db):
        held = get_ticket(db, ticket_id)
        if held.status != TicketStatus.WAITING:
            raise Conflict(
                f"Ticket {held.label} is {held.status}, not waiting.", code="wrong_state"
            )
        ticket = _update(db, ticket_id, "priority = ?", [priority])
        event = append_event(
            db,
            ticket,
            EventType.TICKET_PRIORITY_CHANGED,
            now,
            clerk=clerk,
            data={"from": held.priority, "to": priority, "reason": reason.strip()},
        )
    return committed(ticket, event)


def reactivate(db: Database, ticket_id: int, *, clerk: str, now: datetime) -> Ticket:
    """Put a no-show ticket back in its queue at its original place."""
    with immediate(db):
        held = get_ticket(db, ticket_id)
        if held.status != TicketStatus.NO_SHOW:
            raise Conflict(
                f"Ticket {held.label} is {held.status}, not a no-show.", code="wrong_state"
            )
        ticket = _update(
            db,
            ticket_id,
            "status = 'waiting', counter = NULL, clerk = NULL, called_at = NULL,"
            " finished_at = NULL",
            [],
        )
        event = append_event(db, ticket, EventType.TICKET_REACTIVATED, now, clerk=clerk)
    return committed(ticket, event)
