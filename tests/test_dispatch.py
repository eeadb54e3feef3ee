"""The pushes of each domain event, as a table: who hears what when it happens.

Each row makes its event happen through the API of a real app (a tmp SQLite file), with a
listener connected on every namespace and room, and compares what each one heard with the row.
Listeners: the hall display, a clerk's terminal, a supervisor's monitor, a kiosk, the rating
tablets of counters 1 and 2, the phone following A001 (the ticket the rows act on) and the phone
following A002.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import realtime
from core.calling import call_next
from core.center import load_center
from core.counters import open_counter
from core.domain_events import EventType, collect, configuration_changed
from core.errors import Conflict
from core.events import ticket_events
from core.tickets import issue_ticket
from core.transaction import immediate
from db import connect
from db.web import get_db, now
from realtime import socketio
from tests.conftest import SMALL_CENTER, sign_in
from tests.helpers.paired import tablet_socket

SNAPSHOTS = {
    "/display": ["board"],
    "/counter": ["board"],
    "/counter supervisors": ["board"],
    "/kiosk": ["services"],
}
QUIET: dict[str, list[str]] = {
    "/rating counter:1": [],
    "/rating counter:2": [],
    "/track A001": [],
    "/track A002": [],
}


def heard(own: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every listener's event names: the queue snapshots, silence elsewhere, and the row's own."""
    return {**SNAPSHOTS, **QUIET, **(own or {})}


CALL = {"/display": ["called", "board"], "/track A001": ["called"]}
PHONE = {"/track A001": ["ticket"]}
COUNTER_STATE = {"/counter": ["counter", "board"], "/counter supervisors": ["counter", "board"]}
MOVED = ["counter", "counter", "board"]
GUIDE_CALLED = {**{listener: [] for listener in heard()}, "/counter supervisors": ["kiosk_help"]}

# event type -> what each namespace (and room) receives, in order
TABLE: dict[EventType, dict[str, list[str]]] = {
    EventType.TICKET_ISSUED: heard(),
    EventType.TICKET_CALLED: heard(CALL),
    EventType.TICKET_RECALLED: heard(CALL),
    EventType.TICKET_STARTED: heard(PHONE),
    EventType.TICKET_FINISHED: heard({"/rating counter:1": ["rate"], **PHONE}),
    EventType.TICKET_NO_SHOW: heard(PHONE),
    EventType.TICKET_TRANSFERRED: heard(PHONE),
    EventType.TICKET_RETURNED: heard(PHONE),
    EventType.TICKET_CANCELLED: heard(PHONE),
    EventType.TICKET_REACTIVATED: heard(PHONE),
    EventType.TICKET_PRIORITY_CHANGED: heard(PHONE),
    EventType.TICKET_EXPIRED: heard({**PHONE, "/track A002": ["ticket"]}),
    EventType.COUNTER_OPENED: heard(COUNTER_STATE),
    EventType.COUNTER_RESUMED: heard(COUNTER_STATE),
    EventType.COUNTER_PAUSED: heard(COUNTER_STATE),
    EventType.COUNTER_CLOSED: heard(COUNTER_STATE),
    EventType.CLERK_MOVED: heard({"/counter": MOVED, "/counter supervisors": MOVED}),
    EventType.CONFIGURATION_CHANGED: heard(
        {"/display": ["board", "configuration"], "/kiosk": ["services", "configuration"]}
    ),
    EventType.PRINTER_REPORTED: {
        **{listener: [] for listener in heard()},
        "/kiosk": ["printer"],
    },
    EventType.KIOSK_HELP_ASKED: GUIDE_CALLED,
    EventType.KIOSK_HELP_ACKNOWLEDGED: GUIDE_CALLED,
    # A low rating: the supervisors' monitor, never the clerks' terminals; the phone refreshes.
    EventType.TICKET_RATED: {
        **{listener: [] for listener in heard()},
        "/counter supervisors": ["low_rating"],
        **PHONE,
    },
}


