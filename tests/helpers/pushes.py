"""Reading what a Socket.IO test client was pushed, without guessing how long pushes take.

A push may come after the request that caused it (the publisher coalesces queue snapshots), so a
test waits, bounded in time, until the pushes it expects have arrived, rather than reading once
or sleeping first. To show that something was not pushed, a test makes a push arrive that must
come after it (a marker) and checks what came before.
"""

from __future__ import annotations

import time
from typing import Any

PUSH_TIMEOUT_S = 5.0
POLL_S = 0.01


def received_until(
    socket: Any, namespace: str, name: str, count: int = 1, timeout_s: float = PUSH_TIMEOUT_S
) -> list[dict[str, Any]]:
    """Gather the socket's pushes until `count` named `name` have come; return them all, in order.

    Fails after timeout_s, naming what did come.
    """
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while True:
        received += socket.get_received(namespace)
        if sum(event["name"] == name for event in received) >= count:
            return received
        if time.monotonic() >= deadline:
            names = [event["name"] for event in received]
            raise AssertionError(f"{count} {name!r} on {namespace} expected, {names} came")
        time.sleep(POLL_S)


def payloads(received: list[dict[str, Any]], name: str) -> list[Any]:
    """The payloads of the pushes named `name`, in order."""
    return [event["args"][0] for event in received if event["name"] == name]


def pushed(
    socket: Any, namespace: str, name: str, count: int = 1, timeout_s: float = PUSH_TIMEOUT_S
) -> list[Any]:
    """Wait until `count` pushes named `name` have come; return their payloads (others dropped)."""
    return payloads(received_until(socket, namespace, name, count, timeout_s), name)
