"""One worker against two (`QMS_WORKERS=2` with Redis, design.md section 9), on 127.0.0.1:

- tickets issued per second with 8 keep-alive HTTP clients (no printer, limits off);
- "next" pressed -> `called` received by every one of N display sockets, p50/p99, the sockets
  spread by the kernel over the workers, the calls made through one of them.

Each configuration gets a fresh database (and, for two workers, a private redis-server started
and stopped by harness/redis.py). Loops are bounded by --seconds and --calls.

Run: .venv/bin/python bench/bench_workers.py [--displays 300] [--seconds 5] [--calls 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_server import (  # noqa: E402
    BENCH_CENTER,
    PASSWORD,
    call_latency,
    percentile,
    throughput,
    worker_rss_mb,
)
from bench.display_sockets import DisplayFleet  # noqa: E402
from harness.redis import redis_server  # noqa: E402
from harness.server import flask_command, serve  # noqa: E402


def measure(workers: int, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        database = Path(folder) / "bench.db"
        center = Path(folder) / "bench.toml"
        center.write_text(BENCH_CENTER.replace("{printer_port}", "9"))  # k2's printer: unused
        flask_command(database, "load-config", str(center))
        flask_command(database, "create-user", "bench", "--role", "clerk", "--password", PASSWORD)
        environment = {"QMS_WORKERS": str(workers)}
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        if workers > 1:
            environment["QMS_MESSAGE_QUEUE"] = stack.enter_context(redis_server()).url
            label += " + Redis"
        served = stack.enter_context(serve(database, Path(folder) / "gunicorn.log", **environment))
        rate = throughput(served.url, options.seconds)
        print(f"[{label}] tickets issued per second, 8 keep-alive clients: {rate:.0f}", flush=True)
        fleet = DisplayFleet(served.url, options.displays)
        fleet.start()
        try:
            latencies, missed = call_latency(served.url, fleet, options.calls)
        finally:
            fleet.stop()
        print(
            f"[{label}] next -> called on {options.displays} displays: "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms ({options.calls} calls, "
            f"{len(latencies)} deliveries, {missed} missed); "
            f"largest process RSS {worker_rss_mb(served.pid):.0f} MB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--calls", type=int, default=30)
    options = parser.parse_args()
    print(f"gunicorn gevent on {os.cpu_count()} cores, bench clients on the same machine")
    for workers in (1, 2):
        measure(workers, options)


if __name__ == "__main__":
    main()
