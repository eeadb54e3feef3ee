"""Fake printers at the hardware edge: a network printer on 127.0.0.1 and a serial one on a pty.

They behave like the real thing where it matters to the print adapter: they take bytes over a real
socket or tty, answer the DLE EOT 4 paper status (or stay silent, as many printers do), and can
stop reading in the middle of a job like a jammed printer. Every thread they start is stopped and
joined when their `with` block ends.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

PAPER_STATUS_QUERY = b"\x10\x04\x04"
PAPER_PRESENT = b"\x12"
PAPER_NEAR_END = b"\x1e"
PAPER_OUT = b"\x72"
POLL_S = 0.02


class _Received:
    """Bytes received so far, shared between the fake's thread and the test."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data = bytearray()

    def add(self, chunk: bytes) -> int:
        with self._lock:
            self._data += chunk
            return len(self._data)

    def snapshot(self) -> bytes:
        with self._lock:
            return bytes(self._data)


class _FakePrinter:
    """A fake's serving thread: started by `with`, stopped and joined when the block ends."""

    def __init__(self, name: str) -> None:
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=name)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._close()
        assert not self._thread.is_alive(), "the fake printer's thread did not stop"

    def _serve(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


class FakeNetworkPrinter(_FakePrinter):
    """A raw port 9100 printer on 127.0.0.1 that keeps each job it receives.

    status_answer is its reply to DLE EOT 4 (empty: it does not answer status). read_limit makes
    it stop reading after that many bytes of a job and hold the connection, like a hung printer;
    receive_buffer shrinks its socket buffer so that the sender really blocks. port: the port of
    a printer that was there before (a printer switched off and on again); 0 for a free one.
    """

    def __init__(
        self,
        status_answer: bytes = b"",
        read_limit: int | None = None,
        receive_buffer: int | None = None,
        port: int = 0,
    ) -> None:
        self.status_answer = status_answer
        self.read_limit = read_limit
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:  # set before listen, so accepted sockets inherit it
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(8)
        self.listener.settimeout(POLL_S)
        self.port = self.listener.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.jobs: list[bytes] = []
        self.current = _Received()
        self._job_done = threading.Condition()
        super().__init__("fake-network-printer")

    def _close(self) -> None:
        self.listener.close()

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> list[bytes]:
        """Return the jobs once `count` have ended (the client closed), or those there are."""
        with self._job_done:
            self._job_done.wait_for(lambda: len(self.jobs) >= count, timeout=timeout_s)
            return list(self.jobs)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                self._receive(connection)

    def _receive(self, connection: socket.socket) -> None:
        connection.settimeout(POLL_S)
        self.current = received = _Received()
        answered = False
        length = 0
        while not self._stopping.is_set():
            if self.read_limit is not None and length >= self.read_limit:
                self._stopping.wait(POLL_S)  # hung: hold the connection, read nothing more
                continue
            wanted = 65536 if self.read_limit is None else min(65536, self.read_limit - length)
            try:
                chunk = connection.recv(wanted)
            except TimeoutError:
                continue
            except OSError:  # the sender reset the connection: the job is lost
                return
            if not chunk:
                with self._job_done:
                    self.jobs.append(received.snapshot())
                    self._job_done.notify_all()
                return
            length = received.add(chunk)
            if self.status_answer and not answered and length >= len(PAPER_STATUS_QUERY):
                if received.snapshot().startswith(PAPER_STATUS_QUERY):
                    connection.sendall(self.status_answer)
                answered = True


@contextmanager
def closed_port() -> Iterator[int]:
    """Yield a loopback port nobody listens on: connecting is refused.

    The port stays bound (never listening) until the block ends. A port merely freed could be
    taken meanwhile, or be the very source port the kernel gives the connecting socket, which
    then connects to itself and "prints" to nobody.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


@contextmanager
def listener_that_never_accepts(receive_buffer: int = 4096) -> Iterator[int]:
    """Yield the port of a listener that never accepts: connecting works, sending fills up."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield int(listener.getsockname()[1])


@contextmanager
def listener_with_full_backlog() -> Iterator[int]:
    """Yield the port of a listener whose accept queue is full: the kernel drops new SYNs, so
    connecting hangs as it does for a printer that is off on the network."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):  # bounded: the queue of a listen(0) socket is full after one or two
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except TimeoutError:
                break
        else:
            raise RuntimeError("could not fill the accept queue of the listener")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


class FakeSerialPrinter(_FakePrinter):
    """A serial printer on a pseudo-terminal: the adapter opens its /dev/pts path with pyserial.

    status_answer and read_limit behave as for FakeNetworkPrinter. A tty has no end of job, so
    tests wait for the number of bytes they expect.
    """

    def __init__(self, status_answer: bytes = b"", read_limit: int | None = None) -> None:
        self.status_answer = status_answer
        self.read_limit = read_limit
        self.controller, self.device = os.openpty()
        self.path = os.ttyname(self.device)
        self.url = f"serial://{self.path}?baudrate=115200"
        self.received = _Received()
        super().__init__("fake-serial-printer")

    def _close(self) -> None:
        os.close(self.controller)
        os.close(self.device)

    def wait_for_bytes(self, count: int, timeout_s: float = 5.0) -> bytes:
        """Return what was received once it is at least `count` bytes, or after timeout_s."""
        deadline = time.monotonic() + timeout_s
        while len(data := self.received.snapshot()) < count and time.monotonic() < deadline:
            time.sleep(POLL_S)
        return data

    def _serve(self) -> None:
        answered = False
        length = 0
        while not self._stopping.is_set():
            if self.read_limit is not None and length >= self.read_limit:
                self._stopping.wait(POLL_S)
                continue
            readable, _, _ = select.select([self.controller], [], [], POLL_S)
            if not readable:
                continue
            wanted = 65536 if self.read_limit is None else min(65536, self.read_limit - length)
            length = self.received.add(os.read(self.controller, wanted))
            if self.status_answer and not answered and length >= len(PAPER_STATUS_QUERY):
                if self.received.snapshot().startswith(PAPER_STATUS_QUERY):
                    os.write(self.controller, self.status_answer)
                answered = True
