"""What happened, as plain records: the domain says it, one dispatcher decides who is told.

A core operation creates its events inside its transaction, where it writes the ticket_events or
counter_events row (core.events), so the outbox of design.md section 10 can write them in the
same transaction. After the commit it hands them over with `committed`; a caller that wants them
runs the operation through `collect`, and gives them to `realtime.dispatch`. Nothing here
pushes, and nothing is handed over from a transaction that did not commit.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ParamSpec, TypeVar

from core.models import timestamp

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]

P = ParamSpec("P")
T = TypeVar("T")


class EventType(StrEnum):
    """Every fact the center records; a new one needs a row in realtime's table of pushes."""

    TICKET_ISSUED = "ticket_issued"
    TICKET_CALLED = "ticket_called"
    TICKET_RECALLED = "ticket_recalled"
    TICKET_STARTED = "ticket_started"
    TICKET_FINISHED = "ticket_finished"
    TICKET_NO_SHOW = "ticket_no_show"
    TICKET_TRANSFERRED = "ticket_transferred"
    TICKET_RETURNED = "ticket_returned"
    TICKET_CANCELLED = "ticket_cancelled"
    TICKET_REACTIVATED = "ticket_reactivated"
    TICKET_PRIORITY_CHANGED = "ticket_priority_changed"
    TICKET_EXPIRED = "ticket_expired"
    TICKET_RATED = "ticket_rated"
    COUNTER_OPENED = "counter_opened"
    COUNTER_RESUMED = "counter_resumed"
    COUNTER_PAUSED = "counter_paused"
    COUNTER_CLOSED = "counter_closed"
    CLERK_MOVED = "clerk_moved"
    CONFIGURATION_CHANGED = "configuration_changed"
    PRINTER_REPORTED = "printer_reported"
    KIOSK_HELP_ASKED = "kiosk_help_asked"
    KIOSK_HELP_ACKNOWLEDGED = "kiosk_help_acknowledged"


@dataclass(frozen=True)
class DomainEvent:
    """One fact: its type, when (UTC ISO text), what it concerns, and JSON-able details."""

    type: EventType
    at: str
    ticket: int | None = None
    counter: int | None = None
    service: str | None = None
    payload: dict[str, JsonValue] = field(default_factory=dict)

    def to_record(self) -> dict[str, JsonValue]:
        """The event as a plain dict, as a JSON column or a hub's batch takes it."""
        return {
            "type": str(self.type),
            "at": self.at,
            "ticket": self.ticket,
            "counter": self.counter,
            "service": self.service,
            "payload": dict(self.payload),
        }


_collected: ContextVar[list[DomainEvent] | None] = ContextVar("domain_events", default=None)


def committed(result: T, *events: DomainEvent) -> T:
    """Answer a core operation's `result` after its commit, handing its events to the caller
    collecting them (see `collect`); without one, they go nowhere."""
    sink = _collected.get()
    if sink is not None:
        sink.extend(events)
    return result


def collect(
    operation: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> tuple[T, list[DomainEvent]]:
    """Run a core operation; answer its result and the events its committed changes made."""
    events: list[DomainEvent] = []
    token = _collected.set(events)
    try:
        result = operation(*args, **kwargs)
    finally:
        _collected.reset(token)
    return result, events


def configuration_changed(version: int, *, layout: bool, now: datetime) -> DomainEvent:
    """The admin pages changed the configuration (`layout`: names or layout screens show)."""
    return DomainEvent(
        EventType.CONFIGURATION_CHANGED,
        timestamp(now),
        payload={"version": version, "layout": layout},
    )


def printer_reported(
    kiosk: str | None, *, ok: bool, reason: str | None, ticket: int | None, now: datetime
) -> DomainEvent:
    """How a kiosk's printer did (with the ticket it printed, when there was one)."""
    return DomainEvent(
        EventType.PRINTER_REPORTED,
        timestamp(now),
        ticket=ticket,
        payload={"kiosk": kiosk, "ok": ok, "reason": reason},
    )
