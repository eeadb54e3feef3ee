"""A busy day of a center replayed against the real server, compressed into minutes, for the soak
benchmark (bench/soak_day.py) and its bounded test (tests/test_soak.py).

Visitors arrive at the kiosks (walk-ins, priority ones, bookings checked in with their code),
clerks at their counters call, serve and finish them, visitors rate the service and follow their
ticket on their phone; hall displays and counter screens stay connected all day. The day runs in
rounds: after each the queue is empty again, the visitors' phones are gone, and the server's
memory is read, so the rounds after the first (the warm-up) must leave it flat.

Everything is bounded: the visitors and rounds are counted, every wait has a deadline, and all
traffic goes to 127.0.0.1. The plan is drawn from a seeded random generator: the same day each run.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.users import hash_password
from db import connect
from harness.server import Served, flask_command
from harness.sockets import FleetReport, SocketFleet

PASSWORD = "day-password-1"
SERVICES = ["A", "B", "C", "D", "E", "F", "G", "H"]
BOOKED_SERVICE = "H"
ZONE = "Asia/Ho_Chi_Minh"
PRIORITY = "elderly"
IDLE_LOOK_S = 0.5


@dataclass(frozen=True)
class DayPlan:
    """How big the day is. The defaults are issue 12's busy day; the test uses a small one."""

    visitors: int = 1500
    counters: int = 40
    displays: int = 260  # hall sockets; with the counter screens, 300 sockets all day
    phones: int = 1000  # visitors who follow their ticket on their phone
    bookings: int = 60
    rounds: int = 5  # the first warms the server up
    seconds: float = 150.0  # the day's arrivals, all rounds together
    kiosks: int = 4
    rating_share: float = 0.6
    priority_share: float = 0.1
    service_s: tuple[float, float] = (0.02, 0.25)  # time at the counter, compressed
    seed: int = 2026


@dataclass
class Visitor:
    index: int
    service: str
    priority: str | None
    follows: bool
    rates: bool
    booked: bool
    booking: str | None = None
    ticket: int | None = None
    label: str | None = None
    token: str | None = None  # the ticket's track link: the visitor's phone rates by it


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


def center_file(counters: int, kiosks: int) -> str:
    """The day's center: 8 services in 3 departments, each counter serving three of them."""
    lines = ['[center]\nname = "Trung tâm một ngày"\ntimezone = "Asia/Ho_Chi_Minh"']
    lines.append("[appointments]\nearly_min = 30\ngrace_min = 60")
    for code, name in (("TP", "Tư pháp"), ("KH", "Kế hoạch"), ("TC", "Tài chính")):
        lines.append(f'[[departments]]\ncode = "{code}"\nname = "{name}"')
    for index, code in enumerate(SERVICES):
        department = ("TP", "KH", "TC")[index % 3]
        service = f'[[services]]\ncode = "{code}"\nname = "Dịch vụ {code}"\n'
        service += f'department = "{department}"'
        if code == BOOKED_SERVICE:
            service += '\nhours = ["00:00-24:00"]\nappointments = {slot_min = 5, per_slot = 100}'
        lines.append(service)
    for number in range(1, counters + 1):
        served = [SERVICES[(number + offset) % len(SERVICES)] for offset in range(3)]
        lines.append(f"[[counters]]\nnumber = {number}\nservices = {json.dumps(served)}")
    for kiosk in range(1, kiosks + 1):
        lines.append(f'[[kiosks]]\nid = "k{kiosk}"\nprinter = "dummy:"')
    return "\n\n".join(lines) + "\n"


def prepare(database: Path, plan: DayPlan) -> None:
    """Load the center and make the clerks' accounts (one password hash for all: each takes
    half a second to compute)."""
    center = database.with_suffix(".toml")
    center.write_text(center_file(plan.counters, plan.kiosks))
    flask_command(database, "load-config", str(center))
    db = connect(database)
    password_hash = hash_password(PASSWORD)
    db.table("users").insert_all(
        {
            "username": clerk_name(number),
            "password_hash": password_hash,
            "role": "clerk",
            "created_at": datetime.now(UTC).isoformat(),
        }
        for number in range(1, plan.counters + 1)
    )
    db.conn.close()


def clerk_name(number: int) -> str:
    return f"clerk{number:02d}"


