"""Paired devices as an admin manages them: pair a device by the code it shows, list, revoke.

Pairing checks what the device is for against the center (a kiosk, display or counter it names
must exist), spends the code (single use), and keeps the device's token hash. Revoking deletes
the row: the device's next request or socket is refused as unknown. Both are audited, by the
device's id, kind, target and name, never with its token or its hash.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.audit import record
from core.center import get_kiosk, get_setting
from core.configuration import Change, audited
from core.devices import KINDS, normal_code
from core.errors import InvalidInput, NotFound
from core.models import timestamp
from core.rows import rows
from core.transaction import immediate
from core.vocabulary import TEXT_MAX

COLUMNS = "id, kind, target, name, paired_at, paired_by, last_seen"
NAME_MAX = 100


def list_devices(db: Database) -> list[dict[str, Any]]:
    """Every paired device, by kind and target; never its token's hash."""
    return rows(db, f"SELECT {COLUMNS} FROM devices ORDER BY kind, target, id")


def get_device(db: Database, device_id: int) -> dict[str, Any]:
    for row in rows(db, f"SELECT {COLUMNS} FROM devices WHERE id = ?", [device_id]):
        return row
    raise NotFound(f"No paired device number {device_id}.")


def check_target(db: Database, kind: str, target: str | None) -> str | None:
    """The target as stored, once the center is found to have it; InvalidInput otherwise."""
    if kind not in KINDS:
        raise InvalidInput(f"A device is one of {', '.join(KINDS)}.", code="bad_kind")
    target = (target or "").strip()[:TEXT_MAX] or None
    if kind in ("kiosk", "print_agent"):
        if target is None or get_kiosk(db, target) is None:
            raise InvalidInput(
                f"Choose a kiosk of the center for a {kind} (none is called {target!r}).",
                code="bad_target",
            )
    elif kind in ("tablet", "counter_screen"):
        known = {str(row[0]) for row in db.execute("SELECT number FROM counters").fetchall()}
        if target is None or target.lstrip("0") not in known:
            raise InvalidInput(
                f"Choose a counter of the center for a {kind} (none is numbered {target!r}).",
                code="bad_target",
            )
        target = target.lstrip("0")
    elif target is not None:  # a display: one of the center's, or None for the whole hall
        if target not in {display["id"] for display in get_setting(db, "displays", [])}:
            raise InvalidInput(
                f"No hall display is called {target!r}; leave it empty for the whole hall.",
                code="bad_target",
            )
    return target


def pair_device(
    db: Database, change: Change, *, code: str, kind: str, target: str | None, name: str | None
) -> dict[str, Any]:
    """Pair the device showing `code` as a `kind` for `target`; the code is spent."""
    target = check_target(db, kind, target)
    name = (name or "").strip() or f"{kind} {target or ''}".strip()
    if len(name) > NAME_MAX:
        raise InvalidInput(f"A device's name has at most {NAME_MAX} characters.", code="bad_name")
    code = normal_code(code)
    with immediate(db):
        found = db.execute(
            "DELETE FROM device_pairings WHERE code = ? AND expires_at > ? RETURNING token_hash",
            [code, timestamp(change.now)],
        ).fetchall()
        if not found:
            raise NotFound(
                f"No device shows the code {code!r} now: check it, or let the device show a new"
                " one (a code lasts a few minutes and pairs once).",
                code="unknown_code",
            )
        cursor = db.execute(
            "INSERT INTO devices (token_hash, kind, target, name, paired_at, paired_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [found[0][0], kind, target, name, timestamp(change.now), change.actor],
        )
        device = get_device(db, int(cursor.lastrowid or 0))
        record(
            db,
            actor=change.actor,
            action="device.pair",
            target=str(device["id"]),
            before=None,
            after=_audited(device),
            reason=change.reason,
            now=change.now,
        )
    return device


def revoke_device(db: Database, change: Change, device_id: int) -> dict[str, Any]:
    """Forget a device's token: its next request and socket are refused."""
    with audited(db, change, "device.revoke", str(device_id)) as note:
        device = get_device(db, device_id)
        note.before = _audited(device)
        db.execute("DELETE FROM devices WHERE id = ?", [device_id])
    return device


def _audited(device: dict[str, Any]) -> dict[str, Any]:
    return {key: device[key] for key in ("id", "kind", "target", "name")}
