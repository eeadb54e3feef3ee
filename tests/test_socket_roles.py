"""Who may join which Socket.IO namespace: only the public ones take a stranger, a phone only the
ticket it holds the token of, a rating tablet only with its counter, and /counter every signed-in
role whose session still stands."""

from __future__ import annotations

from typing import Any

import pytest

from realtime import socketio
from tests.conftest import CLERK_PASSWORD, sign_in
from tests.helpers.pushes import received_until

# What a stranger's device brings to join each public namespace; any other namespace refuses him
# (/rating too: only a tablet paired with the counter hears whom to ask).
PUBLIC_NAMESPACES = {
    "/display": "",
    "/kiosk": "",
    "/track": "token={token}",
}


@pytest.fixture
def admin_dung(app: Any, database_path: Any, clock: Any) -> None:
    """An admin account beside the clerk and the supervisor every test has."""
    from core.users import create_user
    from db import connect

    database = connect(database_path)
    create_user(database, "dung", role="admin", password=CLERK_PASSWORD, now=clock())
    database.conn.close()


def test_every_socket_namespace_is_known_and_only_public_ones_take_strangers(
    app: Any, client: Any
) -> None:
    track_url = client.post("/api/tickets", json={"service": "A"}).json["track_url"]
    token = track_url.removeprefix("/t/")
    everything = "&".join(query for query in PUBLIC_NAMESPACES.values() if query)
    namespaces = set(socketio.server.handlers)
    assert namespaces >= set(PUBLIC_NAMESPACES) | {"/counter"}
    for namespace in sorted(namespaces):
        query = PUBLIC_NAMESPACES.get(namespace, everything).format(token=token)
        socket = socketio.test_client(app, namespace=namespace, query_string=query)
        assert socket.is_connected(namespace) == (namespace in PUBLIC_NAMESPACES), namespace
        if socket.is_connected(namespace):
            socket.disconnect(namespace=namespace)


def test_a_rating_tablet_must_say_its_counter(app: Any) -> None:
    for query in ("", "counter=", "counter=one", "counter=-1"):
        socket = socketio.test_client(app, namespace="/rating", query_string=query)
        assert not socket.is_connected("/rating"), query


def test_a_phone_follows_only_a_ticket_it_has_the_token_of(app: Any, client: Any) -> None:
    issued = client.post("/api/tickets", json={"service": "A"}).json
    token = issued["track_url"].removeprefix("/t/")
    for query in ("", "token=", f"token={token[:-1]}", f"token={issued['label']}", "token=1"):
        socket = socketio.test_client(app, namespace="/track", query_string=query)
        assert not socket.is_connected("/track"), query


@pytest.mark.parametrize("username", ["an", "chi", "dung"])
@pytest.mark.usefixtures("admin_dung")
def test_the_counter_socket_takes_every_signed_in_role(
    app: Any, client: Any, username: str
) -> None:
    sign_in(client, username)
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    assert socket.is_connected("/counter")
    assert [event["name"] for event in received_until(socket, "/counter", "board")] == ["board"]
    socket.disconnect(namespace="/counter")


def test_the_counter_socket_refuses_a_session_ended_by_a_password_reset(
    app: Any, client: Any, database_path: Any
) -> None:
    from core.users import set_password
    from db import connect

    sign_in(client, "an")
    database = connect(database_path)
    set_password(database, "an", "a-new-password")
    database.conn.close()
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    assert not socket.is_connected("/counter")


def test_the_counter_socket_refuses_a_disabled_user(
    app: Any, client: Any, database_path: Any
) -> None:
    from db import connect

    sign_in(client, "an")
    database = connect(database_path)
    database.execute("UPDATE users SET active = 0 WHERE username = 'an'")
    database.conn.close()
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    assert not socket.is_connected("/counter")
