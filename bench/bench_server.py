"""Server benchmarks on 127.0.0.1 against gunicorn as a center runs it (design.md section 8):

- tickets issued per second with 8 keep-alive HTTP clients (no printer), anonymous and as a
  paired kiosk (its `X-Device-Token` looked up on every request);
- issue latency p50/p99 at a paced 50 tickets/s, printing to a `dummy:` printer;
- "next" pressed -> `called` received by every one of N display sockets, p50/p99;
- the server's memory (RSS) with those sockets connected;

the first three with --waiting tickets (2,000 by default) already waiting in each service the
tickets go to, as at a busy morning: a ticket must cost the same then as in an empty queue.

Run: .venv/bin/python bench/bench_server.py [--displays 300] [--seconds 5] [--waiting 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.display_sockets import DisplayFleet  # noqa: E402
from core.tickets import issue_ticket  # noqa: E402
from db import connect  # noqa: E402
from harness.printers import PAPER_PRESENT, FakeNetworkPrinter  # noqa: E402
from harness.server import Served, flask_command, serve  # noqa: E402

PASSWORD = "bench-password-1"
PRIORITY_EVERY = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Client:
    """A keep-alive HTTP client with the session cookie and CSRF header once signed in."""

    def __init__(self, base: str, device: str | None = None) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Content-Type": "application/json"}
        if device:  # a paired kiosk: only it prints on its paper
            self.headers["X-Device-Token"] = device

    def send(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        self.connection.request(method, path, json.dumps(body or {}), self.headers)
        response = self.connection.getresponse()
        text = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.headers["Cookie"] = cookie.split(";")[0]
        return response.status, json.loads(text) if text else None

    def sign_in(self, username: str) -> None:
        _, answer = self.send("POST", "/api/session", {"username": username, "password": PASSWORD})
        assert answer is not None
        self.headers["X-CSRF-Token"] = answer["csrf_token"]


def throughput(
    base: str,
    seconds: float,
    clients: int = 8,
    kiosk: str | None = None,
    device: str | None = None,
    paper: bool = True,
    service: str = "A",
) -> float:
    counts = [0] * clients
    deadline = time.perf_counter() + seconds

    def run(index: int) -> None:
        client = Client(base, device)
        while time.perf_counter() < deadline:
            body = {"service": service, "paper": paper} | ({"kiosk": kiosk} if kiosk else {})
            status, answer = client.send("POST", "/api/tickets", body)
            printed = (
                kiosk is None
                or not paper
                or (answer is not None and answer["print"]["status"] == "printed")
            )
            counts[index] += status == 201 and printed

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def paced_latency(base: str, rate: float, count: int, device: str) -> list[float]:
    client = Client(base, device)
    latencies = []
    start = time.perf_counter()
    for index in range(count):
        pause = start + index / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        began = time.perf_counter()
        status, answer = client.send("POST", "/api/tickets", {"service": "B", "kiosk": "k1"})
        latencies.append(time.perf_counter() - began)
        assert status == 201 and answer and answer["print"]["status"] == "printed", answer
    return latencies


def call_latency(base: str, fleet: DisplayFleet, calls: int) -> tuple[list[float], int]:
    """Press "next" `calls` times; the delays until each display got each call, and misses."""
    clerk = Client(base)
    clerk.sign_in("bench")
    clerk.send("POST", "/api/counters/1/open")
    for _ in range(calls):
        clerk.send("POST", "/api/tickets", {"service": "C"})
    time.sleep(0.5)
    latencies: list[float] = []
    missed = 0
    for seq in range(1, calls + 1):
        pressed = time.perf_counter()
        status, answer = clerk.send("POST", "/api/counters/1/next")
        assert status == 200, answer
        arrivals = fleet.wait_for(seq)
        missed += fleet.count - len(arrivals)
        latencies.extend(arrival - pressed for arrival in arrivals)
        clerk.send("POST", "/api/counters/1/finish")
        time.sleep(0.2)
    return latencies, missed


def fill_queue(database: Path, service: str, count: int) -> None:
    """Put `count` waiting tickets in a service's queue (every tenth a priority one)."""
    db = connect(database)
    for index in range(count):
        priority = "elderly" if index % PRIORITY_EVERY == PRIORITY_EVERY - 1 else None
        issue_ticket(db, service, now=datetime.now(UTC), priority=priority)
    db.conn.close()


