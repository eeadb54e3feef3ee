"""A visitor at a kiosk asks for a guide (the kiosk's "Hướng dẫn" button): the supervisors on the
floor are told which kiosk, and one of them walks over and says so.

Nothing is stored: the request is a domain event, a plain record as the province outbox will
take it, pushed to the supervisors' monitors, where it shows until one of them acknowledges it
or HELP_SHOWN_MIN minutes pass. It names the kiosk alone: never the visitor, the screen or a
ticket. Reads only; no flask, no sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from core.center import get_kiosk
from core.domain_events import DomainEvent, EventType, committed
from core.errors import NotFound
from core.models import timestamp

HELP_SHOWN_MIN = 5  # a guide walks over in a minute or two; after five the visitor has gone


@dataclass(frozen=True)
class HelpRequest:
    """A kiosk's call for a guide: which kiosk (its id and name), when, shown until when, and
    the supervisor who answered it (None while nobody has)."""

    kiosk: str
    name: str
    at: str
    until: str
    acknowledged_by: str | None = None


def ask_for_help(db: Database, kiosk_id: str, *, now: datetime) -> HelpRequest:
    """Call a guide to a kiosk the center knows; NotFound for any other id."""
    kiosk = _known_kiosk(db, kiosk_id)
    request = HelpRequest(
        kiosk=kiosk_id,
        name=kiosk["name"],
        at=timestamp(now),
        until=timestamp(now + timedelta(minutes=HELP_SHOWN_MIN)),
    )
    return committed(request, _event(EventType.KIOSK_HELP_ASKED, request))


def acknowledge_help(db: Database, kiosk_id: str, *, by: str, now: datetime) -> HelpRequest:
    """Say that a supervisor (`by`) is on the way to the kiosk: every monitor stops showing it."""
    kiosk = _known_kiosk(db, kiosk_id)
    moment = timestamp(now)
    request = HelpRequest(
        kiosk=kiosk_id, name=kiosk["name"], at=moment, until=moment, acknowledged_by=by
    )
    return committed(request, _event(EventType.KIOSK_HELP_ACKNOWLEDGED, request))


def _known_kiosk(db: Database, kiosk_id: str) -> dict[str, str]:
    kiosk = get_kiosk(db, kiosk_id)
    if kiosk is None:
        raise NotFound(f"There is no kiosk {kiosk_id!r} in this center.", "unknown_kiosk")
    return kiosk


def _event(kind: EventType, request: HelpRequest) -> DomainEvent:
    return DomainEvent(
        kind,
        request.at,
        payload={
            "kiosk": request.kiosk,
            "name": request.name,
            "until": request.until,
            "acknowledged_by": request.acknowledged_by,
        },
    )
