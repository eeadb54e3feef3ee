"""Two server processes (`QMS_WORKERS=2`) as the tests see them: which worker holds a connection,
HTTP clients and Socket.IO sockets each kept on one worker, and one of each on both.

Which worker holds a connection is read from /proc: the worker process whose file descriptors
include the server side of the connection (no test-only route or header in the server).
The fixtures that start the two workers and close what a test opened are in tests/conftest.py.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import simple_websocket

from harness.redis import redis_available
from harness.server import Served
from tests.helpers.centers import one_service_center

PASSWORD = "workers-password-1"
TICKET_LIMIT = 4  # per minute and address, in this test
OPEN: list[Any] = []  # the connections and sockets a test opened, closed after it

CENTER = one_service_center("Two workers", counters=2, agent_kiosk=True)


def need_redis() -> None:
    """Fail in CI, skip elsewhere, where redis-server is not installed."""
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing in CI: scripts/setup installs it")
        pytest.skip("redis-server is not installed (scripts/setup installs it)")


# --- which worker holds a connection ------------------------------------------------------------


def workers_of(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def holder(master: int, server_port: int, client_port: int) -> int | None:
    """The worker whose sockets include the server's end of the connection from `client_port`."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if (
            state == "01"
            and int(local.split(":")[1], 16) == server_port
            and int(remote.split(":")[1], 16) == client_port
        ):
            inode = fields[9]
    if inode is None:
        return None
    for pid in workers_of(master):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def wait_holder(master: int, server_port: int, client_port: int) -> int:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pid = holder(master, server_port, client_port)
        if pid is not None:
            return pid
        time.sleep(0.02)
    raise AssertionError(f"no worker holds the connection from port {client_port}")


class Client:
    """A keep-alive HTTP connection (so one worker), with a session cookie once signed in."""

    def __init__(
        self, served: Served, cookie: str = "", csrf: str = "", source: str = "127.0.0.1"
    ) -> None:
        self.port = int(served.url.rsplit(":", 1)[1])
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(source, 0)
        )
        self.headers = {"Content-Type": "application/json"}
        OPEN.append(self.connection)
        if cookie:
            self.headers |= {"Cookie": cookie, "X-CSRF-Token": csrf}
        self.send("GET", "/healthz")
        assert self.connection.sock is not None
        self.worker = wait_holder(served.pid, self.port, self.connection.sock.getsockname()[1])

    def send(self, method: str, path: str, body: dict | None = None, **headers: str) -> Any:
        data = json.dumps(body) if body is not None else None
        self.connection.request(method, path, data, self.headers | headers)
        response = self.connection.getresponse()
        text = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie and "session=" in cookie:
            self.headers["Cookie"] = cookie.split(";")[0]
        return response.status, (json.loads(text) if text else None)

    def sign_in(self, username: str, password: str = PASSWORD) -> tuple[int, Any]:
        status, answer = self.send(
            "POST", "/api/session", {"username": username, "password": password}
        )
        if status == 200:
            self.headers["X-CSRF-Token"] = answer["csrf_token"]
        return status, answer


def one_per_worker(served: Served, source: str = "127.0.0.1") -> dict[int, Client]:
    """Open connections until each worker holds one (the kernel hands them out as it likes);
    from another loopback address (`source`), a client is another device to the limits."""
    clients: dict[int, Client] = {}
    spare = []
    for _ in range(200):  # a worker busy elsewhere leaves the other to take many in a row
        client = Client(served, source=source)
        if client.worker in clients:
            spare.append(client)  # held open, so the next connection is not the same one again
            time.sleep(0.01)  # and a moment for the other worker to come back to accepting
        else:
            clients[client.worker] = client
        if len(clients) == 2:
            break
    for client in spare:
        client.connection.close()
    assert len(clients) == 2, "both workers should have taken a connection"
    return clients


class Display:
    """A hall display socket on the websocket transport, as the browsers are: a raw Engine.IO v4 /
    Socket.IO v5 client reading its packets in order (python-socketio's client runs each event's
    handler on a thread of its own, which would blur the order a screen receives)."""

    def __init__(
        self,
        served: Served,
        namespace: str = "/display",
        auth: Any = None,
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.namespace = namespace
        self.seqs: list[int] = []
        self.payloads: list[dict] = []
        self.jobs: list[dict] = []
        self.board: dict = {}  # the latest board snapshot
        self.connected = threading.Event()
        self.disconnected = threading.Event()  # the server closed the namespace or the socket
        self.closed = threading.Event()  # the server closed the namespace (a revoked device)
        url = served.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        url += f"&{query}" if query else ""
        self.socket = simple_websocket.Client.connect(url, headers=headers)
        OPEN.append(self)
        opening = f"40{namespace}," + (json.dumps(auth) if auth is not None else "")
        self.socket.send(opening)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        assert self.connected.wait(10), f"{namespace} refused the socket"
        port = int(served.url.rsplit(":", 1)[1])
        self.worker = wait_holder(served.pid, port, self.socket.sock.getsockname()[1])

    def _read(self) -> None:
        events = f"42{self.namespace},"
        try:
            while True:
                packet = self.socket.receive()
                if packet is None:
                    self.disconnected.set()
                    return
                if packet == "2":
                    self.socket.send("3")
                elif packet.startswith(f"41{self.namespace},"):  # the server closed it
                    self.closed.set()
                    self.disconnected.set()
                elif packet.startswith(f"40{self.namespace},"):
                    self.connected.set()
                elif packet.startswith(events):
                    name, payload = json.loads(packet[len(events) :])[:2]
                    if name == "called":
                        self.payloads.append(payload)
                        self.seqs.append(payload["seq"])
                    elif name == "print":
                        self.jobs.append(payload)
                    elif name == "board":
                        self.board = payload
        except Exception:  # noqa: BLE001  (closed by the test)
            return

    def close(self) -> None:
        if self.socket.connected:
            self.socket.close()


def displays_on_both(served: Served, **options: Any) -> list[Display]:
    displays: list[Display] = []
    for _ in range(40):
        displays.append(Display(served, **options))
        if len({display.worker for display in displays}) == 2 and len(displays) >= 4:
            return displays
    raise AssertionError("both workers should have taken a display socket")


def close_opened() -> None:
    """Close every connection and socket the test opened."""
    while OPEN:
        OPEN.pop().close()
