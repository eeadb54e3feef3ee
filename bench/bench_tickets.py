"""The ticket path (POST /api/tickets) with 0 and with 2,000 tickets already waiting:

- in core, per call: issuing a ticket, the board snapshot and the kiosk's services that follow
  it (the pushes a ticket triggers), p50/p99;
- over HTTP against gunicorn as a center runs it (gevent, one worker), each setting on a fresh
  database: tickets per second with 8 keep-alive clients, and the issue latency p50/p99 at a
  paced 50 tickets/s printing to a `dummy:` printer;
- with --profile, where a request's time goes: cProfile in the worker during the 8-client run
  (bench/profiled_gunicorn.py), the functions that take the most time printed.

A tenth of the waiting tickets are priority (bench_server.fill_queue). Loops are bounded by
--seconds and --calls.

Run: .venv/bin/python bench/bench_tickets.py [--waiting 0 2000] [--seconds 5] [--profile]
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_server import (  # noqa: E402
    BENCH_CENTER,
    fill_queue,
    paced_latency,
    percentile,
    throughput,
)
from core.board import board, services_overview  # noqa: E402
from core.tickets import issue_ticket  # noqa: E402
from db import connect  # noqa: E402
from harness.server import flask_command, serve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROFILED = ROOT / "bench" / "profiled_gunicorn.py"


def new_center(folder: Path, waiting: int) -> Path:
    """The bench center in a fresh database, services A and B holding `waiting` tickets each."""
    database = folder / "bench.db"
    center = folder / "bench.toml"
    center.write_text(BENCH_CENTER.replace("{printer_port}", "9"))  # k2's printer: unused
    flask_command(database, "load-config", str(center))
    for service in ("A", "B"):
        fill_queue(database, service, waiting)
    return database


def timed(action: Callable[[], Any], calls: int) -> tuple[float, float]:
    """p50 and p99 of an action, in milliseconds."""
    durations = []
    for _ in range(calls):
        began = time.perf_counter()
        action()
        durations.append((time.perf_counter() - began) * 1000)
    return statistics.median(durations), percentile(durations, 0.99)


def measure_core(waiting: int, calls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = connect(new_center(Path(folder), waiting))
        figures = {
            "issue_ticket": timed(
                lambda: issue_ticket(db, "A", now=datetime.now(UTC), kiosk="k1"), calls
            ),
            "board snapshot": timed(lambda: board(db, now=datetime.now(UTC)), calls),
            "kiosk services": timed(lambda: services_overview(db, now=datetime.now(UTC)), calls),
        }
        for name, (p50, p99) in figures.items():
            print(
                f"[{waiting} waiting] core {name:15} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms"
                f"  ({calls} calls)",
                flush=True,
            )
        db.conn.close()


def issue_rate(url: str, waiting: int, options: argparse.Namespace) -> str:
    rate = throughput(url, options.seconds)
    return f"[{waiting} waiting] tickets issued per second, 8 keep-alive clients: {rate:.0f}"


def issue_paced(url: str, waiting: int, options: argparse.Namespace) -> str:
    paced = paced_latency(url, 50, int(50 * options.seconds), options.kiosk_token)
    return (
        f"[{waiting} waiting] issue + print to dummy at 50/s: "
        f"p50 {percentile(paced, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(paced, 0.99) * 1000:.1f} ms ({len(paced)} tickets)"
    )


def measure_http(waiting: int, options: argparse.Namespace) -> None:
    """Each run on a server of its own (so a profile holds that run alone), one database."""
    with tempfile.TemporaryDirectory() as folder:
        database = new_center(Path(folder), waiting)
        # the paced tickets print on kiosk k1's paper: only the kiosk paired as k1 may
        options.kiosk_token = flask_command(database, "pair-device", "kiosk", "k1").strip()
        for run in (issue_rate, issue_paced):
            profile = Path(folder) / f"{run.__name__}.prof"
            environment: dict[str, str] = {}
            if options.profile:
                environment = {"config": str(PROFILED), "QMS_PROFILE_OUT": str(profile)}
            with serve(database, Path(folder) / "gunicorn.log", **environment) as served:
                line = run(served.url, waiting, options)
            print(line + (" (under cProfile)" if options.profile else ""), flush=True)
            if options.profile:
                print_profile(profile, f"{waiting} waiting, {run.__name__}")


def print_profile(profile: Path, label: str) -> None:
    """Where the worker's time went: the top functions by own time, then the project's own
    functions with their callees."""
    for order, restriction, lines in (("tottime", "", 20), ("cumulative", str(ROOT), 25)):
        text = io.StringIO()
        stats = pstats.Stats(str(profile), stream=text)
        stats.sort_stats(order).print_stats(restriction, lines)
        table = text.getvalue().split("ncalls", 1)[-1].replace(str(ROOT) + "/", "")
        print(f"[{label}] profile by {order}:\n   ncalls{table.rstrip()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, nargs="+", default=[0, 2000])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-core", action="store_true", help="only the HTTP figures")
    parser.add_argument("--no-http", action="store_true", help="only the core figures")
    options = parser.parse_args()
    print(f"gunicorn gevent, 1 worker, on {os.cpu_count()} cores shared with the bench clients")
    for waiting in options.waiting:
        if not options.no_core:
            measure_core(waiting, options.calls)
        if not options.no_http:
            measure_http(waiting, options)


if __name__ == "__main__":
    main()
