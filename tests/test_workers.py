"""Two server processes serving one center through Redis (`QMS_WORKERS=2`, design.md section 9):
a call made through either worker reaches the displays on both, once and in `seq` order; a print
agent on one worker prints the tickets issued through the other; the ticket limit and the sign-in
lockout count over both; and two workers without a message queue refuse to start.

Which worker holds a connection is read from /proc: the worker process whose file descriptors
include the server side of the connection (no test-only route or header in the server).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import simple_websocket

from harness.redis import redis_available, redis_server
from harness.server import ROOT, Served, flask_command, serve
from tests.helpers.paired import pair_in

pytestmark = pytest.mark.slow

PASSWORD = "workers-password-1"
TICKET_LIMIT = 4  # per minute and address, in this test
OPEN: list[Any] = []  # the connections and sockets a test opened, closed after it

CENTER = """
[center]
name = "Two workers"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
[[counters]]
number = 1
services = ["A"]
[[counters]]
number = 2
services = ["A"]
[[kiosks]]
id = "k1"
printer = "agent:"
"""


def need_redis() -> None:
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
    for _ in range(40):
        client = Client(served, source=source)
        if client.worker in clients:
            spare.append(client)  # held open, so the next connection is not the same one again
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
                if isinstance(packet, bytes):  # a binary event's attachment (a print job's data)
                    continue
                if packet.startswith("45") and f"-{self.namespace}," in packet:  # binary event
                    packet = events + packet.split(f"-{self.namespace},", 1)[1]
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


@pytest.fixture(autouse=True)
def closing() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str, Path]]:
    need_redis()
    folder = tmp_path_factory.mktemp("workers")
    database = folder / "qms.db"
    center = folder / "center.toml"
    center.write_text(CENTER)
    flask_command(database, "load-config", str(center))
    for name in ("clerk1", "clerk2", "lan"):
        flask_command(database, "create-user", name, "--role", "clerk", "--password", PASSWORD)
    flask_command(database, "create-user", "root", "--role", "admin", "--password", PASSWORD)
    token = flask_command(database, "create-token", "kiosk-k1", "--role", "clerk").strip()
    with (
        redis_server() as redis,
        serve(
            database,
            folder / "gunicorn.log",
            QMS_WORKERS="2",
            QMS_MESSAGE_QUEUE=redis.url,
            QMS_TICKET_RATE_LIMIT=f"{TICKET_LIMIT}/minute",
            QMS_PUSH_DELAY_S="0.05",
        ) as served,
    ):
        assert len(workers_of(served.pid)) == 2
        yield served, token, database


def test_calls_through_both_workers_reach_every_display_and_phone_once_and_in_order(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, token, _ = two_workers
    displays = displays_on_both(served)
    clerks = one_per_worker(served)
    names = ("clerk1", "clerk2")
    for number, (clerk, name) in enumerate(zip(clerks.values(), names, strict=True), 1):
        assert clerk.sign_in(name)[0] == 200
        assert clerk.send("POST", f"/api/counters/{number}/open")[0] == 200
    feeder = next(iter(clerks.values()))
    tickets = []
    for _ in range(16):
        status, ticket = feeder.send(
            "POST", "/api/tickets", {"service": "A"}, Authorization=f"Bearer {token}"
        )
        assert status == 201
        tickets.append(ticket)
    phones: dict[str, Display] = {}  # visitors' phones following their tickets, on both workers
    for ticket in tickets:
        query = "token=" + ticket["track_url"].rsplit("/", 1)[1]
        phones[ticket["label"]] = Display(served, namespace="/track", query=query)
        if len({phone.worker for phone in phones.values()}) == 2 and len(phones) >= 4:
            break
    assert len({phone.worker for phone in phones.values()}) == 2

    made: list[int] = []

    def call(number: int, clerk: Client) -> None:  # both counters at once, 8 calls each
        for _ in range(8):
            status, answer = clerk.send("POST", f"/api/counters/{number}/next")
            assert status == 200, answer
            made.append(number)
            clerk.send("POST", f"/api/counters/{number}/finish")

    threads = [
        threading.Thread(target=call, args=(number, clerk))
        for number, clerk in enumerate(clerks.values(), 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 16

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        any(len(d.seqs) < 16 for d in displays) or any(not p.payloads for p in phones.values())
    ):
        time.sleep(0.05)
    first = displays[0].seqs[0]
    for display in displays:  # on both workers: each call once, in seq order, none missing
        assert display.seqs == list(range(first, first + 16)), (display.worker, display.seqs)
        assert {payload["counter"] for payload in display.payloads} == {1, 2}
    for label, phone in phones.items():  # each phone hears its own call, once
        assert [payload["label"] for payload in phone.payloads] == [label], phone.worker

    # Queue changes through both workers, each coalescing its own: every display ends on the last.
    for index in range(3):
        status, _ = list(clerks.values())[index % 2].send(
            "POST", "/api/tickets", {"service": "A"}, Authorization=f"Bearer {token}"
        )
        assert status == 201
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        d.board.get("waiting", {}).get("A") != 3 for d in displays
    ):
        time.sleep(0.05)
    assert [d.board["waiting"]["A"] for d in displays] == [3] * len(displays)


def test_a_print_agent_on_one_worker_gets_the_tickets_issued_through_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, token, database = two_workers
    agent_token = pair_in(database, "print_agent", "k1")
    kiosk = {"Authorization": f"Bearer {token}", "X-Device-Token": pair_in(database, "kiosk", "k1")}
    agent = Display(served, namespace="/kiosk", auth={"agent": "k1", "device": agent_token})
    other = next(c for c in one_per_worker(served).values() if c.worker != agent.worker)

    status, ticket = other.send("POST", "/api/tickets", {"service": "A", "kiosk": "k1"}, **kiosk)

    assert status == 201 and ticket["print"]["status"] == "sent", ticket
    deadline = time.monotonic() + 10
    while not agent.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [job["label"] for job in agent.jobs] == [ticket["label"]]
    agent.close()
    time.sleep(0.3)
    status, alone = other.send("POST", "/api/tickets", {"service": "A", "kiosk": "k1"}, **kiosk)
    assert alone["print"] == {"status": "failed", "reason": "print agent not connected"}


def test_the_ticket_limit_counts_one_address_over_both_workers(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    clients = list(one_per_worker(served).values())
    answers = [
        clients[index % 2].send("POST", "/api/tickets", {"service": "A"})[0]
        for index in range(TICKET_LIMIT + 1)
    ]
    assert answers == [201] * TICKET_LIMIT + [429]


def test_a_lockout_made_through_one_worker_holds_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    first, second = one_per_worker(served).values()
    for _ in range(5):
        assert first.sign_in("lan", "wrong-password")[0] == 401

    status, answer = second.sign_in("lan")

    assert status == 429 and answer["error"] == "too_many_failures"


def test_an_admin_on_one_worker_lists_and_lifts_a_lock_made_through_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    guessers, admins = one_per_worker(served, "127.0.0.2"), one_per_worker(served, "127.0.0.3")
    first = next(iter(guessers.values()))
    second = next(admin for worker, admin in admins.items() if worker != first.worker)
    for _ in range(5):
        first.sign_in("clerk1", "wrong-password")
    assert first.sign_in("clerk1")[0] == 429
    assert second.sign_in("root")[0] == 200

    status, locks = second.send("GET", "/api/admin/lockouts")
    assert status == 200 and {"username": "clerk1", "address": "127.0.0.2"} in [
        {"username": lock["username"], "address": lock["address"]} for lock in locks
    ]
    status, answer = second.send("POST", "/api/admin/users/clerk1/unlock", {})
    assert (status, answer["unlocked_from"]) == (200, ["127.0.0.2"])
    assert first.sign_in("clerk1")[0] == 200


def test_an_address_lock_made_by_one_worker_is_lifted_by_another_through_redis() -> None:
    """Each worker has its own LoginThrottle over the one Redis (shared.SharedCounts); twenty
    names guessed through one worker lock the address on both, and the admin's unlock through
    the other lifts it on both."""
    from datetime import UTC, datetime

    from redis import Redis

    from lockouts import LoginThrottle
    from shared import SharedCounts

    need_redis()
    moment = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with redis_server() as running:
        client = Redis.from_url(running.url)
        first, second = (LoginThrottle() for _ in range(2))
        for throttle in (first, second):
            throttle.counts = SharedCounts(client, "qms:test:", throttle.keep_s())
        for n in range(20):
            first.failed(f"name{n}", "10.0.0.66", moment)
        assert second.locked_for("binh", "10.0.0.66", moment) == (900, "address")

        ended = second.unlock_address("10.0.0.66", moment)

        assert ended is not None and (ended - moment).total_seconds() == 900
        assert first.locked_for("binh", "10.0.0.66", moment) == (0, "")
        assert [lock.username for lock in first.locks(moment)] == []
        client.close()


def test_signing_out_through_one_worker_closes_the_sessions_sockets_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    clients = one_per_worker(served)
    status, _answer = clients[min(clients)].sign_in("clerk2")
    assert status == 200
    signing_out = clients[min(clients)]
    cookie = {"Cookie": signing_out.headers["Cookie"]}
    screens: list[Display] = []
    for _ in range(40):  # counter screens of that session until the other worker holds one
        screens.append(Display(served, namespace="/counter", headers=cookie))
        if {screen.worker for screen in screens} == set(clients):
            break
    assert {screen.worker for screen in screens} == set(clients)

    assert signing_out.send("DELETE", "/api/session")[0] == 204

    deadline = time.monotonic() + 5
    for screen in screens:
        screen.disconnected.wait(max(0.0, deadline - time.monotonic()))
    assert not [screen.worker for screen in screens if not screen.disconnected.is_set()]


def test_two_workers_without_a_message_queue_refuse_to_start(tmp_path: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if key != "QMS_MESSAGE_QUEUE"
    } | {"QMS_WORKERS": "2", "QMS_DATABASE": str(tmp_path / "qms.db")}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "server:create_app()"]
    result = subprocess.run(
        [*command, "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "QMS_WORKERS=2" in result.stderr and "QMS_MESSAGE_QUEUE" in result.stderr
    assert not (tmp_path / "qms.db").exists()  # refused before anything was made


def test_revoking_a_device_through_one_worker_closes_its_socket_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, database = two_workers
    flask_command(database, "create-user", "quantri", "--role", "admin", "--password", PASSWORD)
    token = pair_in(database, "tablet", 1)
    tablet = Display(served, namespace="/rating", auth={"device": token})
    admin = next(c for c in one_per_worker(served).values() if c.worker != tablet.worker)
    assert admin.sign_in("quantri")[0] == 200

    status, devices = admin.send("GET", "/api/admin/devices")
    tablets = [row for row in devices if row["kind"] == "tablet"]
    assert status == 200 and [row["connected"] for row in tablets] == [True]  # on the other
    status, _ = admin.send("DELETE", f"/api/admin/devices/{tablets[0]['id']}", {})
    assert status == 204
    assert tablet.closed.wait(5), "the revoked tablet's socket stayed open on its worker"
    status, devices = admin.send("GET", "/api/admin/devices")
    assert [row for row in devices if row["kind"] == "tablet"] == []
