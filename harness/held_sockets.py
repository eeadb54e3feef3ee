"""Many sockets held at once after the day, with the day's screens still on, while a clerk calls
tickets one at a time, each timed to every hall display, and the server's processor time per call
taken (what a call costs it on a machine of its own, whatever the clients on these cores cost)."""

from __future__ import annotations

import time

from harness.day_plan import SERVICES, DayPlan, clerk_name
from harness.figures import percentile, workers_cpu_s, workers_rss_mb
from harness.http_client import Client
from harness.server import Served
from harness.sockets import SocketFleet

SETTLE_S = 0.5  # after "finish": QMS_PUSH_DELAY_S (0.15 s), then its board to every screen


def hold_sockets(served: Served, fleet: SocketFleet, plan: DayPlan, total: int, calls: int) -> dict:
    """With the day's screens still on, add hall displays up to `total` sockets; then a clerk
    calls `calls` tickets, one at a time, each timed to every display. Answers the figures."""
    extra = total - plan.displays - plan.counters
    connected = fleet.connect("held", "/display", [""] * extra)
    displays = plan.displays + connected
    with Client(served.url) as kiosk:
        for _ in range(calls):  # counter 1's first service
            kiosk.send("POST", "/api/tickets", {"service": SERVICES[1 % len(SERVICES)]})
    with Client(served.url) as clerk:
        started = workers_cpu_s(served.pid)
        latencies, missed = _timed_calls(clerk, fleet, displays, calls)
        cpu_ms_per_call = (workers_cpu_s(served.pid) - started) * 1000 / calls
        rss = workers_rss_mb(served.pid)
    report = fleet.report()
    return {
        "sockets": displays + plan.counters,
        "refused": extra - connected,
        "call_p50_ms": percentile(latencies, 0.5),
        "call_p99_ms": percentile(latencies, 0.99),
        "call_max_ms": max(latencies, default=float("nan")),
        "deliveries": len(latencies),
        "missed": missed,
        "dropped": report.dropped,
        "drop_reasons": report.drop_reasons,
        "rss_mb": rss,
        "cpu_ms_per_call": cpu_ms_per_call,
    }


def _timed_calls(
    clerk: Client, fleet: SocketFleet, displays: int, calls: int
) -> tuple[list[float], int]:
    """Counter 1 calls `calls` tickets; the delays to every display, and the deliveries missed.

    After each "finish", the board it changed goes out to every screen before the next call, as
    the next visitor walks up to the counter: the call is timed on a settled hall, not behind
    its own counter's previous push (the day's rounds time calls in a busy hall)."""
    clerk.sign_in(clerk_name(1))
    clerk.send("POST", "/api/counters/1/open")
    latencies: list[float] = []
    missed = 0
    for _ in range(calls):
        pressed = time.monotonic()
        status, answer = clerk.send("POST", "/api/counters/1/next")
        assert status == 200, answer
        label = answer["ticket"]["label"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.2)
            arrivals = fleet.arrivals("/display", [label]).get(label, [])
            if len(arrivals) >= displays:
                break
        missed += displays - len(arrivals)
        latencies.extend((arrival - pressed) * 1000 for arrival in arrivals)
        clerk.send("POST", "/api/counters/1/finish", {})
        time.sleep(SETTLE_S)
    return latencies, missed
