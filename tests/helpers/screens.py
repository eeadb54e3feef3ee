"""A screen connected to a real server (a gunicorn subprocess) as browsers connect: the
python-socketio client on the websocket transport, reconnecting by itself after a drop, as
static/js/live.js does.

It keeps every push it is given and counts its connections, so a test can tell "received the new
snapshot on the same connection" from "reconnected and was welcomed again".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio

WAIT_S = 15.0


class Screen:
    """One namespace of one device (a hall display, a kiosk, a visitor's phone)."""

    def __init__(self, url: str, namespace: str, events: tuple[str, ...], query: str = "") -> None:
        self.namespace = namespace
        self.pushes: list[tuple[str, Any]] = []
        self.connections = 0
        self._changed = threading.Condition()
        self.client = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1.0
        )
        self.client.on("connect", self._connected, namespace=namespace)
        for name in events:
            self.client.on(name, self._receiver(name), namespace=namespace)
        self.client.connect(
            url + (f"?{query}" if query else ""),
            namespaces=[namespace],
            transports=["websocket"],
            wait_timeout=10,
        )
        self.wait(lambda: self.connections >= 1)

    def _connected(self) -> None:
        with self._changed:
            self.connections += 1
            self._changed.notify_all()

    def _receiver(self, name: str) -> Callable[[Any], None]:
        def receive(payload: Any = None) -> None:
            with self._changed:
                self.pushes.append((name, payload))
                self._changed.notify_all()

        return receive

    def latest(self, name: str) -> Any:
        """The last push of that name (None before any)."""
        with self._changed:
            found = [payload for pushed, payload in self.pushes if pushed == name]
        return found[-1] if found else None

    def received(self, name: str) -> list[Any]:
        with self._changed:
            return [payload for pushed, payload in self.pushes if pushed == name]

    def wait(self, condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
        """Wait until the condition holds; fail, saying what came, after timeout_s."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [name for name, _ in self.pushes[-20:]]
                    raise AssertionError(
                        f"{self.namespace}: not so after {timeout_s} s"
                        f" ({self.connections} connections, last pushes {names})"
                    )
                self._changed.wait(min(left, 0.1))

    def close(self) -> None:
        self.client.disconnect()
