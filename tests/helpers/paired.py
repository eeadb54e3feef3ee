"""Paired devices for the web tests: a kiosk, a rating tablet or a print agent, paired the way an
admin pairs one (the device asks for a code, the code is entered), straight through core/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.configuration import Change
from core.configuration.devices import pair_device
from core.devices import start_pairing
from db import connect

HEADER = "X-Device-Token"


def pair(app: Any, kind: str, target: str | int | None, name: str | None = None) -> str:
    """Pair a new device with the app's center; answer the token the device keeps."""
    clock = app.extensions.get("qms.clock")
    moment = clock() if clock is not None else datetime.now(UTC)
    return pair_in(app.config["DATABASE"], kind, target, name, moment)


def pair_in(
    path: Any,
    kind: str,
    target: str | int | None,
    name: str | None = None,
    moment: datetime | None = None,
) -> str:
    """Pair a new device in the database at `path` (a server's, before it starts)."""
    moment = moment or datetime.now(UTC)
    database = connect(path)
    try:
        pairing = start_pairing(database, now=moment)
        pair_device(
            database,
            Change(actor="installer", now=moment),
            code=pairing.code,
            kind=kind,
            target=None if target is None else str(target),
            name=name,
        )
    finally:
        database.conn.close()
    return pairing.token


def tablet(app: Any, counter: int) -> dict[str, str]:
    """The headers of the rating tablet paired with `counter`."""
    return {HEADER: pair(app, "tablet", counter)}


def tablet_socket(app: Any, counter: int, token: str | None = None, **options: Any) -> Any:
    """A Socket.IO test client on /rating as the tablet of `counter` (a new one unless given)."""
    from realtime import socketio

    token = token or pair(app, "tablet", counter)
    return socketio.test_client(app, namespace="/rating", auth={"device": token}, **options)
