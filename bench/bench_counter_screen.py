"""The counter screen's latency on a busy hall, against gunicorn as a center runs it:

- 300 hall displays connected to `/display` (bench/display_sockets.py), and over each counter
  its counter screen and its rating tablet's idle face (two more `/display` sockets a counter);
- clerks at every counter calling at once, each: next, start, finish, a short pause, again;
- "next" pressed -> the screens over that counter show the call (`called`), p50/p99;
- "next" pressed -> every hall display has the call, p50/p99 (design.md section 8: <= 50 ms);
- "start" pressed -> the screens over that counter show "now serving" (the coalesced `board`,
  `QMS_PUSH_DELAY_S` later), p50/p99;
- the server's memory (RSS) with every socket connected.

Run: .venv/bin/python bench/bench_counter_screen.py [--displays 300] [--counters 12]
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
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_server import PASSWORD, Client, percentile, worker_rss_mb  # noqa: E402
from bench.display_sockets import DisplayFleet  # noqa: E402
from harness.server import Served, flask_command, serve  # noqa: E402

SCREENS_PER_COUNTER = 2  # the screen over the counter, and the rating tablet's idle face
WAIT_S = 10.0


class CounterScreens(DisplayFleet):
    """Counter screens on `/display`: socket i is over counter i // SCREENS_PER_COUNTER + 1.

    Each records when a call of its own counter arrived (`called`: what the page shows and
    blinks on at once) and when a board first showed that ticket being served.
    """

    def __init__(self, base_url: str, counters: int) -> None:
        super().__init__(base_url, counters * SCREENS_PER_COUNTER)
        self.calls: dict[tuple[int, str], list[float]] = defaultdict(list)
        self.seqs: dict[tuple[int, str], int] = {}
        self.serving: dict[tuple[int, str], list[float]] = defaultdict(list)
        self.shown: dict[int, str | None] = {}  # the label each socket last saw served

    def heard(self, index: int, event: str, received: float) -> None:
        counter = index // SCREENS_PER_COUNTER + 1
        if event.startswith('["called"'):
            call = json.loads(event)[1]
            if call["counter"] == counter:
                self.calls[(counter, call["label"])].append(received)
                self.seqs[(counter, call["label"])] = call["seq"]
        elif event.startswith('["board"'):
            board = json.loads(event)[1]
            screen = next(s for s in board["counters"] if s["number"] == counter)
            ticket = screen["ticket"]
            label = ticket["label"] if ticket and ticket["status"] == "serving" else None
            if label and self.shown.get(index) != label:
                self.serving[(counter, label)].append(received)
            self.shown[index] = label

    def wait(
        self, arrivals: dict[tuple[int, str], list[float]], key: tuple[int, str]
    ) -> list[float]:
        """Block until both screens over the counter have `key`; return their arrival times."""
        deadline = time.monotonic() + WAIT_S
        while len(arrivals[key]) < SCREENS_PER_COUNTER and time.monotonic() < deadline:
            time.sleep(0.001)
        return list(arrivals[key])


class Clerk(Client):
    """A clerk's keep-alive client that opens its connection again when the server closed it
    between two visitors (gunicorn keeps an idle connection 2 s); nothing was sent on it."""

    def send(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        try:
            return super().send(method, path, body)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            self.connection.close()
            return super().send(method, path, body)


class Figures:
    """What the clerks measured, gathered from their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.screen_call: list[float] = []
        self.hall_call: list[float] = []
        self.screen_serving: list[float] = []
        self.missed = 0
        self.calls = 0

    def add(self, name: str, values: list[float], expected: int) -> None:
        with self.lock:
            getattr(self, name).extend(values)
            self.missed += expected - len(values)


