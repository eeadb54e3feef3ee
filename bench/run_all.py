"""Every benchmark, one after another, on this machine: what the README's benchmark block is.

Prints the machine first (processor, cores, memory, system, Python), then each benchmark's
command, the load average just before it, and its own output, unchanged. Run it on a machine
doing nothing else: the benchmarks' clients share the server's cores, and any other work moves
the figures.

Run: .venv/bin/python bench/run_all.py [--only soak_day bench_server ...] > figures.txt
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In the README's order; each with the arguments the README quotes.
BENCHMARKS: list[tuple[str, list[str], str]] = [
    ("bench_server", [], "gunicorn as a center runs it, on 127.0.0.1"),
    ("bench_tickets", [], "a ticket's cost, empty queue and 2,000 waiting"),
    ("soak_day", [], "a whole busy day, then 2,000 sockets"),
    (
        "soak_day",
        "--visitors 40 --phones 10 --bookings 0 --rounds 1 --seconds 10 --workers 2".split(),
        "a short day, then 2,000 sockets over 2 workers + Redis",
    ),
    ("bench_workers", [], "1 worker, then 2 workers + Redis"),
    ("bench_recovery", [], "SIGKILL under traffic, started again"),
    ("bench_counter_screen", ["--counters", "1", "--calls", "30"], "one clerk calling"),
    ("bench_counter_screen", [], "12 clerks calling at once, each counter's 2 screens"),
    ("bench_abuse", [], "slow-loris and body floods while a clerk calls"),
    ("bench_print", [], "the ticket image and its ESC/POS bytes"),
    ("bench_speech", [], "a call's audio from the clip bank"),
    ("bench_appointments", [], "booking ahead: check-in, a month of slots"),
    ("bench_reports", [], "a year of one center: 150,000 tickets"),
    ("bench_replay", [], "what-if: replay a day, a month"),
    ("bench_advice", [], "the rebalancing advice over 40 counters"),
]


def machine() -> str:
    """One line naming the machine the figures come from."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown processor",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    system = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    return (
        f"{model}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB; {system};"
        f" Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="these benchmarks only (names without .py)")
    options = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    print(f"taken: {time.strftime('%Y-%m-%d %H:%M %Z')}", flush=True)
    failed = []
    for name, arguments, what in BENCHMARKS:
        if options.only and name not in options.only:
            continue
        shown = " ".join([f".venv/bin/python bench/{name}.py", *arguments])
        load = os.getloadavg()[0]
        print(f"\n$ {shown}   # {what} (load average {load:.1f})", flush=True)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / f"{name}.py"), *arguments],
            cwd=ROOT,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=1800,
        )
        print(f"[{time.monotonic() - started:.0f} s, exit {done.returncode}]", flush=True)
        if done.returncode:
            failed.append(shown)
    if failed:
        print("\nFAILED: " + "; ".join(failed), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
