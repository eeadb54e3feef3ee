"""Start the real server as a center runs it (gunicorn subprocess on loopback) and stop it by PID.

The listening socket is made here, on 127.0.0.1 port 0, and handed to gunicorn as `fd://N`: the
port is held from the moment it is chosen until the server has stopped, so no other process can
take it in between (finding a free port, closing it and letting gunicorn bind it later is a race).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = int(listener.getsockname()[1])
        env = {
            **os.environ,
            "QMS_DATABASE": str(database),
            "QMS_TICKET_RATE_LIMIT": "off",
            **environment,
        }
        command = [sys.executable, "-m", "gunicorn", "-c", config]
        with log.open("w") as output:
            process = subprocess.Popen(
                [*command, "--bind", f"fd://{listener.fileno()}", "server:create_app()"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        served = Served(f"http://127.0.0.1:{port}", process.pid)
        try:
            _wait_healthy(served.url, process, log)
            yield served
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT_S} s: {log.read_text()[-2000:]}")
