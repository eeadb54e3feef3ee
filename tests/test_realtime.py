"""What the screens receive: Flask-SocketIO's test client on the same app as the HTTP client."""

from __future__ import annotations

from typing import Any

import pytest

from realtime import socketio
from tests.conftest import sign_in
from tests.helpers.paired import tablet_socket
from tests.helpers.pushes import PUSH_TIMEOUT_S, pushed


def events(socket: Any, namespace: str, name: str) -> list[Any]:
    return [e["args"][0] for e in socket.get_received(namespace) if e["name"] == name]


@pytest.fixture
def display(app: Any, client: Any) -> Any:
    socket = socketio.test_client(app, namespace="/display", flask_test_client=client)
    yield socket
    socket.disconnect(namespace="/display")


def test_a_display_gets_the_board_on_connect(display: Any) -> None:
    boards = events(display, "/display", "board")
    assert len(boards) == 1
    assert {key: boards[0][key] for key in ("seq", "calls", "waiting")} == {
        "seq": 0,
        "calls": [],
        "waiting": {"A": 0, "B": 0, "D": 0},
    }
    assert [screen["number"] for screen in boards[0]["counters"]] == [1, 2, 3]  # counter screens


def test_a_call_reaches_the_display_with_its_payload(app: Any, client: Any, display: Any) -> None:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/tickets", json={"service": "A", "priority": "elderly"})
    display.get_received("/display")

    client.post("/api/counters/1/next", headers=headers)
    received = display.get_received("/display")
    called = [e["args"][0] for e in received if e["name"] == "called"]
    assert len(called) == 1
    call = called[0]
    assert call["seq"] == 1 and call["label"] == "A001" and call["counter"] == 1
    assert call["service"] == "A" and call["priority"] is True  # whether, never why
    assert call["audio_url"] == "/display/audio/A001/1.wav?service=A"
    assert call["at"].startswith("2026-11-30T01:00")
    boards = [e["args"][0] for e in received if e["name"] == "board"]
    assert boards[-1]["seq"] == 1 and boards[-1]["waiting"]["A"] == 0
    assert boards[-1]["calls"][0]["label"] == "A001"
    # the board follows the call: a screen applying both in order is consistent
    assert [e["name"] for e in received].index("called") < [e["name"] for e in received].index(
        "board"
    )

    client.post("/api/counters/1/recall", headers=headers)
    recalled = events(display, "/display", "called")
    assert [c["seq"] for c in recalled] == [2] and recalled[0]["label"] == "A001"


def test_the_seq_survives_a_restart(app: Any, client: Any, database_path: Any) -> None:
    from server import create_app

    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=headers)
    restarted = create_app({"TESTING": True, "DATABASE": str(database_path), "SECRET_KEY": "t"})
    restarted.extensions["qms.clock"] = app.extensions["qms.clock"]
    socket = socketio.test_client(restarted, namespace="/display")
    assert events(socket, "/display", "board")[0]["seq"] == 1
    socket.disconnect(namespace="/display")


def test_kiosks_get_services_and_their_updates(app: Any, client: Any) -> None:
    kiosk = socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    first = events(kiosk, "/kiosk", "services")[0]
    assert {s["code"]: s["waiting"] for s in first} == {"A": 0, "B": 0, "D": 0}
    client.post("/api/tickets", json={"service": "B"})
    update = events(kiosk, "/kiosk", "services")[-1]
    assert {s["code"]: s["waiting"] for s in update}["B"] == 1
    kiosk.disconnect(namespace="/kiosk")


def test_counter_namespace_needs_a_session(app: Any, client: Any) -> None:
    anonymous = socketio.test_client(app, namespace="/counter")
    assert not anonymous.is_connected("/counter")
    sign_in(client, "an")
    signed = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    assert signed.is_connected("/counter")
    assert events(signed, "/counter", "board")[0]["seq"] == 0
    signed.disconnect(namespace="/counter")


def test_rating_tablets_hear_only_their_counter(app: Any, client: Any) -> None:
    tablet_one = tablet_socket(app, 1, query_string="counter=1")
    tablet_two = tablet_socket(app, 2)
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=headers)
    client.post("/api/counters/1/finish", headers=headers)
    assert events(tablet_one, "/rating", "rate") == [{"ticket": 1, "label": "A001"}]
    assert events(tablet_two, "/rating", "rate") == []


@pytest.mark.parametrize("counter", ["1", "", "abc", "²", "١", "12345678"])
def test_an_unpaired_rating_tablet_is_refused_whatever_its_counter(app: Any, counter: str) -> None:
    tablet = socketio.test_client(app, namespace="/rating", query_string=f"counter={counter}")

    assert not tablet.is_connected("/rating")


def test_a_paired_tablet_asking_for_another_counter_is_refused(app: Any) -> None:
    assert not tablet_socket(app, 1, query_string="counter=2").is_connected("/rating")


def test_queue_changes_are_coalesced_into_few_pushes(app: Any, client: Any) -> None:
    import time

    app.config["PUSH_DELAY_S"] = 0.05
    app.extensions["qms.publisher"].delay_s = 0.05
    kiosk = socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    kiosk.get_received("/kiosk")
    for _ in range(5):
        client.post("/api/tickets", json={"service": "A"})
    deadline = time.monotonic() + PUSH_TIMEOUT_S
    pushes: list[Any] = []
    # Wait, bounded, until a push shows all five: an early one may go out after only some.
    while not pushes or {s["code"]: s["waiting"] for s in pushes[-1]}["A"] < 5:
        pushes += pushed(kiosk, "/kiosk", "services", timeout_s=deadline - time.monotonic())
    assert 1 <= len(pushes) < 5
    assert {s["code"]: s["waiting"] for s in pushes[-1]}["A"] == 5
    kiosk.disconnect(namespace="/kiosk")


def test_a_phone_hears_only_its_own_tickets_call_and_moves(app: Any, client: Any) -> None:
    mine = client.post("/api/tickets", json={"service": "A"}).json
    client.post("/api/tickets", json={"service": "A"})
    token = mine["track_url"].removeprefix("/t/")
    phone = socketio.test_client(app, namespace="/track", query_string=f"token={token}")
    assert phone.is_connected("/track")
    stranger = socketio.test_client(app, namespace="/track", query_string="token=nope")
    assert not stranger.is_connected("/track")
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/counters/1/next", headers=headers)
    calls = events(phone, "/track", "called")
    assert [(c["label"], c["counter"]) for c in calls] == [("A001", 1)]
    client.post("/api/counters/1/finish", headers=headers)
    client.post("/api/counters/1/next", headers=headers)  # someone else's call
    received = phone.get_received("/track")
    assert [e["name"] for e in received] == ["ticket"]
    assert received[0]["args"][0] == {"ticket": mine["id"]}