def worker_rss_mb(master_pid: int) -> float:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total = 0
    for pid in [master_pid, *map(int, children)]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = max(total, int(line.split()[1]))
    return total / 1024


BENCH_CENTER = """
[center]
name = "Bench"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
[[services]]
code = "B"
name = "Chứng thực bản sao, chữ ký, hợp đồng giao dịch"
department = "TP"
[[services]]
code = "C"
name = "Lý lịch tư pháp"
department = "TP"
[[services]]
code = "D"
name = "Đất đai"
department = "TP"
[[counters]]
number = 1
services = ["C"]
[[kiosks]]
id = "k1"
printer = "dummy:"
[[kiosks]]
id = "k2"
printer = "tcp://127.0.0.1:{printer_port}"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--worker-class", default="gevent")
    parser.add_argument("--waiting", type=int, default=2000)
    options = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeNetworkPrinter(status_answer=PAPER_PRESENT) as printer,
    ):
        database = Path(folder) / "bench.db"
        center = Path(folder) / "bench.toml"
        center.write_text(BENCH_CENTER.replace("{printer_port}", str(printer.port)))
        flask_command(database, "load-config", str(center))
        flask_command(database, "create-user", "bench", "--role", "clerk", "--password", PASSWORD)
        kiosks = {
            kiosk: flask_command(database, "pair-device", "kiosk", kiosk).strip()
            for kiosk in ("k1", "k2")
        }
        for service in ("A", "B"):
            fill_queue(database, service, options.waiting)
        log = Path(folder) / "gunicorn.log"
        with serve(database, log, QMS_WORKER_CLASS=options.worker_class) as served:
            report(served, options, kiosks)


def report(served: Served, options: argparse.Namespace, kiosks: dict[str, str]) -> None:
    """Measure the running server and print each figure as it comes."""
    base = served.url
    print(
        f"server: gunicorn {options.worker_class}, 1 worker, on {os.cpu_count()} cores;"
        f" {options.waiting} tickets already waiting in each service issued to"
    )
    rate = throughput(base, options.seconds)
    print(f"tickets issued per second, 8 keep-alive clients: {rate:.0f}")
    paired = throughput(  # a queue of its own: as long as the first one's, not longer
        base, options.seconds, kiosk="k1", device=kiosks["k1"], paper=False, service="D"
    )
    print(f"tickets issued per second, 8 clients as the paired kiosk k1 (no paper): {paired:.0f}")
    printed = throughput(base, options.seconds, kiosk="k2", device=kiosks["k2"])
    print(f"tickets issued and printed per second, one network printer: {printed:.0f}")
    paced = paced_latency(base, 50, int(50 * options.seconds), kiosks["k1"])
    print(
        f"issue + print to dummy at 50/s: p50 {percentile(paced, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(paced, 0.99) * 1000:.1f} ms ({len(paced)} tickets)"
    )
    idle_rss = worker_rss_mb(served.pid)
    fleet = DisplayFleet(base, options.displays)
    fleet.start()
    rss = worker_rss_mb(served.pid)
    latencies, missed = call_latency(base, fleet, options.calls)
    print(
        f"next -> called on {options.displays} displays: "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms ({options.calls} calls, "
        f"{len(latencies)} deliveries, {missed} missed)"
    )
    print(
        f"server RSS: {idle_rss:.0f} MB idle, {rss:.0f} MB with {options.displays} display sockets"
    )
    fleet.stop()


if __name__ == "__main__":
    main()
