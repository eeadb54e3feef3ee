"""The one Socket.IO object, the only module that emits, and the dispatcher of domain events.

The server pushes; it never takes commands over the socket (design.md section 5). Core operations
say what happened (core.domain_events); views hand those events, after the commit, to `dispatch`,
whose table below says who is told. Every emit carries a whole snapshot (or a `seq`), so a screen
that missed an event, or reconnects, is whole again at the next one. Who may connect, and the
rooms sockets join, are realtime_connections.py's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, url_for
from flask_socketio import SocketIO, emit

from core.board import board, public_board, services_overview
from core.counter_screens import counter_screens
from core.domain_events import DomainEvent, EventType, JsonValue
from shared import (
    AgentPresence,
    in_seq_order,
    one_order_manager,
    prefix_for,
    redis_for,
    snapshot_turn,
)

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
CONFIGURATION = "configuration"
KIOSK_HELP = "kiosk_help"
LOW_RATING = "low_rating"
SUPERVISORS_ROOM = "role:supervisor"  # on /counter: the sockets of supervisors and admins

PUBLISHER = "qms.publisher"
AGENTS = "qms.print_agents"
DEVICE_SOCKETS = "qms.device_sockets"

socketio = SocketIO()


def init_app(app: Flask) -> None:
    """Bind Socket.IO to the app in the mode the server runs (gevent under gunicorn)."""
    import realtime_connections  # noqa: F401  (registers the connection handlers)

    queue = app.config.get("MESSAGE_QUEUE")
    socketio.init_app(
        app,
        async_mode=_async_mode(),
        message_queue=queue,
        ping_interval=10,
        ping_timeout=10,
        **one_order_manager(app),  # several workers: every push in one order (shared.py)
    )
    app.wsgi_app = Uncompressed(app.wsgi_app)  # type: ignore[method-assign]
    app.extensions[PUBLISHER] = QueuePublisher(app, float(app.config["PUSH_DELAY_S"]))
    app.extensions[AGENTS] = AgentPresence(redis_for(app), prefix_for(app), socketio.sleep)
    app.extensions[DEVICE_SOCKETS] = AgentPresence(
        redis_for(app), prefix_for(app), socketio.sleep, name="devices"
    )


class Uncompressed:
    """Websockets without permessage-deflate, whatever the browser offers.

    Browsers offer to compress every websocket message, and the websocket server accepts: each
    socket then keeps its own compressor, and every push is compressed once per socket. With 300
    hall displays whose clients offer it as Chromium does (bench/bench_server.py), accepting it
    made "next" -> `called` p50 20 ms rather than 13 and the worker 176 MB rather than 127; on
    the center's LAN the bytes it saves do not matter. Taking the offer out of the upgrade
    request makes the server answer without the extension, which every client accepts.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)


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


def welcome(namespace: str, *, counter: int | None = None) -> None:
    """Give a socket that just connected what its namespace shows (design.md section 5)."""
    database, moment = _db_and_now()
    if namespace == DISPLAY:
        emit(BOARD, hall_board(database, board(database, now=moment)))
    elif namespace == COUNTER:
        emit(BOARD, board(database, now=moment))
    elif namespace == KIOSK:
        services = services_overview(database, now=moment, default_service_s=_default_service_s())
        emit(SERVICES, services)
    elif namespace == RATING:
        emit("state", {"counter": counter})


