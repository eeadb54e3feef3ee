"""A whole busy day against gunicorn as a center runs it, compressed into minutes (issue 12):
1,500 visitors at 4 kiosks (walk-ins, priority, bookings checked in), 40 counters calling and
finishing them, ratings, 260 hall displays and 40 counter screens connected all day, 1,000
phones following their tickets; then 2,000 sockets held at once while a clerk calls.

Prints, per round: the call -> display p50/p99, the server's RSS and sockets dropped; at the
end, whether every ticket is accounted for. The day runs in rounds (harness/day.py): the first
warms the server up, the others must leave its memory flat. Exits 1 when a check failed.

Run: .venv/bin/python bench/soak_day.py [--visitors 1500] [--rounds 5] [--seconds 150]
     [--hold 2000] [--calls 20]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.accounting import account_for_every_ticket  # noqa: E402
from harness.day import Day  # noqa: E402
from harness.day_plan import DayPlan, prepare  # noqa: E402
from harness.figures import percentile  # noqa: E402
from harness.held_sockets import hold_sockets  # noqa: E402
from harness.redis import redis_server  # noqa: E402
from harness.server import serve  # noqa: E402
from harness.sockets import SocketFleet  # noqa: E402


def raise_open_files(wanted: int) -> None:
    """The bench holds as many sockets as the server: lift its own soft limit if it is low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def main() -> None:
    defaults = DayPlan()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=defaults.visitors)
    parser.add_argument("--counters", type=int, default=defaults.counters)
    parser.add_argument("--displays", type=int, default=defaults.displays)
    parser.add_argument("--phones", type=int, default=defaults.phones)
    parser.add_argument("--bookings", type=int, default=defaults.bookings)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--hold", type=int, default=2000, help="sockets held at the end (0: no)")
    parser.add_argument("--calls", type=int, default=20, help="calls timed with them")
    parser.add_argument("--processes", type=int, default=4, help="processes for the sockets")
    parser.add_argument(
        "--workers", type=int, default=1, help="gunicorn workers (more than 1: over Redis)"
    )
    options = parser.parse_args()
    plan = DayPlan(
        visitors=options.visitors,
        counters=options.counters,
        displays=options.displays,
        phones=options.phones,
        bookings=options.bookings,
        rounds=options.rounds,
        seconds=options.seconds,
    )
    raise_open_files(options.hold + 1000)
    print(
        f"a day of {plan.visitors} visitors ({plan.bookings} booked, {plan.phones} following on"
        f" their phone) at {plan.kiosks} kiosks, {plan.counters} counters,"
        f" {plan.displays} hall displays + {plan.counters} counter screens, in {plan.rounds}"
        f" rounds over {plan.seconds:.0f} s; gunicorn gevent, {options.workers} worker(s),"
        f" on {os.cpu_count()} cores"
        " shared with the clients",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        database = Path(folder) / "day.db"
        prepare(database, plan)
        environment = {"QMS_WORKERS": str(options.workers)}
        if options.workers > 1:
            environment["QMS_MESSAGE_QUEUE"] = stack.enter_context(redis_server()).url
        with (
            serve(database, Path(folder) / "gunicorn.log", **environment) as served,
            SocketFleet(served.url, options.processes) as fleet,
        ):
            day = Day(served, plan, fleet)
            result = day.run(on_round=print_round)
            problems = result.problems + account_for_every_ticket(database, day)
            report = fleet.report()
            if report.dropped:
                problems.append(f"{report.dropped} sockets dropped: {report.drop_reasons}")
            rss = [figures["rss_mb"] for figures in result.rounds]
            print(
                f"the day: {result.issued} tickets issued, {result.served} served,"
                f" {result.ratings} ratings, {result.bookings} bookings checked in;"
                f" call -> display p50 {percentile(result.latencies_ms, 0.5):.1f} ms,"
                f" p99 {percentile(result.latencies_ms, 0.99):.1f} ms"
                f" ({len(result.latencies_ms)} deliveries); {report.dropped} sockets dropped;"
                f" {result.phones_heard[0]} of {result.phones_heard[1]} phones following"
                " before their call heard it;"
                f" RSS after the warm-up round {rss[0]:.1f} MB, after the last"
                f" {rss[-1]:.1f} MB ({rss[-1] - rss[0]:+.1f} MB)",
                flush=True,
            )
            print(
                "every ticket accounted for"
                if not problems
                else "PROBLEMS:\n  " + "\n  ".join(problems[:30]),
                flush=True,
            )
            if options.hold:
                held = hold_sockets(served, fleet, plan, options.hold, options.calls)
                print(
                    f"{held['sockets']} sockets held ({held['refused']} refused):"
                    f" next -> called p50 {held['call_p50_ms']:.1f} ms,"
                    f" p99 {held['call_p99_ms']:.1f} ms, max {held['call_max_ms']:.1f} ms"
                    f" ({options.calls} calls, {held['deliveries']} deliveries,"
                    f" {held['missed']} missed); {held['dropped']} sockets dropped;"
                    f" server RSS {held['rss_mb']:.0f} MB; server processor time"
                    f" {held['cpu_ms_per_call']:.0f} ms a call (its call and two boards to every"
                    " socket)",
                    flush=True,
                )
                if held["missed"] or held["refused"] or held["dropped"]:
                    problems.append(f"2,000 sockets: {held}")
    sys.exit(1 if problems else 0)


def print_round(figures: dict) -> None:
    print(
        f"round {figures['round']}: {figures['served']}/{figures['visitors']} visitors served"
        f" in {figures['seconds']:.1f} s; call -> display p50 {figures['call_p50_ms']:.1f} ms,"
        f" p99 {figures['call_p99_ms']:.1f} ms ({figures['deliveries']} deliveries);"
        f" server RSS {figures['rss_mb']:.1f} MB; {figures['sockets_dropped']} sockets dropped",
        flush=True,
    )


if __name__ == "__main__":
    main()
