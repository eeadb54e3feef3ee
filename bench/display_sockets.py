"""Many hall displays at once, for the benchmarks: raw Engine.IO v4 / Socket.IO v5 clients on
one asyncio loop (aiohttp's websocket client), each timestamping the `called` events it gets.

One loop in its own thread keeps the measuring side cheap: 300 client threads, or 300 full
python-socketio clients, would contend for the GIL and inflate what is measured; aiohttp reads
websocket frames in C, where a pure-Python reader cost the shared cores more than the server.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import defaultdict

import aiohttp

# Offer permessage-deflate with a 32 KiB window, as Chromium does: the server decides.
BROWSER_DEFLATE = 15


class DisplayFleet:
    """N display sockets on /display; `arrivals[seq]` lists the receive times of a call.

    A fleet that hears more than the calls overrides `heard` (bench/bench_counter_screen.py).
    """

    def __init__(self, base_url: str, count: int, namespace: str = "/display") -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.count = count
        self.namespace = namespace
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.connected = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, timeout_s: float = 60) -> None:
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise RuntimeError(f"only {self.connected} of {self.count} displays connected")

    def stop(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def wait_for(self, seq: int, timeout_s: float = 10) -> list[float]:
        """Block until every display has received call `seq`; return their receive times."""
        deadline = time.monotonic() + timeout_s
        while len(self.arrivals[seq]) < self.count and time.monotonic() < deadline:
            time.sleep(0.002)
        return list(self.arrivals[seq])

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            tasks = []
            for index in range(self.count):
                tasks.append(asyncio.create_task(self._display(session, index)))
                await asyncio.sleep(0.002)  # a gentle ramp, as screens switching on
            await self._stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _display(self, session: aiohttp.ClientSession, index: int) -> None:
        socket = await session.ws_connect(self.url, max_msg_size=0, compress=BROWSER_DEFLATE)
        prefix = f"42{self.namespace},"
        try:
            await socket.receive_str()  # Engine.IO open packet
            await socket.send_str(f"40{self.namespace},")
            while True:
                packet = await socket.receive_str()
                if packet == "2":
                    await socket.send_str("3")
                elif packet.startswith(f"40{self.namespace},"):
                    self.connected += 1
                    if self.connected == self.count:
                        self._ready.set()
                elif packet.startswith(prefix):
                    self.heard(index, packet[len(prefix) :], time.perf_counter())
        finally:
            await socket.close()

    def heard(self, index: int, event: str, received: float) -> None:
        """Socket `index` got one pushed event, its JSON text `["name", payload]`, then."""
        if event.startswith('["called"'):
            self.arrivals[json.loads(event)[1]["seq"]].append(received)
