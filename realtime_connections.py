"""Who may connect to which Socket.IO namespace, and which rooms a socket joins.

A paired device brings its token in the socket's `auth` (`{"device": token}`): it is known by
it (its room `device:<id>`, its presence for the admin page, its last-seen time), and an unknown
or revoked token is refused, so the device learns to pair again. The rating namespace takes only
tablets, each into its own counter's room; the others take unpaired screens too.

What a socket receives, on connect and afterwards, is realtime.py's: nothing here emits.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from core.devices import Device
from realtime import (
    COUNTER,
    DISPLAY,
    KIOSK,
    RATING,
    SUPERVISORS_ROOM,
    TRACK,
    device_sockets,
    print_agents,
    socketio,
    welcome,
)


def _device(auth: Any) -> Device | None:
    """The paired device a socket's `auth` names (None while its code waits for an admin);
    refused when its token is unknown, so the device forgets it and pairs again."""
    from core.devices import device_for_token, pending_pairing
    from db.web import get_db, now

    token = auth.get("device") if isinstance(auth, dict) else None
    if not token:
        return None
    device = device_for_token(get_db(), str(token), now=now())
    if device is None and pending_pairing(get_db(), str(token), now=now()) is None:
        raise ConnectionRefusedError("device_unknown: pair this device again")
    return device


def _present(device: Device | None, namespace: str) -> None:
    """Count the socket as its device's, for the admin page and to close it on revoking."""
    if device is None:
        return
    sid: str = request.sid  # type: ignore[attr-defined]
    join_room(f"device:{device.id}")
    device_sockets().joined(f"{namespace} {sid}", str(device.id), socketio.start_background_task)


def _gone(namespace: str) -> None:
    """A socket closed: if it was a device's, the device was seen until now."""
    from core.devices import see_device
    from db.web import get_db, now

    member = f"{namespace} {request.sid}"  # type: ignore[attr-defined]
    device_id = device_sockets().local.get(member)
    if device_id is not None:
        device_sockets().left(member)
        see_device(get_db(), int(device_id), now=now())


@socketio.on("connect", namespace=DISPLAY)
def display_connected(auth: Any = None) -> None:
    _present(_device(auth), DISPLAY)
    welcome(DISPLAY)


@socketio.on("disconnect", namespace=DISPLAY)
def display_disconnected(*_reason: Any) -> None:
    _gone(DISPLAY)


@socketio.on("connect", namespace=COUNTER)
def counter_connected(_auth: Any = None) -> None:
    from api.auth import SUPERVISORS, current_user  # here: api imports realtime

    user = current_user()
    if user is None:  # the API's checks: shift, password reset, disabled account
        raise ConnectionRefusedError("sign in first")
    if user.role in SUPERVISORS:  # kiosks' calls for a guide, low ratings with their comments
        join_room(SUPERVISORS_ROOM)
    welcome(COUNTER)


@socketio.on("connect", namespace=KIOSK)
def kiosk_connected(auth: Any = None) -> None:
    if isinstance(auth, dict) and "agent" in auth:
        _join_as_print_agent(auth)
    else:
        _present(_device(auth), KIOSK)
    welcome(KIOSK)


@socketio.on("connect", namespace=RATING)
def rating_connected(auth: Any = None) -> None:
    """Only the tablet paired with a counter hears that counter's `rate`: whoever hears it
    could rate the visitor's ticket before the visitor does."""
    device = _device(auth)
    if device is None or device.kind != "tablet" or device.target is None:
        raise ConnectionRefusedError("not_paired: pair this tablet with its counter first")
    asked = request.args.get("counter")
    if asked and asked != device.target:
        raise ConnectionRefusedError(f"other_counter: this tablet is counter {device.target}'s")
    _present(device, RATING)
    join_room(f"counter:{device.target}")
    welcome(RATING, counter=int(device.target))


@socketio.on("disconnect", namespace=RATING)
def rating_disconnected(*_reason: Any) -> None:
    _gone(RATING)


def _join_as_print_agent(auth: dict[str, Any]) -> None:
    """A kiosk PC's print agent joins its kiosk's room: it must be the device paired as that
    kiosk's print agent (a kiosk's jobs carry its visitors' track links)."""
    kiosk = str(auth.get("agent", ""))
    device = _device({"device": auth.get("device") or auth.get("token")})
    if device is None or device.kind != "print_agent" or device.target != kiosk:
        raise ConnectionRefusedError("a print agent needs the token paired for its kiosk")
    _present(device, KIOSK)
    join_room(f"agent:{kiosk}")
    sid: str = request.sid  # type: ignore[attr-defined]
    print_agents().joined(sid, kiosk, socketio.start_background_task)


@socketio.on("disconnect", namespace=KIOSK)
def kiosk_disconnected(*_reason: Any) -> None:
    print_agents().left(request.sid)  # type: ignore[attr-defined]
    _gone(KIOSK)


@socketio.on("connect", namespace=TRACK)
def track_connected(_auth: Any = None) -> None:
    """A visitor's phone follows one ticket: it joins that ticket's room, and hears no more."""
    from core.errors import NotFound
    from core.tickets import find_by_token
    from db.web import get_db

    try:
        ticket = find_by_token(get_db(), request.args.get("token", ""))
    except NotFound:
        raise ConnectionRefusedError("unknown ticket") from None
    join_room(f"ticket:{ticket.id}")
