"""A stranger on the hall Wi-Fi against gunicorn on 127.0.0.1, and what the center feels meanwhile:

- a flood of bad bodies (1 MiB-class JSON of 90,000 unknown keys), 4 senders at once: the size
  and time of each answer, and /healthz p50/p99 before and during;
- wrong passwords, 4 guessers at once: /healthz p50/p99 meanwhile (scrypt runs off the loop);
- malformed Socket.IO packets from anonymous sockets: the lines of log they cost;
- slow connections (a request trickled a byte a second) and a body flood at once, while a clerk
  calls: "next" -> `called` on N hall displays, p50/p99/max.

Every load is bounded in count and in time (LOAD_LIMIT_S) and goes to loopback only.
tests/test_abuse.py runs the same loads with generous bounds; this prints the figures.

Run: .venv/bin/python bench/bench_abuse.py [--displays 20] [--slow 200] [--calls 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simple_websocket import Client as WebSocket  # noqa: E402

from bench.bench_server import Client, percentile  # noqa: E402
from bench.display_sockets import DisplayFleet  # noqa: E402
from harness.server import ROOT, Served, flask_command, serve  # noqa: E402

DEMO_CENTER = ROOT / "centers" / "can-tho.toml"
PASSWORD = "abuse-password-1"
CLERK = "lan"
# 90,000 unknown keys in 830 kB, under the 1 MiB cap: each one a problem for pydantic to list.
UNKNOWN_KEYS = json.dumps({f"{i:x}": 0 for i in range(90_000)}, separators=(",", ":")).encode()
HEALTH_PAUSE_S = 0.02
LOAD_LIMIT_S = 30  # no load here runs longer than this, whatever the machine
MALFORMED = ("42/display,not json", "4Z", "42/display,[", "40/display,{bad", "42/display,1", "")


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


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run work(0..count-1) in as many threads; answer the seconds it took them all."""
    threads = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOAD_LIMIT_S)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("the load outlived its time limit")
    return time.perf_counter() - began


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

    def median(self) -> float:
        return statistics.median(self.delays)

    def figures(self) -> str:
        ms = [delay * 1000 for delay in self.delays]
        return (
            f"/healthz p50 {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms,"
            f" max {max(ms):.1f} ms ({len(ms)} probes)"
        )


def idle_health(served: Served, probes: int = 25) -> HealthProbe:
    with HealthProbe(served) as probe:
        time.sleep(probes * HEALTH_PAUSE_S * 1.5)
    return probe


@dataclass
class Flood:
    """What a load measured: its answers, how long it took, and /healthz before and during."""

    statuses: list[int]
    sizes: list[int]
    took_ms: list[float]
    seconds: float
    idle: HealthProbe
    during: HealthProbe


def body_flood(served: Served, senders: int = 4, each: int = 30) -> Flood:
    """`senders` threads each POST `each` bodies of 90,000 unknown keys to the ticket door."""
    idle = idle_health(served)
    answers: list[tuple[int, int, float]] = []

    def flood(_index: int) -> None:
        for _ in range(each):
            began = time.perf_counter()
            status, size = post_raw(served, "/api/tickets", UNKNOWN_KEYS)
            answers.append((status, size, (time.perf_counter() - began) * 1000))

    with HealthProbe(served) as probe:
        seconds = in_threads(senders, flood)
    return Flood(
        [a[0] for a in answers],
        [a[1] for a in answers],
        [a[2] for a in answers],
        seconds,
        idle,
        probe,
    )


def wrong_passwords(served: Served, guessers: int = 4, each: int = 10) -> Flood:
    """`guessers` threads each try `each` unknown names from an address of its own (127.0.0.N:
    20 wrong passwords from one address lock it, and a locked try costs no scrypt)."""
    idle = idle_health(served)
    answers: list[tuple[int, int, float]] = []

    def guess(index: int) -> None:
        client = Client(served.url)
        client.connection = http.client.HTTPConnection(
            *host_port(served), timeout=LOAD_LIMIT_S, source_address=(f"127.0.0.{10 + index}", 0)
        )
        for attempt in range(each):
            began = time.perf_counter()
            status, _answer = client.send(
                "POST", "/api/session", {"username": f"guess{index}x{attempt}", "password": "x"}
            )
            answers.append((status, 0, (time.perf_counter() - began) * 1000))
        client.connection.close()

    with HealthProbe(served) as probe:
        seconds = in_threads(guessers, guess)
    return Flood(
        [a[0] for a in answers],
        [a[1] for a in answers],
        [a[2] for a in answers],
        seconds,
        idle,
        probe,
    )


