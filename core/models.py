"""The domain's values: frozen dataclasses built from rows, and the ticket's statuses."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from core.schedule import stored_hours


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # still waiting when its center day ended


class CounterStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


def timestamp(moment: datetime) -> str:
    """Store a moment as UTC ISO-8601 text, which sorts and which SQLite's julianday() reads."""
    if moment.tzinfo is None:
        raise ValueError("moments must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def make_label(service: str, number: int) -> str:
    """The printed and announced number: service code + number padded to 3 digits ("A005")."""
    return f"{service}{number:03d}"


@dataclass(frozen=True)
class Center:
    name: str
    language: str
    timezone: str
    priority_max_in_row: int | None  # None: strict, priority always first
    footer: str
    rating_scale: int = 3  # 3 levels or 4 faces (core.vocabulary.RATING_LEVELS)
    dossier_pattern: str | None = None  # the center's rule for its dossier codes (a regex)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day(self, moment: datetime) -> str:
        """The center's calendar day of a moment, which numbering and reports follow."""
        return moment.astimezone(self.zone).date().isoformat()


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str | None


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    name_en: str | None
    department: str
    target_wait_min: int
    daily_quota: int | None
    hours: tuple[tuple[str, str], ...]  # the same every day; empty: no limit (see core.schedule)
    enabled: bool
    week: tuple[tuple[tuple[str, str], ...], ...] | None = None  # Monday..Sunday, when set
    guide: dict[str, Any] | None = None  # what to bring (core.items.ServiceGuide), when set

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Service:
        every_day, week = stored_hours(row["hours"])
        return cls(
            code=row["code"],
            name=row["name"],
            name_en=row["name_en"],
            department=row["department"],
            target_wait_min=row["target_wait_min"],
            daily_quota=row["daily_quota"],
            hours=every_day,
            enabled=bool(row["enabled"]),
            week=week,
            guide=json.loads(row["guide"]) if row.get("guide") else None,
        )


@dataclass(frozen=True)
class Counter:
    number: int
    name: str
    status: CounterStatus
    status_reason: str | None
    clerk: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class Ticket:
    id: int
    token: str
    label: str
    service: str  # the service that numbered it; its label never changes
    queue: str  # the service whose queue it is in now (differs after a transfer)
    number: int
    day: str
    priority: str | None
    status: TicketStatus
    issued_at: str
    called_at: str | None
    started_at: str | None
    finished_at: str | None
    counter: int | None
    clerk: str | None
    call_count: int
    outcome: str | None
    kiosk: str | None
    predicted_wait_s: int | None
    # who made it priority: "kiosk" (the visitor), "clerk", "id_card" (checked by the card)
    priority_source: str | None
    # the promised call window printed on the ticket (core/promise.py), UTC timestamps
    window_from: str | None = None
    window_to: str | None = None
    dossier: str | None = None  # the dossier code (mã hồ sơ) given at the finish, or at a kiosk

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Ticket:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["status"] = TicketStatus(row["status"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        return data


@dataclass(frozen=True)
class Call:
    """One announcement of a ticket to a counter; `seq` orders a center's calls."""

    seq: int
    kind: str
    ticket_id: int
    label: str
    service: str
    priority: str | None
    counter: int
    at: str


@dataclass(frozen=True)
class Issued:
    """A newly issued ticket with what the visitor is told about the wait."""

    ticket: Ticket
    ahead: int
    estimated_wait_s: int