def visitors_of(plan: DayPlan) -> list[Visitor]:
    chance = random.Random(plan.seed)
    booked = set(chance.sample(range(plan.visitors), plan.bookings))
    following = set(chance.sample(range(plan.visitors), plan.phones))
    return [
        Visitor(
            index=index,
            service=BOOKED_SERVICE if index in booked else chance.choice(SERVICES),
            priority=PRIORITY if chance.random() < plan.priority_share else None,
            follows=index in following,
            rates=chance.random() < plan.rating_share,
            booked=index in booked,
        )
        for index in range(plan.visitors)
    ]


class Client:
    """A keep-alive HTTP client with the session cookie and CSRF header once signed in."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Content-Type": "application/json"}

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One request; on a keep-alive connection the server closed while idle (gunicorn keeps
        one 2 s), open a new one and send again, as a browser does."""
        payload = json.dumps(body) if body is not None else None
        try:
            self.connection.request(method, path, payload, self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()
            self.connection.request(method, path, payload, self.headers)
            response = self.connection.getresponse()
        text = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.headers["Cookie"] = cookie.split(";")[0]
        return response.status, json.loads(text) if text else None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.connection.close()

    def sign_in(self, username: str) -> None:
        status, answer = self.send(
            "POST", "/api/session", {"username": username, "password": PASSWORD}
        )
        assert status == 200, answer
        self.headers["X-CSRF-Token"] = answer["csrf_token"]


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
            "rss_mb": worker_rss_mb(self.served.pid),
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


def account_for_every_ticket(database: Path, day: Day) -> list[str]:
    """Every ticket issued was served once and is done; every rating and booking is there."""
    problems = []
    db = connect(database)
    issued = {v.ticket for v in day.visitors if v.ticket is not None}
    statuses = {row["id"]: row["status"] for row in db.query("SELECT id, status FROM tickets")}
    if set(statuses) != issued:
        problems.append(f"{len(statuses)} tickets in the database, {len(issued)} issued")
    not_done = sorted(ticket for ticket, status in statuses.items() if status != "done")
    if not_done:
        problems.append(f"{len(not_done)} tickets not done: {not_done[:10]}")
    calls = {
        row["ticket"]: row["n"]
        for row in db.query("SELECT ticket, count(*) AS n FROM calls GROUP BY ticket")
    }
    if any(calls.get(ticket) != 1 for ticket in issued):
        problems.append("a ticket was not called exactly once")
    ratings = db.execute("SELECT count(*) FROM ratings").fetchone()[0]
    if ratings != day.result.ratings:
        problems.append(f"{ratings} ratings stored, {day.result.ratings} accepted")
    checked_in = db.execute(
        "SELECT count(*) FROM appointments WHERE status = 'checked_in'"
    ).fetchone()[0]
    if checked_in != day.result.bookings:
        problems.append(f"{checked_in} bookings checked in, {day.result.bookings} made")
    waiting = db.execute("SELECT coalesce(sum(regular + priority), 0) FROM queue_lengths")
    if waiting.fetchone()[0] != 0:
        problems.append("the queue lengths kept do not come back to zero")
    # A phone hears the call of its ticket when it was following before the call (a visitor
    # called at once has not opened the link yet: the page shows the state when it opens).
    following = [v.label for v in day.visitors if v.follows and v.label]
    opened = day.fleet.opened([f"phone:{label}" for label in following])
    early = [
        label
        for label in following
        if opened.get(f"phone:{label}", float("inf")) < day.pressed.get(label, 0)
    ]
    heard = day.fleet.arrivals("/track", early)
    unheard = [label for label in early if label not in heard]
    day.result.phones_heard = (len(early) - len(unheard), len(early))
    if unheard:
        problems.append(f"{len(unheard)} phones did not hear their call: {unheard[:5]}")
    db.conn.close()
    return problems


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
        latencies, missed = _timed_calls(clerk, fleet, displays, calls)
        rss = worker_rss_mb(served.pid)
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
    }


def _timed_calls(
    clerk: Client, fleet: SocketFleet, displays: int, calls: int
) -> tuple[list[float], int]:
    """Counter 1 calls `calls` tickets; the delays to every display, and the deliveries missed."""
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
    return latencies, missed
