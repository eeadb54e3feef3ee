"""An ended account or token keeps no socket: switching an account off, resetting its password,
signing out (every copy of the cookie) or revoking a token or a print agent closes the sockets
they opened, at once; switching an account on closes nothing."""

from __future__ import annotations

from typing import Any

from db import connect
from tests.conftest import sign_in


def counter_socket(app: Any, username: str) -> Any:
    """A counter screen signed in as `username`, on the /counter namespace."""
    from realtime import socketio

    screen = app.test_client()
    sign_in(screen, username)
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=screen)
    assert socket.is_connected("/counter")
    return socket


def test_switching_an_account_off_closes_its_counter_sockets_at_once(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    an, binh = counter_socket(app, "an"), counter_socket(app, "binh")
    answer = client.put("/api/admin/users/an/active", json={"active": False}, headers=admin)
    assert answer.status_code == 200, answer.json
    assert not an.is_connected("/counter")  # was: open, and hearing every push
    assert binh.is_connected("/counter")
    client.post("/api/tickets", json={"service": "A"})
    assert binh.get_received("/counter")


def test_a_password_reset_closes_the_accounts_counter_sockets(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    an = counter_socket(app, "an")
    answer = client.post(
        "/api/admin/users/an/password", json={"password": "new-password-2"}, headers=admin
    )
    assert answer.status_code == 200, answer.json
    assert not an.is_connected("/counter")


def test_signing_out_closes_the_sockets_of_that_session_and_of_its_copies(app: Any) -> None:
    """Was: a counter screen, or a copy of its cookie elsewhere, kept hearing after sign-out."""
    from realtime import socketio

    screen, copy = app.test_client(), app.test_client()
    headers = sign_in(screen, "an")
    copy.set_cookie("session", screen.get_cookie("session").value)
    sockets = [
        socketio.test_client(app, namespace="/counter", flask_test_client=device)
        for device in (screen, copy)
    ]
    colleague = counter_socket(app, "an")  # the same clerk, signed in on another PC
    assert all(socket.is_connected("/counter") for socket in sockets)
    assert screen.delete("/api/session", headers=headers).status_code == 204
    assert not any(socket.is_connected("/counter") for socket in sockets)
    assert colleague.is_connected("/counter")


def test_switching_an_account_on_closes_nothing(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    an = counter_socket(app, "an")
    client.put("/api/admin/users/an/active", json={"active": True}, headers=admin)
    assert an.is_connected("/counter")


def test_revoking_a_token_closes_the_sockets_it_opened(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    from realtime import socketio

    made = client.post(
        "/api/admin/tokens", json={"name": "call-button-1", "role": "clerk"}, headers=admin
    )
    bearer = {"Authorization": f"Bearer {made.json['token']}"}
    socket = socketio.test_client(app, namespace="/counter", headers=bearer)
    assert socket.is_connected("/counter")
    answer = client.delete("/api/admin/tokens/call-button-1", json={}, headers=admin)
    assert answer.status_code == 204, answer.json
    assert not socket.is_connected("/counter")
    assert not socketio.test_client(app, namespace="/counter", headers=bearer).is_connected(
        "/counter"
    )


def test_revoking_a_print_agent_closes_its_socket(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    from realtime import socketio
    from tests.helpers.paired import pair

    database = connect(app.config["DATABASE"])
    database.execute("INSERT INTO kiosks (id, name, printer) VALUES ('k1', 'k1', 'agent:')")
    database.conn.close()
    auth = {"agent": "k1", "device": pair(app, "print_agent", "k1")}
    agent = socketio.test_client(app, namespace="/kiosk", auth=auth)
    display = socketio.test_client(app, namespace="/kiosk")
    assert agent.is_connected("/kiosk")
    device = client.get("/api/admin/devices", headers=admin).json[0]["id"]
    client.delete(f"/api/admin/devices/{device}", json={}, headers=admin)
    assert not agent.is_connected("/kiosk")
    assert display.is_connected("/kiosk")  # a kiosk screen, anonymous, stays