def hall_board(database: Any, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The board as `/display` gets it: public, with what the screen over each counter shows
    (core.counter_screens), so a counter screen is whole from the same snapshot as the hall."""
    return {**public_board(snapshot), "counters": counter_screens(database)}


def print_agents() -> AgentPresence:
    """The kiosks whose print agent is connected, to any worker of the center (shared.py)."""
    presence: AgentPresence = current_app.extensions[AGENTS]
    return presence


def device_sockets() -> AgentPresence:
    """The sockets of paired devices, by device id, on any worker (members: "namespace sid")."""
    presence: AgentPresence = current_app.extensions[DEVICE_SOCKETS]
    return presence


def close_device_sockets(device_id: int) -> None:
    """Close a revoked device's sockets, on whichever worker holds them (through the queue)."""
    presence = device_sockets()
    for member in presence.members(str(device_id)):
        namespace, _, sid = member.partition(" ")
        socketio.server.disconnect(sid, namespace=namespace)
        presence.left(member)


def send_print_job(kiosk: str, job: dict[str, Any]) -> bool:
    """Hand an encoded ticket to the kiosk's print agent; False when none is connected."""
    if not print_agents().present(kiosk):
        return False
    socketio.emit(PRINT, job, namespace=KIOSK, to=f"agent:{kiosk}")
    return True


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
            with snapshot_turn(self.app):
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
        with self.app.app_context(), snapshot_turn(self.app):  # several workers: in read order
            push_snapshots()


def publish_queues() -> None:
    """Queues changed: push the board and the services soon (coalesced, see QueuePublisher)."""
    current_app.extensions[PUBLISHER].request()


def push_snapshots() -> None:
    """Push the board to displays and counters and the services to kiosks, now."""
    database, moment = _db_and_now()
    snapshot = board(database, now=moment)
    socketio.emit(BOARD, hall_board(database, snapshot), namespace=DISPLAY)
    socketio.emit(BOARD, snapshot, namespace=COUNTER)
    socketio.emit(
        SERVICES,
        services_overview(database, now=moment, default_service_s=_default_service_s()),
        namespace=KIOSK,
    )


def publish_configuration(version: int) -> None:
    """Names or layout changed in the admin pages: hall displays and kiosks reload themselves.

    `version` grows with every change (the audit log's latest id), so a page that reloads for
    one change and sees a later version knows it is current.
    """
    for namespace in (DISPLAY, KIOSK):
        socketio.emit(CONFIGURATION, {"version": version}, namespace=namespace)


# --- the dispatcher: each domain event, after its commit, to the screens that follow it -------


def dispatch(events: Iterable[DomainEvent]) -> None:
    """Tell the screens what happened; call it after the commit, never inside a transaction.

    Each event's pushes go out at once, in the table's order (a `called` is never delayed). The
    board and services snapshots are asked once for the lot, where the last event asks for them,
    and coalesced (QueuePublisher).
    """
    from db.web import get_db

    if get_db().conn.in_transaction:  # under gevent an emit there blocks every other request
        raise RuntimeError("dispatch events after the commit, never inside a transaction")
    planned = [(push, event) for event in events for push in pushes[event.type]]
    asks = [index for index, (push, _) in enumerate(planned) if push is _snapshots]
    for index, (push, event) in enumerate(planned):
        if push is not _snapshots or index == asks[-1]:
            push(event)


def _snapshots(_event: DomainEvent) -> None:
    """The queues changed: the board and services snapshots (once per dispatch, see there)."""
    publish_queues()


def _announce(event: DomainEvent) -> None:
    """A call or recall: every hall display, and the phone following the ticket. Both are
    public: they learn whether the ticket is priority, never its category."""
    payload = {
        "seq": event.payload["seq"],
        "label": event.payload["label"],
        "counter": event.counter,
        "service": event.service,
        "priority": event.payload["priority"] is not None,
        "audio_url": url_for(
            "display.call_audio",
            label=event.payload["label"],
            counter=event.counter,
            service=event.service,
        ),
        "at": event.at,
    }
    with in_seq_order(current_app, int(str(payload["seq"])), socketio.sleep):  # across workers
        socketio.emit(CALLED, payload, namespace=DISPLAY)
        socketio.emit(CALLED, payload, namespace=TRACK, to=f"ticket:{event.ticket}")


def _tell_the_phone(event: DomainEvent) -> None:
    """The ticket's state changed: its phone fetches it again."""
    socketio.emit(TICKET, {"ticket": event.ticket}, namespace=TRACK, to=f"ticket:{event.ticket}")


def _ask_for_a_rating(event: DomainEvent) -> None:
    """The counter's rating tablet asks the visitor just served."""
    socketio.emit(
        RATE,
        {"ticket": event.ticket, "label": event.payload["label"]},
        namespace=RATING,
        to=f"counter:{event.counter}",
    )


def _low_rating(event: DomainEvent) -> None:
    """A visitor was not satisfied: the supervisors' monitor shows it at once, with the reasons
    and the comment (read here: the event leaves the comment's text out). Clerks' terminals on
    the same namespace are not told: a comment about one clerk is for the supervisors."""
    if not event.payload["low"] or event.ticket is None:
        return
    from core.ratings import find_rating

    database, _moment = _db_and_now()
    rating = find_rating(database, event.ticket)
    if rating is None:
        return
    socketio.emit(
        LOW_RATING,
        {"label": event.payload["label"], **rating.to_dict()},
        namespace=COUNTER,
        to=SUPERVISORS_ROOM,
    )


def _counter_state(event: DomainEvent) -> None:
    """A counter opened, paused or closed: the clerks' terminals and the monitor follow it."""
    _emit_counter(
        event.counter, event.payload["status"], event.payload["clerk"], event.payload["by"]
    )


def _clerk_moved(event: DomainEvent) -> None:
    """A supervisor moved a clerk: the counter left closes, the other opens as it was."""
    by = event.payload["by"]
    _emit_counter(event.counter, "closed", None, by)
    _emit_counter(event.payload["to"], event.payload["status"], event.payload["clerk"], by)


def _emit_counter(number: JsonValue, status: JsonValue, clerk: JsonValue, by: JsonValue) -> None:
    socketio.emit(
        COUNTER_STATE,
        {"number": number, "status": status, "clerk": clerk, "by": by},
        namespace=COUNTER,
    )


def _printer_state(event: DomainEvent) -> None:
    """Admin monitors (and the kiosk) see how a kiosk's printer is doing."""
    socketio.emit(
        PRINTER,
        {
            "kiosk": event.payload["kiosk"],
            "ok": event.payload["ok"],
            "reason": event.payload["reason"],
            "ticket": event.ticket,
            "at": event.at,
        },
        namespace=KIOSK,
    )


def _configuration(event: DomainEvent) -> None:
    """Names or layout changed: displays and kiosks reload (other changes reach the queues)."""
    if event.payload["layout"]:
        version = event.payload["version"]
        assert isinstance(version, int)
        publish_configuration(version)


def _kiosk_help(event: DomainEvent) -> None:
    """A kiosk called a guide, or a supervisor answered: the supervisors' monitors follow it."""
    socketio.emit(
        KIOSK_HELP,
        {key: event.payload[key] for key in ("kiosk", "name", "until", "acknowledged_by")}
        | {"at": event.at},
        namespace=COUNTER,
        to=SUPERVISORS_ROOM,
    )


Push = Callable[[DomainEvent], None]

# Who is told of what, in order. `_snapshots`: the board and services (once per dispatch).
pushes: dict[EventType, tuple[Push, ...]] = {
    EventType.TICKET_ISSUED: (_snapshots,),
    EventType.TICKET_CALLED: (_announce, _snapshots),
    EventType.TICKET_RECALLED: (_announce, _snapshots),
    EventType.TICKET_STARTED: (_tell_the_phone, _snapshots),
    EventType.TICKET_FINISHED: (_ask_for_a_rating, _tell_the_phone, _snapshots),
    EventType.TICKET_NO_SHOW: (_tell_the_phone, _snapshots),
    EventType.TICKET_TRANSFERRED: (_tell_the_phone, _snapshots),
    EventType.TICKET_RETURNED: (_tell_the_phone, _snapshots),
    EventType.TICKET_CANCELLED: (_tell_the_phone, _snapshots),
    EventType.TICKET_REACTIVATED: (_tell_the_phone, _snapshots),
    EventType.TICKET_PRIORITY_CHANGED: (_tell_the_phone, _snapshots),
    EventType.TICKET_EXPIRED: (_tell_the_phone, _snapshots),
    EventType.TICKET_RATED: (_low_rating, _tell_the_phone),
    EventType.COUNTER_OPENED: (_counter_state, _snapshots),
    EventType.COUNTER_RESUMED: (_counter_state, _snapshots),
    EventType.COUNTER_PAUSED: (_counter_state, _snapshots),
    EventType.COUNTER_CLOSED: (_counter_state, _snapshots),
    EventType.CLERK_MOVED: (_clerk_moved, _snapshots),
    EventType.CONFIGURATION_CHANGED: (_snapshots, _configuration),
    EventType.PRINTER_REPORTED: (_printer_state,),
    EventType.KIOSK_HELP_ASKED: (_kiosk_help,),
    EventType.KIOSK_HELP_ACKNOWLEDGED: (_kiosk_help,),
}