def clerk_at(
    base: str,
    number: int,
    calls: int,
    pause_s: float,
    screens: CounterScreens,
    hall: DisplayFleet,
    figures: Figures,
) -> None:
    """A clerk serving `calls` visitors at counter `number`, measuring each step's screens."""
    clerk = Clerk(base)
    clerk.sign_in(f"clerk{number}")
    clerk.send("POST", f"/api/counters/{number}/open")
    for _ in range(calls):
        pressed = time.perf_counter()
        status, answer = clerk.send("POST", f"/api/counters/{number}/next")
        assert status == 200 and answer is not None, answer
        key = (number, answer["ticket"]["label"])
        shown = screens.wait(screens.calls, key)
        figures.add("screen_call", [at - pressed for at in shown], SCREENS_PER_COUNTER)
        seq = screens.seqs.get(key)
        if seq is not None:
            arrivals = hall.wait_for(seq)
            figures.add("hall_call", [at - pressed for at in arrivals], hall.count)
        started = time.perf_counter()
        clerk.send("POST", f"/api/counters/{number}/start")
        shown = screens.wait(screens.serving, key)
        figures.add("screen_serving", [at - started for at in shown], SCREENS_PER_COUNTER)
        clerk.send("POST", f"/api/counters/{number}/finish")
        with figures.lock:
            figures.calls += 1
        time.sleep(pause_s)


def bench_center(counters: int) -> str:
    lines = [
        '[center]\nname = "Bench"',
        '[[departments]]\ncode = "TP"\nname = "Tư pháp"',
        '[[services]]\ncode = "A"\nname = "Hộ tịch"\ndepartment = "TP"',
    ]
    lines += [f'[[counters]]\nnumber = {n}\nservices = ["A"]' for n in range(1, counters + 1)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=300, help="hall display sockets")
    parser.add_argument("--counters", type=int, default=12, help="counters, each with a clerk")
    parser.add_argument("--calls", type=int, default=10, help="calls per clerk")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between visitors")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        center = Path(folder) / "bench.toml"
        center.write_text(bench_center(options.counters))
        flask_command(database, "load-config", str(center))
        for number in range(1, options.counters + 1):
            flask_command(
                database,
                *("create-user", f"clerk{number}", "--role", "clerk", "--password", PASSWORD),
                *("--name", f"Cán bộ số {number}"),
            )
        with serve(database, Path(folder) / "gunicorn.log") as served:
            report(served, options)


def report(served: Served, options: argparse.Namespace) -> None:
    base = served.url
    kiosk = Client(base)
    for _ in range(options.counters * options.calls):
        status, _answer = kiosk.send("POST", "/api/tickets", {"service": "A"})
        assert status == 201
    hall = DisplayFleet(base, options.displays)
    hall.start()
    screens = CounterScreens(base, options.counters)
    screens.start()
    sockets = hall.count + screens.count
    print(f"server: gunicorn gevent, 1 worker, on {os.cpu_count()} cores")
    print(
        f"sockets on /display: {hall.count} hall displays + {screens.count} counter screens "
        f"and tablets' idle faces = {sockets}; server RSS {worker_rss_mb(served.pid):.0f} MB"
    )
    time.sleep(0.5)
    figures = Figures()
    clerks = [
        threading.Thread(
            target=clerk_at,
            args=(base, number, options.calls, options.pause, screens, hall, figures),
        )
        for number in range(1, options.counters + 1)
    ]
    began = time.perf_counter()
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join()
    elapsed = time.perf_counter() - began
    print(
        f"{options.counters} clerks calling at once: {figures.calls} visitors in {elapsed:.1f} s "
        f"({figures.calls / elapsed:.1f} calls/s), {figures.missed} deliveries missed"
    )
    for words, values in (
        ("next -> the counter's screens show the call", figures.screen_call),
        (f"next -> called on all {hall.count} hall displays", figures.hall_call),
        ("start -> the counter's screens show 'now serving' (board)", figures.screen_serving),
    ):
        print(
            f"{words}: p50 {statistics.median(values) * 1000:.1f} ms, "
            f"p99 {percentile(values, 0.99) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms "
            f"({len(values)} deliveries)"
        )
    screens.stop()
    hall.stop()


if __name__ == "__main__":
    main()
