"""How long the hall is dark after the server dies: SIGKILL of gunicorn (master and workers) under
a kiosk's traffic, then a start on the same port and database, as systemd's `Restart=always`
does, on 127.0.0.1:

- from the kill to the first ticket answered again (the start of gunicorn included), p50/max;
- from the kill until every one of N hall displays is connected again, reconnecting as the
  browsers' socket.io client does (after 0.5-1 s, then again);
- tickets the kiosk was answered for that are missing afterwards (must be 0).

Loops are bounded by --kills and --displays.

Run: .venv/bin/python bench/bench_recovery.py [--kills 5] [--displays 100]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from simple_websocket import AioClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_server import BENCH_CENTER, percentile  # noqa: E402
from harness.server import flask_command, restartable  # noqa: E402

SEED = 7


class ReconnectingDisplays:
    """N /display sockets that reconnect after a drop; `connected` counts those connected now."""

    def __init__(self, base_url: str, count: int) -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.count = count
        self.connected = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def wait_all(self, timeout_s: float = 60) -> float:
        deadline = time.monotonic() + timeout_s
        while self.connected < self.count and time.monotonic() < deadline:
            time.sleep(0.01)
        return time.monotonic()

    async def _main(self) -> None:
        tasks = [asyncio.create_task(self._display(index)) for index in range(self.count)]
        while not self._stop.is_set():
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _display(self, index: int) -> None:
        chance = random.Random(index)
        while True:
            connected = False
            try:
                socket = await AioClient.connect(self.url)
                try:
                    await socket.receive()
                    await socket.send("40/display,")
                    while True:
                        packet = await socket.receive()
                        if packet == "2":
                            await socket.send("3")
                        elif packet.startswith("40/display,") and not connected:
                            connected = True
                            self.connected += 1
                finally:
                    await socket.close()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  (the server died: reconnect, as a browser does)
                pass
            if connected:
                self.connected -= 1
            await asyncio.sleep(0.5 + chance.random() * 0.5)


def kiosk(base: str, stop: threading.Event, answered: list[int]) -> None:
    session = requests.Session()
    while not stop.is_set():
        try:
            answer = session.post(f"{base}/api/tickets", json={"service": "A"}, timeout=30)
        except requests.RequestException:
            continue
        if answer.status_code == 201:
            answered.append(int(answer.json()["id"]))
        time.sleep(0.01)


def first_answer(base: str) -> float:
    while True:
        try:
            if requests.post(f"{base}/api/tickets", json={"service": "A"}, timeout=30).ok:
                return time.monotonic()
        except requests.RequestException:
            time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--displays", type=int, default=100)
    options = parser.parse_args()
    chance = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        center = Path(folder) / "bench.toml"
        center.write_text(BENCH_CENTER.replace("{printer_port}", "9"))
        flask_command(database, "load-config", str(center))
        answered: list[int] = []
        to_ticket, to_displays = [], []
        with restartable(database, Path(folder) / "gunicorn.log") as server:
            displays = ReconnectingDisplays(server.url, options.displays)
            displays.start()
            displays.wait_all()
            stop = threading.Event()
            feeder = threading.Thread(target=kiosk, args=(server.url, stop, answered))
            feeder.start()
            try:
                for _ in range(options.kills):
                    time.sleep(chance.uniform(0.5, 1.5))
                    killed = time.monotonic()
                    server.kill()
                    server.start()
                    to_ticket.append(first_answer(server.url) - killed)
                    to_displays.append(displays.wait_all() - killed)
            finally:
                stop.set()
                feeder.join(timeout=30)
                displays.stop()
        connection = sqlite3.connect(database)
        kept = {row[0] for row in connection.execute("SELECT id FROM tickets")}
        connection.close()
    lost = [ticket for ticket in answered if ticket not in kept]
    print("gunicorn gevent, 1 worker, on 2 cores; clients on the same machine", flush=True)
    print(
        f"kill -> first ticket answered again: p50 {percentile(to_ticket, 0.5):.2f} s,"
        f" max {max(to_ticket):.2f} s ({options.kills} kills)"
    )
    print(
        f"kill -> all {options.displays} displays connected again:"
        f" p50 {percentile(to_displays, 0.5):.2f} s, max {max(to_displays):.2f} s"
    )
    print(f"tickets answered: {len(answered)}, missing after the kills: {len(lost)}")


if __name__ == "__main__":
    main()
