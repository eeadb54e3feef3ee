"""A busy day of a center replayed against the real server, compressed into minutes, for the soak
benchmark (bench/soak_day.py) and its bounded test (tests/test_soak.py).

Visitors arrive at the kiosks (walk-ins, priority ones, bookings checked in with their code),
clerks at their counters call, serve and finish them, visitors rate the service and follow their
ticket on their phone; hall displays and counter screens stay connected all day. The day runs in
rounds: after each the queue is empty again, the visitors' phones are gone, and the server's
memory is read, so the rounds after the first (the warm-up) must leave it flat.

Everything is bounded: the visitors and rounds are counted, every wait has a deadline, and all
traffic goes to 127.0.0.1. The plan is drawn from a seeded random generator: the same day each run.

The day's plan (its size, center and visitors) is in harness.day_plan, the requests go through
harness.http_client, the figures are taken by harness.figures; harness.accounting checks the
books after the day and harness.held_sockets times calls with many sockets held.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from harness.day_plan import (
    BOOKED_SERVICE,
    SERVICES,
    ZONE,
    DayPlan,
    Visitor,
    clerk_name,
    visitors_of,
)
from harness.figures import percentile, workers_rss_mb
from harness.http_client import Client
from harness.server import Served
from harness.sockets import FleetReport, SocketFleet

IDLE_LOOK_S = 0.5


@dataclass
class DayResult:
    """What the day measured; `problems` lists every check that failed (empty: all held)."""

    issued: int = 0
    served: int = 0
    ratings: int = 0
    bookings: int = 0
    rounds: list[dict[str, Any]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    fleet: FleetReport = field(default_factory=FleetReport)
    problems: list[str] = field(default_factory=list)
    phones_heard: tuple[int, int] = (0, 0)  # of the phones following before their call


class Day:
    """One replay: the fleet of sockets, the kiosks' and clerks' threads, what they saw."""

    def __init__(self, served: Served, plan: DayPlan, fleet: SocketFleet) -> None:
        self.served, self.plan, self.fleet = served, plan, fleet
        self.visitors = visitors_of(plan)
        self.by_label: dict[str, Visitor] = {}
        self.pressed: dict[str, float] = {}
        self.done: set[str] = set()
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.result = DayResult()
        self.deadline = time.monotonic() + plan.seconds * 3 + 120

    # --- the kiosks ---------------------------------------------------------------------------

    def book(self, visitors: list[Visitor]) -> None:
        """Book today's earliest free slot of the booked service for each booked visitor."""
        with Client(self.served.url) as client:
            self._book(client, visitors)

    def _book(self, client: Client, visitors: list[Visitor]) -> None:
        today = datetime.now(ZoneInfo(ZONE)).date().isoformat()
        status, slots = client.send(
            "GET", f"/api/appointments/slots?service={BOOKED_SERVICE}&date={today}"
        )
        free = [slot for slot in slots or [] if slot["free"] > 0] if status == 200 else []
        for visitor in visitors:
            if not free:
                self.result.problems.append(f"no slot left to book for visitor {visitor.index}")
                visitor.booked, visitor.service = False, SERVICES[0]
                continue
            status, answer = client.send(
                "POST",
                "/api/appointments",
                {
                    "service": BOOKED_SERVICE,
                    "date": today,
                    "start": free[0]["start"],
                    "name": f"Khách {visitor.index}",
                    "phone": f"09{visitor.index:08d}",
                },
            )
            if status != 201:
                self.result.problems.append(f"booking refused: {status} {answer}")
                visitor.booked, visitor.service = False, SERVICES[0]
                continue
            visitor.booking = answer["code"]
            self.result.bookings += 1

    def kiosk(self, number: int, visitors: list[Visitor], start: float, spacing: float) -> None:
        with Client(self.served.url) as client:
            self._kiosk(client, number, visitors, start, spacing)

    def _kiosk(
        self, client: Client, number: int, visitors: list[Visitor], start: float, spacing: float
    ) -> None:
        for position, visitor in enumerate(visitors):
            if position % self.plan.kiosks != number - 1:
                continue
            pause = start + position * spacing - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if time.monotonic() > self.deadline:
                return
            if visitor.booking is not None:
                path, body = (
                    f"/api/appointments/{visitor.booking}/check-in",
                    {"kiosk": f"k{number}"},
                )
            else:
                path = "/api/tickets"
                body = {"service": visitor.service, "kiosk": f"k{number}"}
                if visitor.priority:
                    body["priority"] = visitor.priority
            status, answer = client.send("POST", path, body)
            if status != 201:
                self.result.problems.append(f"kiosk refused visitor {visitor.index}: {answer}")
                continue
            visitor.ticket, visitor.label = answer["id"], answer["label"]
            visitor.token = answer["track_url"].rsplit("/", 1)[-1]
            with self.lock:
                self.by_label[answer["label"]] = visitor
                self.result.issued += 1
            if visitor.follows:
                token = answer["track_url"].rsplit("/", 1)[-1]
                connected = self.fleet.connect(
                    f"phone:{visitor.label}", "/track", [f"&token={token}"], spread=False
                )
                if connected != 1:
                    self.result.problems.append(f"phone of {visitor.label} refused")

    # --- the clerks ---------------------------------------------------------------------------

    def clerk(self, client: Client, number: int, chance: random.Random) -> None:
        with client:
            self._clerk(client, number, chance)

    def _clerk(self, client: Client, number: int, chance: random.Random) -> None:
        client.send("POST", f"/api/counters/{number}/open")
        while not self.closing.is_set() and time.monotonic() < self.deadline:
            pressed = time.monotonic()
            status, answer = client.send("POST", f"/api/counters/{number}/next")
            if status == 204:  # nobody waits: the clerk looks at the screen again a moment later
                time.sleep(IDLE_LOOK_S)
                continue
            if status != 200:
                self.result.problems.append(f"counter {number} next: {status} {answer}")
                time.sleep(0.2)
                continue
            label = answer["ticket"]["label"]
            with self.lock:
                self.pressed[label] = pressed
            client.send("POST", f"/api/counters/{number}/start")
            time.sleep(chance.uniform(*self.plan.service_s))
            status, answer = client.send("POST", f"/api/counters/{number}/finish", {})
            if status != 200:
                self.result.problems.append(f"counter {number} finish: {status} {answer}")
                continue
            with self.lock:
                visitor = self.by_label.get(label)
                self.done.add(label)
                self.result.served += 1
            if visitor is not None and visitor.rates:  # from the phone, by its track link
                score = 1 + visitor.index % 3  # the three levels of a Vietnamese center
                status, answer = client.send(
                    "POST", "/api/ratings", {"token": visitor.token, "score": score}
                )
                if status == 201:
                    with self.lock:
                        self.result.ratings += 1
                else:
                    self.result.problems.append(f"rating of {label} refused: {answer}")
        client.send("POST", f"/api/counters/{number}/close")

    # --- the day ------------------------------------------------------------------------------

    def run(self, on_round: Callable[[dict[str, Any]], None] = lambda _: None) -> DayResult:
        """Screens on, clerks at their counters, then the rounds of visitors; checks at the end."""
        plan = self.plan
        if self.fleet.connect("hall", "/display", [""] * plan.displays) != plan.displays:
            self.result.problems.append("not every hall display connected")
        clerks = []
        for number in range(1, plan.counters + 1):
            # The counter terminal: one sign-in (a password hash: half a second of the server's
            # time, so one after the other), its screen's socket and its requests in one session.
            terminal = Client(self.served.url)
            terminal.sign_in(clerk_name(number))
            cookie = {"Cookie": terminal.headers["Cookie"]}
            if self.fleet.connect(f"screen:{number}", "/counter", [""], cookie, False) != 1:
                self.result.problems.append(f"counter {number}'s screen refused")
            chance = random.Random(plan.seed + number)
            clerks.append(threading.Thread(target=self.clerk, args=(terminal, number, chance)))
        for thread in clerks:
            thread.start()
        per_round = -(-plan.visitors // plan.rounds)
        try:
            for round_index in range(plan.rounds):
                visitors = self.visitors[round_index * per_round : (round_index + 1) * per_round]
                on_round(self.play_round(round_index, visitors))
        finally:
            self.closing.set()
            for thread in clerks:
                thread.join(timeout=60)
        self.result.fleet = self.fleet.report()
        return self.result

    def play_round(self, index: int, visitors: list[Visitor]) -> dict[str, Any]:
        began = time.monotonic()
        self.book([visitor for visitor in visitors if visitor.booked])
        spacing = self.plan.seconds / self.plan.visitors
        kiosks = [
            threading.Thread(target=self.kiosk, args=(n, visitors, time.monotonic(), spacing))
            for n in range(1, self.plan.kiosks + 1)
        ]
        for thread in kiosks:
            thread.start()
        for thread in kiosks:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic()))
        labels = {visitor.label for visitor in visitors if visitor.label}
        while time.monotonic() < self.deadline:  # the queue empties: every visitor served
            with self.lock:
                if labels <= self.done:
                    break
            time.sleep(0.1)
        self.wait_for_the_hall(labels)
        # The round's visitors leave with their phones (not before: a call may still be on its
        # way to a phone when the clerk finishes, on a busy server).
        self.fleet.disconnect(*(f"phone:{v.label}" for v in visitors if v.follows and v.label))
        report = self.fleet.report()
        latencies = self.call_latencies(self.fleet.arrivals("/display", sorted(labels)), labels)
        self.result.latencies_ms.extend(latencies)
        figures = {
            "round": index + 1,
            "visitors": len(visitors),
            "served": len(labels & self.done),
            "seconds": time.monotonic() - began,
            "call_p50_ms": percentile(latencies, 0.5),
            "call_p99_ms": percentile(latencies, 0.99),
            "deliveries": len(latencies),
            "rss_mb": workers_rss_mb(self.served.pid),
            "sockets_dropped": report.dropped,
        }
        self.result.rounds.append(figures)
        return figures

    def wait_for_the_hall(self, labels: set[str], timeout_s: float = 15.0) -> None:
        """Until every hall display has every call of these tickets (a busy server's pushes may
        trail the clerks' requests), or the timeout: a call missing then is a missed call."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            time.sleep(0.25)
            heard = self.fleet.arrivals("/display", sorted(labels))
            if all(len(heard.get(label, [])) >= self.plan.displays for label in labels):
                return

    def call_latencies(self, hall: dict[str, list[float]], labels: set[str]) -> list[float]:
        """Milliseconds from "next" pressed to each hall display's `called`, for these tickets;
        a display that missed a call is a problem."""
        latencies: list[float] = []
        for label in sorted(labels):
            pressed = self.pressed.get(label)
            arrivals = hall.get(label, [])
            if pressed is None:
                continue
            if len(arrivals) != self.plan.displays:
                self.result.problems.append(
                    f"{label} reached {len(arrivals)} of {self.plan.displays} displays"
                )
            latencies.extend((arrival - pressed) * 1000 for arrival in arrivals)
        return latencies
