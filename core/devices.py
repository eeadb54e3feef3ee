"""Paired devices: the kiosks, hall displays, counter screens, rating tablets and print agents a
center trusts, each known by a token it keeps.

A device asks for pairing (`start_pairing`): it gets a token to keep and a short code to show;
the token is stored only as its SHA-256, beside the code, for PAIRING_MINUTES. At most
PENDING_MAX codes wait at once, and (over HTTP) a few per client address, so one script cannot
hold them all and stop every other device from pairing. An admin who
enters the code pairs it (core.configuration.devices): the code is gone (single use) and the same
hash becomes the device's, so the token the device already holds now names it. Neither the
database nor the audit log can give a working token away.

`device_for_token` is asked on every request and socket of a device: one read by the hash's
index. It notes when the device was last seen at most once per SEEN_EVERY, so a busy kiosk costs
a write a minute, not one per ticket.

Like the rest of core/ it imports no Flask and no adapter, and takes the time as `now`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from core.errors import Conflict, TooMany
from core.models import parse_timestamp, timestamp
from core.rows import rows
from core.transaction import immediate
from core.vocabulary import BOOKING_CODE_ALPHABET

KINDS = ("kiosk", "display", "counter_screen", "tablet", "print_agent")
PAIRING_MINUTES = 10  # a code shown on a device is good for this long
PAIRING_CODE_LENGTH = 6  # of BOOKING_CODE_ALPHABET: no 0/O or 1/I to misread
PENDING_MAX = 200  # codes waiting at once: a script asking for codes cannot fill the table
PENDING_PER_ADDRESS = 5  # codes waiting at once from one client address (QMS_PAIRING_ADDRESS_LIMIT)
SEEN_EVERY = timedelta(minutes=1)
TOKEN_MAX = 100  # a token is 43 characters; anything much longer is not one


@dataclass(frozen=True)
class Pairing:
    """What a device asking to be paired keeps (the token) and shows (the code)."""

    code: str
    token: str
    expires_at: str


@dataclass(frozen=True)
class Device:
    id: int
    kind: str
    target: str | None  # a kiosk id, a display id (None: the whole hall), a counter number
    name: str
    last_seen: str | None

    def is_tablet_of(self, counter: int | None) -> bool:
        return self.kind == "tablet" and counter is not None and self.target == str(counter)

    def is_kiosk(self, kiosk: str | None) -> bool:
        return self.kind == "kiosk" and kiosk is not None and self.target == kiosk

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "target": self.target, "name": self.name}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_pairing(
    db: Database, *, now: datetime, address: str | None = None, address_max: int | None = None
) -> Pairing:
    """Give a device a token to keep and a code to show until an admin enters it.

    `address` is the client asking (None: the command line); with `address_max`, an address
    already holding that many codes is refused (TooMany) until one lapses.
    """
    token = secrets.token_urlsafe(32)
    expires_at = timestamp(now + timedelta(minutes=PAIRING_MINUTES))
    with immediate(db):
        db.execute("DELETE FROM device_pairings WHERE expires_at <= ?", [timestamp(now)])
        if address is not None and address_max is not None:
            _refuse_a_full_address(db, address, address_max, now)
        (pending,) = db.execute("SELECT count(*) FROM device_pairings").fetchone()
        if pending >= PENDING_MAX:
            raise Conflict(
                "Too many devices are waiting to be paired; try again in a few minutes.",
                code="too_many_pairings",
            )
        while True:
            code = "".join(
                secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(PAIRING_CODE_LENGTH)
            )
            if not db.execute("SELECT 1 FROM device_pairings WHERE code = ?", [code]).fetchone():
                break
        db.execute(
            "INSERT INTO device_pairings (code, token_hash, created_at, expires_at, address)"
            " VALUES (?, ?, ?, ?, ?)",
            [code, token_hash(token), timestamp(now), expires_at, address],
        )
    return Pairing(code=code, token=token, expires_at=expires_at)


def _refuse_a_full_address(db: Database, address: str, address_max: int, now: datetime) -> None:
    pending, first_expiry = db.execute(
        "SELECT count(*), min(expires_at) FROM device_pairings WHERE address = ?", [address]
    ).fetchone()
    if pending >= address_max:
        wait = (parse_timestamp(first_expiry) - now).total_seconds()
        raise TooMany(
            f"This device already has {pending} pairing codes waiting; enter one of them on"
            " the admin page, or wait for one to lapse.",
            code="too_many_pairings_here",
            retry_after_s=max(1, int(wait + 0.999)),
        )


def pending_pairing(db: Database, token: str, *, now: datetime) -> dict[str, str] | None:
    """The code a device still waits on with this token, while it has not expired."""
    found = rows(
        db,
        "SELECT code, expires_at FROM device_pairings WHERE token_hash = ? AND expires_at > ?",
        [token_hash(token), timestamp(now)],
    )
    return found[0] if found else None


def normal_code(code: str) -> str:
    """A code as typed ("abc 123", "ABC-123") as it is stored."""
    return "".join(character for character in code.upper() if character.isalnum())


def device_for_token(db: Database, token: str, *, now: datetime) -> Device | None:
    """The paired device holding this token, or None (unknown, revoked, or still pending).

    Notes the device as seen when it was last seen more than SEEN_EVERY ago.
    """
    if not token or len(token) > TOKEN_MAX:
        return None
    found = rows(
        db,
        "SELECT id, kind, target, name, last_seen FROM devices WHERE token_hash = ?",
        [token_hash(token)],
    )
    if not found:
        return None
    device = Device(**found[0])
    if device.last_seen is None or parse_timestamp(device.last_seen) <= now - SEEN_EVERY:
        see_device(db, device.id, now=now)
    return device


def see_device(db: Database, device_id: int, *, now: datetime) -> None:
    """Note that a device was there at `now` (a socket that closes, a request)."""
    if not db.conn.in_transaction:  # never inside another's transaction: it only notes a time
        db.execute("UPDATE devices SET last_seen = ? WHERE id = ?", [timestamp(now), device_id])