class Center:
    """The app as the rows use it: clerk an at counter 1, supervisor chi, A001 and A002 issued."""

    def __init__(self, app: Any, client: Any) -> None:
        self.app = app
        self.clerk = client
        self.clerk_headers = sign_in(client, "an")
        self.supervisor = app.test_client()
        self.supervisor_headers = sign_in(self.supervisor, "chi")
        self.tickets = [self.issue() for _ in range(2)]

    def issue(self) -> dict[str, Any]:
        answer = self.clerk.post("/api/tickets", json={"service": "A"})
        assert answer.status_code == 201, answer.json
        return dict(answer.json)

    def counter(self, action: str, body: dict[str, Any] | None = None) -> None:
        answer = self.clerk.post(
            f"/api/counters/1/{action}", json=body or {}, headers=self.clerk_headers
        )
        assert answer.status_code == 200, answer.json

    def supervise(self, path: str, body: dict[str, Any] | None = None) -> None:
        answer = self.supervisor.post(path, json=body or {}, headers=self.supervisor_headers)
        assert answer.status_code == 200, answer.json

    def ticket_path(self, action: str) -> str:
        return f"/api/tickets/{self.tickets[0]['id']}/{action}"


def _configuration(center: Center) -> None:
    with center.app.test_request_context():
        realtime.dispatch([configuration_changed(7, layout=True, now=now())])


def _midnight(center: Center) -> None:
    """The day ends with A001 and A002 waiting: the server's midnight roll-over closes both."""
    from db.midnight import roll_over

    center.app.extensions["qms.clock"].advance(days=1)
    assert roll_over(center.app) == 2


def _printer(center: Center) -> None:
    answer = center.clerk.post(
        "/api/kiosks/k1/printer",
        json={"ok": False, "reason": "out of paper"},
        headers=center.clerk_headers,
    )
    assert answer.status_code == 204


def _call_a_guide(center: Center) -> None:
    load_center(connect(center.app.config["DATABASE"]), SMALL_CENTER | {"kiosks": [{"id": "k1"}]})
    assert center.clerk.post("/api/kiosks/k1/help").status_code == 202


def _rate_low(center: Center) -> None:
    token = center.tickets[0]["track_url"].removeprefix("/t/")
    body = {"token": token, "score": 1, "reasons": ["waited_too_long"]}
    assert center.clerk.post("/api/ratings", json=body).status_code == 201


Step = Callable[[Center], object]
OPEN: Step = lambda center: center.counter("open")  # noqa: E731
CALLED: list[Step] = [OPEN, lambda center: center.counter("next")]

