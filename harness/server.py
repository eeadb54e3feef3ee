"""Start the real server as a center runs it (gunicorn subprocess on loopback) and stop it by PID.

The listening socket is made here, on 127.0.0.1 port 0, and handed to gunicorn as `fd://N`: the
port is held from the moment it is chosen until the server has stopped, so no other process can
take it in between (finding a free port, closing it and letting gunicorn bind it later is a race).

`restartable` keeps that socket across a server's deaths: the fault tests kill the server with
SIGKILL (master and workers at once, as a power cut or the OOM killer would) and start it again on
the same port and database, while the clients' connections wait in the socket's queue.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30


@dataclass(frozen=True)
class Served:
    """A running gunicorn: its base URL, and its master's PID (benchmarks read its memory)."""

    url: str
    pid: int


def flask_command(database: Path, *arguments: str) -> str:
    """Run a `flask --app server ...` command against a database; return its output."""
    environment = {**os.environ, "QMS_DATABASE": str(database)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "server", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed: {result.stderr}")
    return result.stdout


@contextmanager
def gunicorn(database: Path, log: Path, **environment: str) -> Iterator[str]:
    """Serve the app from gunicorn on 127.0.0.1; yield its base URL; stop it by PID."""
    with serve(database, log, **environment) as served:
        yield served.url


@contextmanager
def serve(
    database: Path, log: Path, *, config: str = "gunicorn.conf.py", **environment: str
) -> Iterator[Served]:
    """Serve the app from gunicorn on a loopback port held for the whole block; yield it.

    `config` is the gunicorn configuration file (the center's own by default; the profiling
    benchmark wraps it)."""
    with serve_answering(database, log, 200, environment, config) as served:
        yield served


@contextmanager
def serve_answering(
    database: Path,
    log: Path,
    health: int,
    environment: dict[str, str],
    config: str = "gunicorn.conf.py",
) -> Iterator[Served]:
    """`serve`, yielding once /healthz answers `health` (503: a server started on a broken
    disk, which answers `storage` until the disk is fixed)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = int(listener.getsockname()[1])
        process = _start(listener, database, log, environment, config=config)
        served = Served(f"http://127.0.0.1:{port}", process.pid)
        try:
            _wait_healthy(served.url, process, log, health)
            yield served
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _start(
    listener: socket.socket,
    database: Path,
    log: Path,
    environment: dict[str, str],
    session: bool = False,
    config: str = "gunicorn.conf.py",
) -> subprocess.Popen[bytes]:
    """Start gunicorn on the held socket. `session`: in a process group of its own, which a
    test kills whole, logging after the runs before it."""
    env = {
        **os.environ,
        "QMS_DATABASE": str(database),
        "QMS_TICKET_RATE_LIMIT": "off",
        **environment,
    }
    command = [sys.executable, "-m", "gunicorn", "-c", config]
    with log.open("a" if session else "w") as output:
        return subprocess.Popen(
            [*command, "--bind", f"fd://{listener.fileno()}", "server:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
            start_new_session=session,
        )


@dataclass
class Restartable:
    """A server that can be killed at any moment and started again on its port and database."""

    database: Path
    log: Path
    environment: dict[str, str]
    listener: socket.socket = field(init=False)
    process: subprocess.Popen[bytes] | None = field(init=False, default=None)
    url: str = field(init=False, default="")
    starts: int = field(init=False, default=0)

    def __enter__(self) -> Self:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill()
        finally:
            self.listener.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        """Start the server and wait until it answers."""
        self.process = _start(self.listener, self.database, self.log, self.environment, True)
        self.starts += 1
        _wait_healthy(self.url, self.process, self.log)

    def kill(self) -> None:
        """SIGKILL the master and its workers at once; nothing of theirs runs after this."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def restartable(database: Path, log: Path, **environment: str) -> Iterator[Restartable]:
    """Serve the app from gunicorn on a loopback port that outlives each server started on it."""
    with Restartable(database, log, environment) as server:
        yield server


def _wait_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, health: int = 200
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == health:
                    return
        except urllib.error.HTTPError as error:
            if error.code == health:
                return
            time.sleep(0.1)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT_S} s: {log.read_text()[-2000:]}")
