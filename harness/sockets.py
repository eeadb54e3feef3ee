"""Many Socket.IO clients for load tests: hall displays, counter screens and phones, as raw
Engine.IO v4 / Socket.IO v5 clients over websocket (aiohttp's client, which reads frames in C),
on asyncio loops in child processes.

A full python-socketio client costs threads of its own; a thousand of them would contend for
the GIL with the load they measure. Here each child process holds its share of the sockets on
one loop and timestamps what they receive with the machine's monotonic clock (the same in every
process), so the parent compares arrival times with the moments it pressed "next".

Every client records the `called` pushes it received (by ticket label) and whether the server
closed it: a socket closed by anyone but its owner is a dropped socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CONNECT_TIMEOUT_S = 60
BROWSER_DEFLATE = 15  # offer permessage-deflate (a 32 KiB window) as Chromium does


@dataclass
class FleetReport:
    """How the sockets fared: connected, dropped (closed by the server), refused, closed by
    their owner."""

    connected: int = 0
    dropped: int = 0
    refused: int = 0
    closed: int = 0
    drop_reasons: list[str] = field(default_factory=list)

    def add(self, other: dict[str, Any]) -> None:
        self.drop_reasons.extend(other["drop_reasons"])
        for name in ("connected", "dropped", "refused", "closed"):
            setattr(self, name, getattr(self, name) + other[name])


class _Loop:
    """One child process's sockets, driven by commands from the parent."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.groups: dict[str, list[asyncio.Task[None]]] = defaultdict(list)
        self.arrivals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.connected = self.dropped = self.refused = self.closed = 0
        self.opened: dict[str, float] = {}  # group -> when its last socket was let in
        self.drop_reasons: list[str] = []
        self._session: aiohttp.ClientSession | None = None

    async def client(
        self,
        group: str,
        namespace: str,
        query: str,
        headers: dict[str, str],
        ready: asyncio.Future[bool],
    ) -> None:
        try:
            socket = await self.session().ws_connect(
                self.url + query,
                headers=headers,
                max_msg_size=0,
                autoclose=False,
                compress=BROWSER_DEFLATE,
            )
        except Exception:
            self.refused += 1
            ready.set_result(False)
            return
        prefix, opened = f"42{namespace},", False
        try:
            await _text(socket)  # Engine.IO open packet
            await socket.send_str(f"40{namespace},")
            while True:
                packet = await _text(socket)
                if packet == "2":
                    await socket.send_str("3")
                elif packet.startswith(f"40{namespace},"):
                    opened = True
                    self.opened[group] = time.monotonic()
                    self.connected += 1
                    ready.set_result(True)
                elif packet.startswith(f"44{namespace},"):  # the server refused the namespace
                    self.refused += 1
                    ready.set_result(False)
                    return
                elif packet.startswith(prefix) and packet[len(prefix) :].startswith('["called"'):
                    received = time.monotonic()
                    label = json.loads(packet[len(prefix) :])[1]["label"]
                    self.arrivals[namespace][label].append(received)
        except asyncio.CancelledError:  # its owner closed it
            if opened:
                self.closed += 1
            raise
        except Exception as error:  # the server closed it, or the connection broke
            if opened:
                self.dropped += 1
                self.drop_reasons.append(f"{namespace}: {error!r}"[:200])
            if not ready.done():
                self.refused += 1
                ready.set_result(False)
        finally:
            with contextlib.suppress(Exception):
                await socket.close()

    def session(self) -> aiohttp.ClientSession:
        """One HTTP session for the loop's sockets, without a cap on its connections."""
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self._session

    async def connect(self, group: str, namespace: str, queries: list[str], headers: dict) -> int:
        """Open one socket per query string (a gentle ramp); answer how many connected."""
        readies = []
        for query in queries:
            ready: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self.groups[group].append(
                asyncio.create_task(self.client(group, namespace, query, headers, ready))
            )
            readies.append(ready)
            await asyncio.sleep(0.001)
        done = await asyncio.wait_for(asyncio.gather(*readies), CONNECT_TIMEOUT_S)
        return sum(done)

    async def disconnect(self, *groups: str) -> None:
        tasks = [task for group in groups for task in self.groups.pop(group, [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def report(self) -> dict[str, Any]:
        return {
            "connected": self.connected,
            "dropped": self.dropped,
            "refused": self.refused,
            "closed": self.closed,
            "drop_reasons": self.drop_reasons[:5],
        }


async def _text(socket: aiohttp.ClientWebSocketResponse) -> str:
    """The next text message; a close or an error from the server raises."""
    message = await socket.receive()
    if message.type != aiohttp.WSMsgType.TEXT:
        raise ConnectionError(f"websocket {message.type.name}: {message.data!r}")
    return str(message.data)


def _next_command(commands: Any, parent: int) -> tuple[Any, ...]:
    """The parent's next command; "stop" when the parent is gone (killed, it sends none)."""
    while os.getppid() == parent:
        with contextlib.suppress(queue.Empty):
            return tuple(commands.get(timeout=1.0))
    return ("stop",)


def _serve_commands(url: str, commands: Any, answers: Any) -> None:
    parent = os.getppid()

    async def main() -> None:
        fleet, loop = _Loop(url), asyncio.get_running_loop()
        while True:
            command, *arguments = await loop.run_in_executor(None, _next_command, commands, parent)
            if command == "connect":
                answers.put(await fleet.connect(*arguments))
            elif command == "disconnect":
                await fleet.disconnect(*arguments)
                answers.put(None)
            elif command == "arrivals":
                namespace, labels = arguments
                heard = fleet.arrivals[namespace]
                answers.put({label: heard[label] for label in labels if label in heard})
            elif command == "opened":
                answers.put(
                    {group: fleet.opened[group] for group in arguments[0] if group in fleet.opened}
                )
            elif command == "report":
                answers.put(fleet.report())
            elif command == "stop":
                for group in list(fleet.groups):
                    await fleet.disconnect(group)
                await fleet.close()
                answers.put(fleet.report())
                return

    asyncio.run(main())


class SocketFleet:
    """Socket.IO clients spread over `processes` child processes; use it as a context manager."""

    def __init__(self, base_url: str, processes: int = 2) -> None:
        context = multiprocessing.get_context("spawn")
        self.channels = [(context.Queue(), context.Queue()) for _ in range(processes)]
        self.children = [
            context.Process(target=_serve_commands, args=(base_url, commands, answers), daemon=True)
            for commands, answers in self.channels
        ]
        self.next_child = 0
        self.locks = [threading.Lock() for _ in self.children]  # one exchange at a time each

    def __enter__(self) -> SocketFleet:
        for child in self.children:
            child.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self.stop()

    def _ask(self, index: int, *command: Any, timeout_s: float = CONNECT_TIMEOUT_S + 10) -> Any:
        commands, answers = self.channels[index]
        with self.locks[index]:
            commands.put(command)
            return answers.get(timeout=timeout_s)

    def connect(
        self,
        group: str,
        namespace: str,
        queries: list[str],
        headers: dict[str, str] | None = None,
        spread: bool = True,
    ) -> int:
        """Open a socket per query (e.g. "&token=..."), spread over the children or on the
        next one; answer how many the server accepted."""
        if not spread:
            with self.locks[0]:
                index = self.next_child
                self.next_child = (self.next_child + 1) % len(self.children)
            return int(self._ask(index, "connect", group, namespace, queries, headers or {}))
        return sum(
            self._everywhere(
                lambda index: (
                    "connect",
                    group,
                    namespace,
                    queries[index :: len(self.children)],
                    headers or {},
                )
            )
        )

    def _everywhere(self, command: Callable[[int], tuple[Any, ...]]) -> list[Any]:
        """Send each child its command at once, then collect the answers (all locks held)."""
        with contextlib.ExitStack() as held:
            for lock in self.locks:
                held.enter_context(lock)
            for index, (commands, _) in enumerate(self.channels):
                commands.put(command(index))
            return [answers.get(timeout=CONNECT_TIMEOUT_S + 10) for _, answers in self.channels]

    def disconnect(self, *groups: str) -> None:
        """Close groups of sockets (the visitors left): not a drop."""
        self._everywhere(lambda _index: ("disconnect", *groups))

    def arrivals(self, namespace: str, labels: list[str]) -> dict[str, list[float]]:
        """When each socket of a namespace received the `called` of each of these labels."""
        heard: dict[str, list[float]] = defaultdict(list)
        for answer in self._everywhere(lambda _index: ("arrivals", namespace, labels)):
            for label, times in answer.items():
                heard[label].extend(times)
        return heard

    def opened(self, groups: list[str]) -> dict[str, float]:
        """When each of these groups' sockets was let into its namespace (monotonic clock)."""
        times: dict[str, float] = {}
        for answer in self._everywhere(lambda _index: ("opened", groups)):
            times.update(answer)
        return times

    def report(self) -> FleetReport:
        report = FleetReport()
        for index in range(len(self.children)):
            report.add(self._ask(index, "report"))
        return report

    def stop(self) -> FleetReport:
        """Close every socket, end the children, and say what they saw."""
        report = FleetReport()
        for index, child in enumerate(self.children):
            if child.is_alive():
                with contextlib.suppress(Exception):
                    report.add(self._ask(index, "stop", timeout_s=30))
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
        return report
