"""The one Socket.IO object, and the only module that emits.

The server pushes; it never takes commands over the socket (design.md section 5). Every emit
happens after the commit that caused it, and carries a whole snapshot (or a `seq`), so a screen
that missed an event, or reconnects, is whole again at the next one.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

from core.board import board, services_overview
from core.models import Call

DISPLAY = "/display"
COUNTER = "/counter"
KIOSK = "/kiosk"
RATING = "/rating"
TRACK = "/track"

CALLED = "called"
TICKET = "ticket"
BOARD = "board"
SERVICES = "services"
RATE = "rate"
PRINTER = "printer"
PRINT = "print"
COUNTER_STATE = "counter"

PUBLISHER = "qms.publisher"

socketio = SocketIO()


def init_app(app: Flask) -> None:
    """Bind Socket.IO to the app in the mode the server runs (gevent under gunicorn)."""
    socketio.init_app(
        app,
        async_mode=_async_mode(),
        message_queue=app.config.get("MESSAGE_QUEUE"),
        ping_interval=10,
        ping_timeout=10,
    )
    app.extensions[PUBLISHER] = QueuePublisher(app, float(app.config["PUSH_DELAY_S"]))


def _async_mode() -> str:
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def _db_and_now() -> tuple[Any, Any]:
    from db.web import get_db, now

    return get_db(), now()


def _default_service_s() -> int:
    return int(current_app.config["DEFAULT_SERVICE_S"])


@socketio.on("connect", namespace=DISPLAY)
def display_connected(_auth: Any = None) -> None:
    database, moment = _db_and_now()
    emit(BOARD, board(database, now=moment))


@socketio.on("connect", namespace=COUNTER)
def counter_connected(_auth: Any = None) -> None:
    from api.auth import current_user  # here: api imports this module

    if current_user() is None:  # the API's checks: shift, password reset, disabled account
        raise ConnectionRefusedError("sign in first")
    database, moment = _db_and_now()
    emit(BOARD, board(database, now=moment))


@socketio.on("connect", namespace=KIOSK)
def kiosk_connected(auth: Any = None) -> None:
    database, moment = _db_and_now()
    if isinstance(auth, dict) and "agent" in auth:
        _join_as_print_agent(database, auth)
    emit(SERVICES, services_overview(database, now=moment, default_service_s=_default_service_s()))


@socketio.on("connect", namespace=RATING)
def rating_connected(_auth: Any = None) -> None:
    counter = request.args.get("counter", "")
    if not (counter.isascii() and counter.isdigit() and len(counter) <= 6):
        raise ConnectionRefusedError("say which counter: ?counter=<number>")
    join_room(f"counter:{int(counter)}")
    emit("state", {"counter": int(counter)})


# The kiosks whose print agent is connected to this process, by socket id.
print_agents: dict[str, str] = {}


def _join_as_print_agent(database: Any, auth: dict[str, Any]) -> None:
    """A kiosk PC's print agent joins its kiosk's room; it must bring a staff token."""
    from core.users import user_for_token

    kiosk, token = str(auth.get("agent", "")), str(auth.get("token", ""))
    holder = user_for_token(database, token) if kiosk else None
    # A kiosk's jobs carry its visitors' track links: only that kiosk's token (or an admin's).
    if holder is None or (holder.username != f"token:kiosk-{kiosk}" and holder.role != "admin"):
        raise ConnectionRefusedError("a print agent needs the token made for its kiosk")
    join_room(f"agent:{kiosk}")
    print_agents[request.sid] = kiosk  # type: ignore[attr-defined]


@socketio.on("disconnect", namespace=KIOSK)
def kiosk_disconnected(*_reason: Any) -> None:
    print_agents.pop(request.sid, None)  # type: ignore[attr-defined]


def send_print_job(kiosk: str, job: dict[str, Any]) -> bool:
    """Hand an encoded ticket to the kiosk's print agent; False when none is connected."""
    if kiosk not in print_agents.values():
        return False
    socketio.emit(PRINT, job, namespace=KIOSK, to=f"agent:{kiosk}")
    return True


