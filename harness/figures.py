"""How the replayed day's figures are taken: the server's memory and processor time, read from
/proc, and the percentiles of the delays measured."""

from __future__ import annotations

import os
from pathlib import Path


def _workers(master_pid: int) -> list[int]:
    return [
        int(pid)
        for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ]


def workers_rss_mb(master_pid: int) -> float:
    """The RSS of gunicorn's workers together, in MB (the master only forks and watches them)."""
    total = 0
    for pid in _workers(master_pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def workers_cpu_s(master_pid: int) -> float:
    """The processor time gunicorn's workers have used so far, user and system, in seconds."""
    ticks = 0
    for pid in _workers(master_pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
