"""Start a private redis-server on loopback for a test or a benchmark, and stop it by its PID.

Several server workers share one center through it (`QMS_MESSAGE_QUEUE`). Unlike gunicorn, redis
cannot be handed a socket already bound, and `--port 0` means "no TCP at all" to it: so a free
port is found by binding port 0 and closing it, then given to redis-server, and the start is
tried again on another port in the rare case another process took it in between. Nothing is
written to disk (`--save "" --appendonly no`, its directory a temporary one).

`restart()` stops it by its PID and starts it again on the same port, as an operator or a crash
would, for the tests that a center's workers come through it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 10
ATTEMPTS = 3


@dataclass
class RunningRedis:
    """The redis-server of a block: its URL, and the process now serving its port."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    command: list[str]

    @property
    def pid(self) -> int:
        return self.process.pid

    def restart(self, down_s: float = 0.5) -> None:
        """Stop redis-server by its PID, leave the port unserved for `down_s`, start it again."""
        _stop(self.process)
        time.sleep(down_s)
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        if not _answers(self.port, self.process):
            raise RuntimeError(f"redis-server did not start again on port {self.port}")


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


@contextmanager
def redis_server() -> Iterator[RunningRedis]:
    """A redis-server on 127.0.0.1 for the block; its `redis://` URL for QMS_MESSAGE_QUEUE."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed (scripts/setup installs it)")
    with tempfile.TemporaryDirectory(prefix="qms-redis-") as folder:
        for attempt in range(ATTEMPTS):
            port = _free_port()
            log = Path(folder) / "redis.log"
            command = [
                *(executable, "--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", folder),
                *("--logfile", str(log)),
            ]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            running = RunningRedis(f"redis://127.0.0.1:{port}/0", port, process, command)
            try:
                if _answers(port, process):
                    yield running
                    return
                if attempt == ATTEMPTS - 1:
                    text = log.read_text() if log.exists() else ""
                    raise RuntimeError(f"redis-server did not start: {text[-1000:]}")
            finally:
                _stop(running.process)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int, process: subprocess.Popen[bytes]) -> bool:
    """Wait for PONG; False when the process exited (the port was taken meanwhile)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
