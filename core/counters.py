"""Counters: opened by one clerk at a time, paused with a reason, closed when idle.

A counter's current ticket is not stored on the counter: it is the ticket the counter holds in
`called` or `serving`, so the two can never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from core.audit import record
from core.center import get_counter
from core.domain_events import DomainEvent, EventType, committed
from core.errors import Conflict, InvalidInput
from core.events import append_counter_event
from core.models import Counter, CounterStatus, Ticket, timestamp
from core.rows import rows
from core.transaction import immediate


def current_ticket(db: Database, counter: int) -> Ticket | None:
    """The ticket the counter has called or is serving, if any."""
    for row in rows(
        db,
        "SELECT * FROM tickets WHERE counter = ? AND status IN ('called', 'serving')"
        " ORDER BY called_at DESC LIMIT 1",
        [counter],
    ):
        return Ticket.from_row(row)
    return None


def check_holder(counter: Counter, clerk: str, *, override: bool = False) -> None:
    """Refuse acting on a closed counter, or on one another clerk holds (unless supervisor)."""
    if counter.status == CounterStatus.CLOSED:
        raise Conflict(f"Counter {counter.number} is closed; open it first.", code="counter_closed")
    if override:
        return
    if counter.clerk != clerk:
        raise Conflict(
            f"Counter {counter.number} is opened by {counter.clerk}.", code="counter_taken"
        )


def open_counter(
    db: Database, number: int, *, clerk: str, now: datetime, override: bool = False
) -> Counter:
    """Open (or resume) a counter for a clerk; another clerk's open counter answers 409."""
    with immediate(db):
        counter = get_counter(db, number)
        if counter.status != CounterStatus.CLOSED and counter.clerk != clerk and not override:
            raise Conflict(f"Counter {number} is opened by {counter.clerk}.", code="counter_taken")
        for row in rows(
            db,
            "SELECT number FROM counters WHERE clerk = ? AND status != 'closed' AND number != ?",
            [clerk, number],
        ):
            raise Conflict(
                f"You are signed in at counter {row['number']}; close it first.",
                code="clerk_elsewhere",
            )
        db.execute(
            "UPDATE counters SET status = 'open', status_reason = NULL, clerk = ?, status_at = ?"
            " WHERE number = ?",
            [clerk, timestamp(now), number],
        )
        kind = (
            EventType.COUNTER_RESUMED
            if counter.status == CounterStatus.PAUSED
            else EventType.COUNTER_OPENED
        )
        event = append_counter_event(db, number, kind, now, clerk=clerk, reason=None, holder=clerk)
    return committed(get_counter(db, number), event)


def pause_counter(
    db: Database, number: int, *, clerk: str, reason: str, now: datetime, override: bool = False
) -> Counter:
    """Pause a counter with a reason (break, meeting, system down); it calls no one meanwhile."""
    if not reason.strip():
        raise InvalidInput("Say why the counter pauses.", code="reason_required")
    with immediate(db):
        counter = get_counter(db, number)
        check_holder(counter, clerk, override=override)
        db.execute(
            "UPDATE counters SET status = 'paused', status_reason = ?, status_at = ?"
            " WHERE number = ?",
            [reason.strip(), timestamp(now), number],
        )
        event = append_counter_event(
            db,
            number,
            EventType.COUNTER_PAUSED,
            now,
            clerk=clerk,
            reason=reason.strip(),
            holder=counter.clerk,
        )
    return committed(get_counter(db, number), event)


def close_counter(
    db: Database,
    number: int,
    *,
    clerk: str,
    now: datetime,
    reason: str | None = None,
    override: bool = False,
) -> Counter:
    """Close a counter; one still holding a ticket must finish or return it first."""
    with immediate(db):
        counter = get_counter(db, number)
        if counter.status == CounterStatus.CLOSED:
            return counter
        check_holder(counter, clerk, override=override)
        held = current_ticket(db, number)
        if held is not None:
            raise Conflict(
                f"Counter {number} still holds {held.label}: finish, no-show or return it first.",
                code="ticket_in_hand",
            )
        db.execute(
            "UPDATE counters SET status = 'closed', status_reason = ?, clerk = NULL,"
            " status_at = ? WHERE number = ?",
            [reason, timestamp(now), number],
        )
        event = append_counter_event(
            db, number, EventType.COUNTER_CLOSED, now, clerk=clerk, reason=reason, holder=None
        )
    return committed(get_counter(db, number), event)


def move_clerk(
    db: Database, number: int, to: int, *, supervisor: str, now: datetime
) -> tuple[Counter, Counter]:
    """Move the clerk working counter `number` to the closed counter `to` (a supervisor's act).

    The first counter closes and the second opens for the same clerk, in the state the clerk
    left (open, or paused with its reason), in one transaction; both counters' event logs and
    the audit log say who moved whom. A counter still holding a ticket cannot be left.
    """
    if number == to:
        raise InvalidInput(f"The clerk is at counter {number} already.", code="same_counter")
    with immediate(db):
        source, target = get_counter(db, number), get_counter(db, to)
        if source.status == CounterStatus.CLOSED or source.clerk is None:
            raise Conflict(f"Counter {number} is closed: nobody to move.", code="counter_closed")
        if target.status != CounterStatus.CLOSED:
            raise Conflict(f"Counter {to} is opened by {target.clerk}.", code="counter_taken")
        held = current_ticket(db, number)
        if held is not None:
            raise Conflict(
                f"Counter {number} still holds {held.label}: finish, no-show or return it first.",
                code="ticket_in_hand",
            )
        clerk, at = source.clerk, timestamp(now)
        db.execute(
            "UPDATE counters SET status = 'closed', status_reason = NULL, clerk = NULL,"
            " status_at = ? WHERE number = ?",
            [at, number],
        )
        db.execute(
            "UPDATE counters SET status = ?, status_reason = ?, clerk = ?, status_at = ?"
            " WHERE number = ?",
            [str(source.status), source.status_reason, clerk, at, to],
        )
        append_counter_event(
            db,
            number,
            EventType.COUNTER_CLOSED,
            now,
            clerk=clerk,
            reason=f"moved to {to} by {supervisor}",
            holder=None,
        )
        append_counter_event(
            db,
            to,
            EventType.COUNTER_OPENED,
            now,
            clerk=clerk,
            reason=f"moved from {number} by {supervisor}",
            holder=clerk,
        )
        moved = DomainEvent(
            EventType.CLERK_MOVED,
            at,
            counter=number,
            payload={"to": to, "clerk": clerk, "status": str(source.status), "by": supervisor},
        )
        record(
            db,
            actor=supervisor,
            action="user.move_counter",
            now=now,
            target=clerk,
            before={"counter": number},
            after={"counter": to},
        )
    return committed((get_counter(db, number), get_counter(db, to)), moved)
