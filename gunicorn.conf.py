"""Production serving: `gunicorn server:create_app()` reads this file.

`QMS_WORKERS` worker processes (1 by default), gevent so each hall display's websocket costs a
greenlet rather than a thread (bench/ measured both). More than one worker needs
`QMS_MESSAGE_QUEUE=redis://...`: the workers' sockets hear each other's pushes through it, and
what must be shared (print agents present, rate limits, sign-in lockouts) lives there; without
it the server refuses to start. No control socket: a
second instance would silently take it over. A short graceful timeout: open websockets would
otherwise hold a restart for 30 s.
"""

import gc
import os
import resource
import runpy
import sys
from pathlib import Path
from typing import Any

# gevent keeps, for each greenlet, the stack that spawned it (for debugging): three greenlets a
# socket, 2,000 sockets, and the garbage collector walks all those frames. Off unless asked for.
os.environ.setdefault("GEVENT_TRACK_GREENLET_TREE", "false")

bind = f"{os.environ.get('QMS_HOST', '0.0.0.0')}:{os.environ.get('QMS_PORT', '8000')}"


def _message_queue() -> str:
    """QMS_MESSAGE_QUEUE, or MESSAGE_QUEUE in instance/config.py (the app's own layers)."""
    if os.environ.get("QMS_MESSAGE_QUEUE"):
        return os.environ["QMS_MESSAGE_QUEUE"]
    config = Path(__file__).resolve().parent / "instance" / "config.py"
    return str(runpy.run_path(str(config)).get("MESSAGE_QUEUE") or "") if config.exists() else ""


def _workers() -> int:
    text = os.environ.get("QMS_WORKERS", "1").strip() or "1"
    if not text.isdigit() or int(text) < 1:
        sys.exit(
            f"QMS_WORKERS must be a whole number of worker processes, 1 or more (got {text!r})."
        )
    count = int(text)
    if count > 1 and not _message_queue():
        sys.exit(
            f"QMS_WORKERS={count} needs QMS_MESSAGE_QUEUE=redis://HOST:PORT/DB: without a message"
            " queue each worker's screens would hear only that worker's calls. Start redis-server"
            " and set QMS_MESSAGE_QUEUE, or run one worker (QMS_WORKERS=1)."
        )
    return count


workers = _workers()
worker_class = os.environ.get("QMS_WORKER_CLASS", "gevent")
# Sockets and requests one worker holds at once: 2,000 screens and phones (design.md section 8)
# with room left for the clerks' and kiosks' requests (a 2,001st socket would otherwise wait).
worker_connections = 3000


def _raise_open_files(wanted: int) -> None:
    """Each socket is an open file: lift the soft limit (often 1,024) towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


_raise_open_files(worker_connections + 200)  # and the database, logs and Redis
graceful_timeout = 3
timeout = 60
control_socket_disable = True
accesslog = os.environ.get("QMS_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker: Any) -> None:
    """Ready the app as the worker starts, before any request: the schema, the instance secret,
    and at the very first start the admin account, whose password is printed here, once. On a
    full or read-only disk the worker serves 503 `storage` until the database can be written."""
    from server import prepare_or_wait_for_storage

    prepare_or_wait_for_storage(worker.wsgi)
    _collect_garbage_rarely()


def _collect_garbage_rarely() -> None:
    """Keep the garbage collector's pauses out of the calls' way.

    A full collection walks every object the worker holds: with 2,000 sockets, ~300,000 and a
    pause of 60-300 ms during which no call reaches any screen. The app's own objects, loaded
    once and never garbage (~120,000), are frozen out of every collection; the young generation
    is collected every 10,000 allocations rather than 700, so that what a push to every screen
    allocates is mostly freed before a collection sees it, and full collections come about a
    third as often. It costs ~10 MB with 300 sockets (bench/bench_server.py); one full
    collection during a 2,000-socket measurement doubled its p99 (bench/soak_day.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)
