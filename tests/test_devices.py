"""Paired devices in core/: pairing codes (short-lived, single use), tokens kept only as hashes,
the targets a device may be paired to, revoking, and the last-seen time noted cheaply."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlite_utils import Database

from core.configuration import Change
from core.configuration.devices import list_devices, pair_device, revoke_device
from core.configuration.displays import add_display
from core.devices import (
    PAIRING_MINUTES,
    PENDING_MAX,
    device_for_token,
    pending_pairing,
    start_pairing,
)
from core.errors import Conflict, InvalidInput, NotFound, TooMany
from core.vocabulary import BOOKING_CODE_ALPHABET


@pytest.fixture
def kiosk(db: Database) -> str:
    db.execute(
        "INSERT INTO kiosks (id, name, printer, paper) VALUES ('k1', 'Sảnh', 'dummy:', '80mm')"
    )
    return "k1"


def paired(db: Database, clock: Any, kind: str = "tablet", target: str | None = "1") -> str:
    pairing = start_pairing(db, now=clock())
    pair_device(db, Change("root", clock()), code=pairing.code, kind=kind, target=target, name=None)
    return pairing.token


def test_a_pairing_code_is_short_and_unambiguous_and_its_token_is_kept_only_as_a_hash(
    db: Database, clock: Any
) -> None:
    pairing = start_pairing(db, now=clock())
    assert len(pairing.code) == 6 and set(pairing.code) <= set(BOOKING_CODE_ALPHABET)
    assert len(pairing.token) >= 40
    stored = db.execute("SELECT code, token_hash FROM device_pairings").fetchall()
    assert stored == [(pairing.code, hashlib.sha256(pairing.token.encode()).hexdigest())]
    assert pending_pairing(db, pairing.token, now=clock()) == {
        "code": pairing.code,
        "expires_at": pairing.expires_at,
    }
    assert device_for_token(db, pairing.token, now=clock()) is None  # not a device yet


def test_pairing_makes_the_token_the_devices_own_and_spends_the_code(
    db: Database, clock: Any
) -> None:
    pairing = start_pairing(db, now=clock())
    device = pair_device(
        db,
        Change("root", clock(), "tablet of counter 2"),
        code=pairing.code.lower()[:3] + "-" + pairing.code[3:],  # as an admin may type it
        kind="tablet",
        target="2",
        name="Tablet quầy 2",
    )
    assert (device["kind"], device["target"], device["name"]) == ("tablet", "2", "Tablet quầy 2")
    found = device_for_token(db, pairing.token, now=clock())
    assert found is not None and found.id == device["id"] and found.is_tablet_of(2)
    assert not found.is_tablet_of(1)
    assert pending_pairing(db, pairing.token, now=clock()) is None
    with pytest.raises(NotFound) as again:
        pair_device(
            db, Change("root", clock()), code=pairing.code, kind="tablet", target="1", name=None
        )
    assert again.value.code == "unknown_code"
    assert pairing.token not in json.dumps(db.execute("SELECT * FROM devices").fetchall())
    log = db.execute("SELECT actor, action, target, details, reason FROM audit_log").fetchall()
    after = {"id": device["id"], "kind": "tablet", "target": "2", "name": "Tablet quầy 2"}
    assert [(row[0], row[1], row[2], json.loads(row[3]), row[4]) for row in log] == [
        (
            "root",
            "device.pair",
            str(device["id"]),
            {"before": None, "after": after},
            "tablet of counter 2",
        )
    ]


def test_a_code_expires_after_its_minutes(db: Database, clock: Any) -> None:
    pairing = start_pairing(db, now=clock())
    clock.advance(minutes=PAIRING_MINUTES)
    assert pending_pairing(db, pairing.token, now=clock()) is None
    with pytest.raises(NotFound):
        pair_device(
            db, Change("root", clock()), code=pairing.code, kind="tablet", target="1", name=None
        )
    start_pairing(db, now=clock())  # asking again clears the expired codes
    assert db.execute("SELECT count(*) FROM device_pairings").fetchone() == (1,)


def test_codes_waiting_at_once_are_bounded(db: Database, clock: Any) -> None:
    for _ in range(PENDING_MAX):
        start_pairing(db, now=clock())
    with pytest.raises(Conflict) as refused:
        start_pairing(db, now=clock())
    assert refused.value.code == "too_many_pairings"
    clock.advance(minutes=PAIRING_MINUTES)
    assert start_pairing(db, now=clock()).code


def test_an_address_holds_at_most_its_share_of_waiting_codes(db: Database, clock: Any) -> None:
    for _ in range(5):
        start_pairing(db, now=clock(), address="10.0.0.66", address_max=5)
    clock.advance(minutes=3)
    with pytest.raises(TooMany) as refused:
        start_pairing(db, now=clock(), address="10.0.0.66", address_max=5)
    assert (refused.value.code, refused.value.retry_after_s) == ("too_many_pairings_here", 420)
    assert start_pairing(db, now=clock(), address="10.0.0.20", address_max=5).code
    assert start_pairing(db, now=clock()).code  # the command line asks without an address
    clock.advance(minutes=PAIRING_MINUTES - 3)
    assert start_pairing(db, now=clock(), address="10.0.0.66", address_max=5).code


@pytest.mark.parametrize(
    ("kind", "target", "stored"),
    [
        ("kiosk", "k1", "k1"),
        ("print_agent", "k1", "k1"),
        ("tablet", "3", "3"),
        ("counter_screen", "03", "3"),
        ("display", None, None),
        ("display", "", None),
        ("display", "hall-a", "hall-a"),
    ],
)
def test_a_device_is_paired_to_a_kiosk_counter_or_display_of_the_center(
    db: Database, clock: Any, kiosk: str, change: Any, kind: str, target: Any, stored: Any
) -> None:
    add_display(db, change, id="hall-a", name="Sảnh A")
    paired(db, clock, kind, target)
    assert [(row["kind"], row["target"]) for row in list_devices(db)] == [(kind, stored)]


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("kiosk", "k9"),
        ("kiosk", None),
        ("print_agent", None),
        ("tablet", "9"),
        ("tablet", None),
        ("counter_screen", "one"),
        ("display", "nowhere"),
        ("toaster", "1"),
    ],
)
def test_a_device_for_nothing_the_center_has_is_refused_and_the_code_kept(
    db: Database, clock: Any, kiosk: str, kind: str, target: Any
) -> None:
    pairing = start_pairing(db, now=clock())
    with pytest.raises(InvalidInput):
        pair_device(
            db, Change("root", clock()), code=pairing.code, kind=kind, target=target, name=None
        )
    assert pending_pairing(db, pairing.token, now=clock()) is not None
    assert list_devices(db) == []


def test_revoking_forgets_the_token_and_is_audited(db: Database, clock: Any) -> None:
    token = paired(db, clock)
    device = device_for_token(db, token, now=clock())
    assert device is not None
    revoked = revoke_device(db, Change("root", clock(), "stolen"), device.id)
    assert revoked["id"] == device.id
    assert device_for_token(db, token, now=clock()) is None
    assert list_devices(db) == []
    last = db.execute("SELECT action, target, details FROM audit_log ORDER BY id DESC").fetchone()
    assert last[:2] == ("device.revoke", str(device.id))
    assert json.loads(last[2]) == {
        "before": {"id": device.id, "kind": "tablet", "target": "1", "name": "tablet 1"},
        "after": None,
    }
    with pytest.raises(NotFound):
        revoke_device(db, Change("root", clock()), device.id)


def test_last_seen_is_written_at_most_once_a_minute(db: Database, clock: Any) -> None:
    token = paired(db, clock)

    def last_seen() -> str:
        return str(db.execute("SELECT last_seen FROM devices").fetchone()[0])

    device_for_token(db, token, now=clock())
    first = last_seen()
    changes = db.conn.total_changes
    clock.advance(seconds=59)
    for _ in range(20):
        device_for_token(db, token, now=clock())
    assert last_seen() == first and db.conn.total_changes == changes  # no write at all
    clock.advance(seconds=1)
    device_for_token(db, token, now=clock())
    assert last_seen() > first


@pytest.mark.parametrize("token", ["", "x", "y" * 5000])
def test_a_token_that_is_not_a_devices_finds_nothing(db: Database, clock: Any, token: str) -> None:
    paired(db, clock)
    assert device_for_token(db, token, now=clock()) is None
