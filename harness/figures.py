"""How the replayed day's figures are taken: the server's memory, read from /proc, and the
percentiles of the delays measured."""

from __future__ import annotations

from pathlib import Path


def worker_rss_mb(master_pid: int) -> float:
    """The largest RSS among gunicorn's master and workers, in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    largest = 0
    for pid in [master_pid, *map(int, children)]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                largest = max(largest, int(line.split()[1]))
    return largest / 1024


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