# event type -> (what makes ready, what makes the event happen)
SCENES: dict[EventType, tuple[list[Step], Step]] = {
    EventType.TICKET_ISSUED: ([], Center.issue),
    EventType.TICKET_CALLED: ([OPEN], lambda center: center.counter("next")),
    EventType.TICKET_RECALLED: (CALLED, lambda center: center.counter("recall")),
    EventType.TICKET_STARTED: (CALLED, lambda center: center.counter("start")),
    EventType.TICKET_FINISHED: (CALLED, lambda center: center.counter("finish")),
    EventType.TICKET_NO_SHOW: (CALLED, lambda center: center.counter("no-show")),
    EventType.TICKET_TRANSFERRED: (
        CALLED,
        lambda center: center.counter("transfer", {"service": "B"}),
    ),
    EventType.TICKET_RETURNED: (CALLED, lambda center: center.counter("return")),
    EventType.TICKET_CANCELLED: (
        [],
        lambda center: center.supervise(center.ticket_path("cancel"), {"reason": "left"}),
    ),
    EventType.TICKET_REACTIVATED: (
        [*CALLED, lambda center: center.counter("no-show")],
        lambda center: center.supervise(center.ticket_path("reactivate")),
    ),
    EventType.TICKET_PRIORITY_CHANGED: (
        [],
        lambda center: center.supervise(
            center.ticket_path("priority"), {"priority": "elderly", "reason": "aged 80"}
        ),
    ),
    EventType.TICKET_EXPIRED: ([], _midnight),
    EventType.COUNTER_OPENED: ([], OPEN),
    EventType.COUNTER_RESUMED: (
        [OPEN, lambda center: center.counter("pause", {"reason": "break"})],
        OPEN,
    ),
    EventType.COUNTER_PAUSED: ([OPEN], lambda center: center.counter("pause", {"reason": "tea"})),
    EventType.COUNTER_CLOSED: ([OPEN], lambda center: center.counter("close")),
    EventType.CLERK_MOVED: (
        [OPEN],
        lambda center: center.supervise("/api/counters/1/move", {"to": 2}),
    ),
    EventType.CONFIGURATION_CHANGED: ([], _configuration),
    EventType.PRINTER_REPORTED: ([], _printer),
    EventType.KIOSK_HELP_ASKED: ([], _call_a_guide),
    EventType.KIOSK_HELP_ACKNOWLEDGED: (
        [_call_a_guide],
        lambda center: center.supervise("/api/kiosks/k1/help/acknowledge"),
    ),
    EventType.TICKET_RATED: ([*CALLED, lambda center: center.counter("finish")], _rate_low),
}


class Listeners:
    """A socket on every namespace, and in every room the rows can reach."""

    def __init__(self, app: Any, center: Center) -> None:
        def track(ticket: dict[str, Any]) -> Any:
            token = ticket["track_url"].removeprefix("/t/")
            return socketio.test_client(app, namespace="/track", query_string=f"token={token}")

        self.sockets: dict[str, tuple[Any, str]] = {
            "/display": (socketio.test_client(app, namespace="/display"), "/display"),
            "/counter": (
                socketio.test_client(app, namespace="/counter", flask_test_client=center.clerk),
                "/counter",
            ),
            "/counter supervisors": (
                socketio.test_client(
                    app, namespace="/counter", flask_test_client=center.supervisor
                ),
                "/counter",
            ),
            "/kiosk": (socketio.test_client(app, namespace="/kiosk"), "/kiosk"),
            "/track A001": (track(center.tickets[0]), "/track"),
            "/track A002": (track(center.tickets[1]), "/track"),
        }
        for number in (1, 2):
            tablet = tablet_socket(app, number)
            self.sockets[f"/rating counter:{number}"] = (tablet, "/rating")
        assert all(socket.is_connected(namespace) for socket, namespace in self.sockets.values())
        self.received()  # what they got on connect

    def received(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: socket.get_received(namespace)
            for name, (socket, namespace) in self.sockets.items()
        }

    def names(self) -> dict[str, list[str]]:
        return {
            name: [message["name"] for message in messages]
            for name, messages in self.received().items()
        }

    def close(self) -> None:
        for socket, namespace in self.sockets.values():
            socket.disconnect(namespace=namespace)


def test_every_event_type_has_a_row_and_pushes() -> None:
    assert set(TABLE) == set(EventType) == set(SCENES)
    assert set(realtime.pushes) == set(EventType)


@pytest.mark.parametrize("event_type", list(EventType))
def test_who_hears_what(app: Any, client: Any, event_type: EventType) -> None:
    center = Center(app, client)
    ready, act = SCENES[event_type]
    for step in ready:
        step(center)
    listeners = Listeners(app, center)

    act(center)

    assert listeners.names() == TABLE[event_type]
    listeners.close()