def malformed_packets(served: Served, log: Path, sockets: int = 20) -> tuple[int, list[str]]:
    """Send MALFORMED from `sockets` anonymous /display sockets; answer the packets sent and
    the lines of log the server wrote meanwhile."""
    before = len(log.read_text().splitlines())
    url = served.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    sent = 0
    for _ in range(sockets):  # an empty packet makes the server hang up: one socket each round
        socket_ = WebSocket.connect(url)
        try:
            # Into the namespace before reading: simple-websocket 1.1 leaves the Engine.IO open
            # packet that came with the handshake unread until more bytes arrive (up to 5 s).
            socket_.send("40/display,")
            socket_.receive(timeout=5)  # the Engine.IO open packet
            socket_.receive(timeout=5)  # the namespace's answer
            for packet in MALFORMED:
                socket_.send(packet)
                sent += 1
        finally:
            try:
                socket_.close()
            except Exception:  # noqa: BLE001  (the server may have closed it first)
                pass
    time.sleep(1)
    return sent, log.read_text().splitlines()[before:]


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
                    connection.sendall(b" " if index % 2 else b"X")
                except OSError:
                    pass


@dataclass
class Calls:
    """ "next" -> `called` on every display, while the slow connections and the flood ran."""

    latencies_ms: list[float]
    displays: int
    calls: int
    flooded: list[int]
    missed: int


def calls_under_abuse(
    served: Served, displays: int = 20, slow: int = 200, calls: int = 20
) -> Calls:
    """A clerk calls `calls` tickets to `displays` hall displays while `slow` connections
    trickle and two senders flood the ticket door with bad bodies (60 each at most)."""
    fleet = DisplayFleet(served.url, displays)
    fleet.start(timeout_s=30)
    clerk = Client(served.url)
    status, answer = clerk.send("POST", "/api/session", {"username": CLERK, "password": PASSWORD})
    if status != 200 or answer is None:
        raise RuntimeError(f"the clerk could not sign in: {answer}")
    clerk.headers["X-CSRF-Token"] = answer["csrf_token"]
    clerk.send("POST", "/api/counters/1/open")
    for _ in range(calls):
        clerk.send("POST", "/api/tickets", {"service": "A"})
    flooding = threading.Event()
    flooded: list[int] = []

    def flood(_index: int) -> None:
        for _ in range(60):  # bounded: 60 bodies per thread, or until the calls are done
            if flooding.is_set():
                return
            flooded.append(post_raw(served, "/api/tickets", UNKNOWN_KEYS)[0])

    latencies: list[float] = []
    missed = 0
    try:
        with SlowLoris(served, slow):
            flooder = threading.Thread(target=in_threads, args=(2, flood), daemon=True)
            flooder.start()
            time.sleep(0.5)
            for _ in range(calls):
                seq = max(fleet.arrivals, default=0) + 1  # the hall's call log numbers calls
                pressed = time.perf_counter()
                status, answer = clerk.send("POST", "/api/counters/1/next")
                if status != 200:
                    raise RuntimeError(f"next answered {status}: {answer}")
                arrivals = fleet.wait_for(seq)
                missed += fleet.count - len(arrivals)
                latencies.extend((arrival - pressed) * 1000 for arrival in arrivals)
                clerk.send("POST", "/api/counters/1/finish")
                time.sleep(0.1)
            flooding.set()
            flooder.join(timeout=LOAD_LIMIT_S)
    finally:
        flooding.set()
        fleet.stop()
        clerk.connection.close()
    return Calls(latencies, displays, calls, flooded, missed)


def prepared_center(folder: Path) -> Path:
    """The demo center with one clerk, in `folder`; answer its database."""
    database = folder / "qms.db"
    flask_command(database, "load-config", str(DEMO_CENTER))
    flask_command(database, "create-user", CLERK, "--role", "clerk", "--password", PASSWORD)
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = prepared_center(Path(folder))
        log = Path(folder) / "gunicorn.log"
        with serve(database, log, QMS_PUSH_DELAY_S="0.05") as served:
            print(f"server: gunicorn gevent, 1 worker, on {os.cpu_count()} cores (shared machine)")
            bodies = body_flood(served)
            print(
                f"{len(bodies.statuses)} bodies of 90,000 unknown keys, 4 at a time, in"
                f" {bodies.seconds:.1f} s: statuses {sorted(set(bodies.statuses))}, answers of at"
                f" most {max(bodies.sizes)} bytes, each p50 {statistics.median(bodies.took_ms):.1f}"
                f" ms; idle {bodies.idle.figures()}; under the flood {bodies.during.figures()}"
            )
            guesses = wrong_passwords(served)
            print(
                f"{len(guesses.statuses)} wrong passwords, 4 at a time, in {guesses.seconds:.1f} s"
                f" (each p50 {statistics.median(guesses.took_ms):.0f} ms); idle"
                f" {guesses.idle.figures()}; meanwhile {guesses.during.figures()}"
            )
            sent, lines = malformed_packets(served, log)
            print(f"{sent} malformed Socket.IO packets: {len(lines)} lines of log")
            calls = calls_under_abuse(served, options.displays, options.slow, options.calls)
            ms = calls.latencies_ms
            print(
                f"{options.slow} slow connections and {len(calls.flooded)} bad bodies meanwhile:"
                f" next -> called on {calls.displays} displays, p50 {statistics.median(ms):.1f} ms,"
                f" p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
                f" ({calls.calls} calls, {calls.missed} deliveries missed)"
            )


if __name__ == "__main__":
    main()
