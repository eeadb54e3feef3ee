"""Who may connect to which Socket.IO namespace, and which rooms a socket joins.

What a socket receives, on connect and afterwards, is realtime.py's: nothing here emits.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from realtime import (
    COUNTER,
    DISPLAY,
    KIOSK,
    RATING,
    SUPERVISOR_ROOM,
    TRACK,
    print_agents,
    socketio,
    welcome,
)


@socketio.on("connect", namespace=DISPLAY)
def display_connected(_auth: Any = None) -> None:
    welcome(DISPLAY)


@socketio.on("connect", namespace=COUNTER)
def counter_connected(_auth: Any = None) -> None:
    from api.auth import SUPERVISORS, current_user  # here: api imports realtime

    user = current_user()
    if user is None:  # the API's checks: shift, password reset, disabled account
        raise ConnectionRefusedError("sign in first")
    if user.role in SUPERVISORS:  # low ratings, with their comments, are theirs
        join_room(SUPERVISOR_ROOM)
    welcome(COUNTER)


@socketio.on("connect", namespace=KIOSK)
def kiosk_connected(auth: Any = None) -> None:
    if isinstance(auth, dict) and "agent" in auth:
        _join_as_print_agent(auth)
    welcome(KIOSK)


@socketio.on("connect", namespace=RATING)
def rating_connected(_auth: Any = None) -> None:
    counter = request.args.get("counter", "")
    if not (counter.isascii() and counter.isdigit() and len(counter) <= 6):
        raise ConnectionRefusedError("say which counter: ?counter=<number>")
    join_room(f"counter:{int(counter)}")
    welcome(RATING, counter=int(counter))


def _join_as_print_agent(auth: dict[str, Any]) -> None:
    """A kiosk PC's print agent joins its kiosk's room; it must bring a staff token."""
    from core.users import user_for_token
    from db.web import get_db

    kiosk, token = str(auth.get("agent", "")), str(auth.get("token", ""))
    holder = user_for_token(get_db(), token) if kiosk else None
    # A kiosk's jobs carry its visitors' track links: only that kiosk's token (or an admin's).
    if holder is None or (holder.username != f"token:kiosk-{kiosk}" and holder.role != "admin"):
        raise ConnectionRefusedError("a print agent needs the token made for its kiosk")
    join_room(f"agent:{kiosk}")
    sid: str = request.sid  # type: ignore[attr-defined]
    print_agents().joined(sid, kiosk, socketio.start_background_task)


@socketio.on("disconnect", namespace=KIOSK)
def kiosk_disconnected(*_reason: Any) -> None:
    print_agents().left(request.sid)  # type: ignore[attr-defined]


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