def test_the_pushes_carry_the_contracts_payloads(app: Any, client: Any) -> None:
    center = Center(app, client)
    listeners = Listeners(app, center)
    first = center.tickets[0]

    center.supervise(center.ticket_path("cancel"), {"reason": "left"})
    phone = listeners.received()["/track A001"]
    assert phone == [{"name": "ticket", "args": [{"ticket": first["id"]}], "namespace": "/track"}]

    OPEN(center)
    center.supervise("/api/counters/1/move", {"to": 2})
    _printer(center)
    received = listeners.received()
    states = [m["args"][0] for m in received["/counter"] if m["name"] == "counter"]
    assert states == [
        {"number": 1, "status": "open", "clerk": "an", "by": "an"},
        {"number": 1, "status": "closed", "clerk": None, "by": "chi"},
        {"number": 2, "status": "open", "clerk": "an", "by": "chi"},
    ]
    printer = [m["args"][0] for m in received["/kiosk"] if m["name"] == "printer"]
    assert printer == [
        {
            "kiosk": "k1",
            "ok": False,
            "reason": "out of paper",
            "ticket": None,
            "at": "2026-11-30T01:00:00.000+00:00",
        }
    ]
    listeners.close()


# Who hears a ticket's priority category, and who only whether it is priority: the hall's
# display and the phones are public, the clerks' terminals are staff.
PRIVACY: dict[str, object] = {"/display": True, "/track A001": True, "/counter": "pregnant"}


def priorities(payload: Any) -> list[object]:
    """Every `priority` a payload carries, its board's calls' included."""
    if isinstance(payload, dict):
        found = [payload["priority"]] if "priority" in payload else []
        return found + [value for item in payload.values() for value in priorities(item)]
    if isinstance(payload, list):
        return [value for item in payload for value in priorities(item)]
    return []


@pytest.mark.parametrize("event_type", [EventType.TICKET_CALLED, EventType.TICKET_RECALLED])
def test_public_listeners_hear_whether_priority_never_why(
    app: Any, client: Any, event_type: EventType
) -> None:
    center = Center(app, client)
    center.supervise(center.ticket_path("priority"), {"priority": "pregnant", "reason": "test"})
    ready, act = SCENES[event_type]
    for step in ready:
        step(center)
    listeners = Listeners(app, center)

    act(center)

    received = listeners.received()
    for listener, wanted in PRIVACY.items():
        heard = [value for message in received[listener] for value in priorities(message["args"])]
        assert heard and set(heard) == {wanted}, (listener, heard)
    listeners.close()


def test_events_are_plain_records_of_what_was_committed(app: Any, clock: Any) -> None:
    with app.test_request_context():
        database = get_db()
        _, opened = collect(open_counter, database, 1, clerk="an", now=clock())
        issued, events = collect(issue_ticket, database, "A", now=clock(), priority="elderly")
        _, called = collect(call_next, database, 1, clerk="an", now=clock())
        with pytest.raises(Conflict):  # refused: nothing happened, nothing to tell
            collect(call_next, database, 1, clerk="an", now=clock())
        issue_ticket(database, "A", now=clock())  # outside `collect`: its event goes nowhere
        logged = ticket_events(database, issued.ticket.id)

    happened = opened + events + called
    assert [event.type for event in happened] == [
        "counter_opened",
        "ticket_issued",
        "ticket_called",
    ]
    assert [(event.type, event.at) for event in happened[1:]] == [
        (f"ticket_{row['kind']}", row["at"]) for row in logged
    ]
    record = called[0].to_record()
    assert json.loads(json.dumps(record)) == record
    assert record == {
        "type": "ticket_called",
        "at": "2026-11-30T01:00:00.000+00:00",
        "ticket": issued.ticket.id,
        "counter": 1,
        "service": "A",
        "payload": {"label": "A001", "priority": "elderly", "clerk": "an", "seq": 1},
    }


def test_nothing_is_pushed_from_inside_a_transaction(app: Any) -> None:
    with app.test_request_context():
        database = get_db()
        with pytest.raises(RuntimeError, match="commit"), immediate(database):
            realtime.dispatch([configuration_changed(1, layout=False, now=now())])
