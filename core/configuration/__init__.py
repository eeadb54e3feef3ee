"""Editing the center's configuration and the staff accounts, one audited change at a time.

Every operation checks its input whole first against its item (core.items: InvalidInput, with
a message that names the field and says what would be right), then, in one `BEGIN IMMEDIATE`,
reads the current state, checks it against the change (Conflict, NotFound), writes, and appends
an audit row with the item before and after. Anything that fails changes nothing, not even the log.

Like the rest of core/, this imports no Flask and no adapter: the API passes who acts, when and
why (`Change`), and the adapters' own checks as plain callables (a printer URL parser).

Modules by concept: `settings` (center, announcement, priority, holidays), `catalogue`
(departments and services), `ordering` (the order kiosks list them in), `floor` (counters and
kiosks), `displays` (hall displays), `staff` (user accounts), `tokens` (integration tokens).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from core.audit import record
from core.transaction import immediate


@dataclass(frozen=True)
class Change:
    """Who makes a change, when, and why (the reason is optional, and kept in the log)."""

    actor: str
    now: datetime
    reason: str | None = None


@dataclass
class Note:
    """What an audited block changed; it fills `before` and `after` as it goes."""

    before: Any = None
    after: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def audited(db: Database, change: Change, action: str, target: str | None) -> Iterator[Note]:
    """Run a change in one BEGIN IMMEDIATE and log it there; a change to the same is not logged."""
    with immediate(db):
        note = Note()
        yield note
        if note.before != note.after:
            record(
                db,
                actor=change.actor,
                action=action,
                target=target,
                before=note.before,
                after=note.after,
                reason=change.reason,
                now=change.now,
            )