@socketio.on("connect", namespace=TRACK)
def track_connected(_auth: Any = None) -> None:
    """A visitor's phone follows one ticket: it joins that ticket's room, and hears no more."""
    from core.errors import NotFound
    from core.tickets import find_by_token

    database, _ = _db_and_now()
    try:
        ticket = find_by_token(database, request.args.get("token", ""))
    except NotFound:
        raise ConnectionRefusedError("unknown ticket") from None
    join_room(f"ticket:{ticket.id}")


def publish_ticket_moved(ticket_id: int) -> None:
    """Tell the ticket's phone its state changed (finished, returned, transferred...)."""
    socketio.emit(TICKET, {"ticket": ticket_id}, namespace=TRACK, to=f"ticket:{ticket_id}")


def called_payload(call: Call, audio_url: str | None) -> dict[str, Any]:
    return {
        "seq": call.seq,
        "label": call.label,
        "counter": call.counter,
        "service": call.service,
        "priority": call.priority,
        "audio_url": audio_url,
        "at": call.at,
    }


def publish_call(call: Call, audio_url: str | None) -> None:
    """Tell every hall display about a call (after its commit), then the new board."""
    payload = called_payload(call, audio_url)
    socketio.emit(CALLED, payload, namespace=DISPLAY)
    socketio.emit(CALLED, payload, namespace=TRACK, to=f"ticket:{call.ticket_id}")
    publish_queues()


class QueuePublisher:
    """Coalesces queue changes into one push per short delay.

    At the morning peak every ticket and every call changes the queues; computing and sending
    the snapshots once per change would cost more than the changes themselves. A `called`
    event is never delayed: only the board and service snapshots that follow it are.
    """

    def __init__(self, app: Flask, delay_s: float) -> None:
        self.app = app
        self.delay_s = delay_s
        self.pending = False
        self.lock = threading.Lock()

    def request(self) -> None:
        if self.delay_s <= 0:
            push_snapshots()
            return
        with self.lock:
            if self.pending:
                return
            self.pending = True
        socketio.start_background_task(self._push_later)

    def _push_later(self) -> None:
        socketio.sleep(self.delay_s)
        with self.lock:
            self.pending = False
        with self.app.app_context():
            push_snapshots()


def publish_queues() -> None:
    """Queues changed: push the board and the services soon (coalesced, see QueuePublisher)."""
    current_app.extensions[PUBLISHER].request()


def push_snapshots() -> None:
    """Push the board to displays and counters and the services to kiosks, now."""
    database, moment = _db_and_now()
    snapshot = board(database, now=moment)
    socketio.emit(BOARD, snapshot, namespace=DISPLAY)
    socketio.emit(BOARD, snapshot, namespace=COUNTER)
    socketio.emit(
        SERVICES,
        services_overview(database, now=moment, default_service_s=_default_service_s()),
        namespace=KIOSK,
    )


def publish_counter(number: int, status: str, clerk: str | None, *, by: str) -> None:
    """A counter opened, paused, closed or changed hands (`by` whom): terminals follow it."""
    socketio.emit(
        COUNTER_STATE,
        {"number": number, "status": status, "clerk": clerk, "by": by},
        namespace=COUNTER,
    )


def publish_rating_request(counter: int, ticket_id: int, label: str) -> None:
    socketio.emit(
        RATE, {"ticket": ticket_id, "label": label}, namespace=RATING, to=f"counter:{counter}"
    )


def publish_printer_status(kiosk: str | None, status: dict[str, Any]) -> None:
    """Tell admin monitors (and the kiosk) how a kiosk's printer is doing."""
    socketio.emit(PRINTER, {"kiosk": kiosk, **status}, namespace=KIOSK)


CONFIGURATION = "configuration"


def publish_configuration(version: int) -> None:
    """Names or layout changed in the admin pages: hall displays and kiosks reload themselves.

    `version` grows with every change (the audit log's latest id), so a page that reloads for
    one change and sees a later version knows it is current.
    """
    for namespace in (DISPLAY, KIOSK):
        socketio.emit(CONFIGURATION, {"version": version}, namespace=namespace)
