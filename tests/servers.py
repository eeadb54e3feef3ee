"""Start the real server as a center runs it (gunicorn subprocess on a free loopback port) and
stop it by PID. Used by the browser tests and the benchmarks."""

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30
last_pid = 0  # the latest gunicorn master's PID, for benchmarks that read its memory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    port = free_port()
    env = {
        **os.environ,
        "QMS_DATABASE": str(database),
        "QMS_HOST": "127.0.0.1",
        "QMS_PORT": str(port),
        "QMS_TICKET_RATE_LIMIT": "off",
        **environment,
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "server:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    global last_pid
    last_pid = process.pid
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base
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
