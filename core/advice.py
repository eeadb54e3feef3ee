"""The rebalancing advisor: which clerk to move to which closed counter, so that a queue heading
over its target wait comes back under it without pushing another queue over its own.

The prediction is deliberately simple, so that a supervisor can check it by hand:

- for each enabled service: `n` visitors waiting, the oldest waiting for `w0` minutes, arrivals
  `lambda` per minute (the tickets that joined its queue in the last 30 minutes / 30), and `s`,
  the median service time of its last 28 days' served tickets (from the start, or the call, to
  the finish; 300 s with fewer than 5 known);
- its capacity `c`, in counters: each open counter (a paused one calls nobody) that lists the
  service gives it an equal share of its time among the services it lists that have visitors
  waiting or arriving (a counter for A and B, both busy, gives each half a counter), and the queue
  drains at `mu = c / s` visitors a minute;
- over the next 30 minutes the queue holds `n(t) = max(0, n + (lambda - mu) t)`, and a visitor
  joining at `t` waits about `n(t) / mu`: the forecast is the longest of those, which is at
  t = 0 or t = 30 since n(t) is straight (`WAIT_CAP_MIN` when nobody serves a queue that has
  visitors);
- a queue needs help when its forecast is over its target (one whose oldest visitor waited past
  the target but whose forecast is within it drains by itself: no move would change what that
  visitor waited); its `wait_now_min` is the longer of `w0` and the forecast, its
  `wait_after_min` the forecast with the move made.

A move takes the clerk of an open counter (whose skills are recorded: `[[staff]] services` or
the admin's users page) to a closed counter listing the queue's service whose every service the
clerk may serve. It is proposed when, made, the queue's forecast is within its target and every
queue that loses capacity (the source counter's services) still forecasts within its own target.
Among the valid moves the one that leaves the other queues the most room wins (then the shorter
wait after, then the lower counter numbers). The queues needing help are taken worst first (wait
over target); each proposal is checked on the hall with the earlier ones made, so they hold
together, and a clerk or a counter is proposed once.

`read_hall` reads the database; `propose_moves` is pure arithmetic on what it read, so tests
build halls by hand. Like all of core/, it knows no Flask.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlite_utils import Database

from core.center import get_center, list_counters, list_services
from core.configuration.skills import all_skills
from core.models import CounterStatus, parse_timestamp, timestamp
from core.rows import rows

HORIZON_MIN = 30
ARRIVALS_WINDOW_MIN = 30
HISTORY_DAYS = 28
DEFAULT_SERVICE_S = 300
MIN_KNOWN_SERVICE_TIMES = 5
WAIT_CAP_MIN = 240.0  # a queue nobody serves waits "without end": shown as four hours


@dataclass(frozen=True)
class Queue:
    """What the advisor knows of one service's queue."""

    service: str
    name: str
    target_min: float
    waiting: int
    oldest_min: float
    arrivals_per_min: float
    service_min: float

    @property
    def busy(self) -> bool:
        """Visitors wait or keep coming: a counter listing it spends time on it."""
        return self.waiting > 0 or self.arrivals_per_min > 0


@dataclass(frozen=True)
class Desk:
    """A counter as the advisor sees it."""

    number: int
    status: str
    clerk: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class Hall:
    queues: dict[str, Queue]
    desks: tuple[Desk, ...]
    skills: dict[str, frozenset[str]]
    clerk_names: dict[str, str]


@dataclass(frozen=True)
class Move:
    """One proposed move (the fields of `GET /api/advice/moves`)."""

    clerk: str
    clerk_name: str
    from_counter: int
    from_service: str | None
    from_waiting: int
    to_counter: int
    to_service: str
    wait_now_min: float
    wait_after_min: float
    from_wait_before_min: float
    from_wait_after_min: float
    reason: str


def forecast_min(queue: Queue, capacity: float) -> float:
    """The longest wait of a visitor joining in the next 30 minutes, with `capacity` counters."""
    if not queue.busy:
        return 0.0
    if capacity <= 0:
        return WAIT_CAP_MIN
    rate = capacity / queue.service_min
    later = max(0.0, queue.waiting + (queue.arrivals_per_min - rate) * HORIZON_MIN)
    return min(WAIT_CAP_MIN, max(queue.waiting, later) / rate)


def capacities(hall: Hall) -> dict[str, float]:
    """Each service's counters: the open counters' time, shared among their busy services."""
    found = {code: 0.0 for code in hall.queues}
    for desk in hall.desks:
        if desk.status != CounterStatus.OPEN:
            continue
        busy = [code for code in desk.services if code in hall.queues and hall.queues[code].busy]
        for code in busy:
            found[code] += 1 / len(busy)
    return found


def forecasts(hall: Hall) -> dict[str, float]:
    shares = capacities(hall)
    return {code: forecast_min(queue, shares[code]) for code, queue in hall.queues.items()}


def _moved(hall: Hall, source: Desk, target: Desk) -> Hall:
    """The hall with the source counter's clerk at the target counter."""
    desks = tuple(
        replace(desk, status=CounterStatus.CLOSED, clerk=None)
        if desk.number == source.number
        else replace(desk, status=CounterStatus.OPEN, clerk=source.clerk)
        if desk.number == target.number
        else desk
        for desk in hall.desks
    )
    return replace(hall, desks=desks)


@dataclass(frozen=True)
class _Candidate:
    room: float  # the least share of its target any queue that lost capacity keeps free
    after: dict[str, float]
    source: Desk
    target: Desk


def _candidates(hall: Hall, service: str, before: dict[str, float]) -> Iterable[_Candidate]:
    queue = hall.queues[service]
    closed = [
        desk
        for desk in hall.desks
        if desk.status == CounterStatus.CLOSED and service in desk.services
    ]
    for source in hall.desks:
        if source.status != CounterStatus.OPEN or source.clerk is None:
            continue
        skills = hall.skills.get(source.clerk, frozenset())
        for target in closed:
            if not set(target.services) <= skills:
                continue
            after = forecasts(_moved(hall, source, target))
            if after[service] > queue.target_min or after[service] >= before[service]:
                continue
            slowed = [code for code in hall.queues if after[code] > before[code] + 1e-9]
            if any(after[code] > hall.queues[code].target_min for code in slowed):
                continue  # never push another queue over its target
            room = min(
                (1 - after[code] / hall.queues[code].target_min for code in slowed), default=1.0
            )
            yield _Candidate(room, after, source, target)


def propose_moves(hall: Hall) -> list[Move]:
    """The moves that bring each queue heading over its target back under it; [] if none."""
    moves: list[Move] = []
    used_clerks: set[str] = set()
    before = forecasts(hall)
    needy = sorted(
        (code for code, queue in hall.queues.items() if before[code] > queue.target_min),
        key=lambda code: (-before[code] / hall.queues[code].target_min, code),
    )
    for service in needy:
        options = [
            option
            for option in _candidates(hall, service, before)
            if option.source.clerk not in used_clerks
        ]
        if not options:
            continue
        best = min(
            options,
            key=lambda option: (
                -option.room,
                option.after[service],
                option.source.number,
                option.target.number,
            ),
        )
        moves.append(_move(hall, service, before, best))
        assert best.source.clerk is not None
        used_clerks.add(best.source.clerk)
        hall = _moved(hall, best.source, best.target)
        before = best.after
    return moves


def _move(hall: Hall, service: str, before: dict[str, float], best: _Candidate) -> Move:
    queue, source = hall.queues[service], best.source
    clerk = source.clerk or ""
    busy = [code for code in source.services if code in hall.queues]
    from_service = busy[0] if busy else None
    wait_now = round(max(queue.oldest_min, before[service]), 1)
    wait_after = round(best.after[service], 1)
    from_before = round(before[from_service], 1) if from_service else 0.0
    from_after = round(best.after[from_service], 1) if from_service else 0.0
    name = hall.clerk_names.get(clerk) or clerk
    origin = hall.queues[from_service] if from_service else None
    where = f" ({origin.name}, {origin.waiting} waiting)" if origin else ""
    reason = (
        f"Move clerk {name} from counter {source.number}{where} to counter"
        f" {best.target.number} ({queue.name}): longest wait {wait_now:g} -> {wait_after:g} min"
    )
    return Move(
        clerk=clerk,
        clerk_name=name,
        from_counter=source.number,
        from_service=from_service,
        from_waiting=origin.waiting if origin else 0,
        to_counter=best.target.number,
        to_service=service,
        wait_now_min=wait_now,
        wait_after_min=wait_after,
        from_wait_before_min=from_before,
        from_wait_after_min=from_after,
        reason=reason,
    )


def median_service_min(db: Database, *, now: datetime) -> dict[str, float]:
    """Each queue's median service time over the last 28 days, minutes (5 known at least)."""
    first = get_center(db).day(now - timedelta(days=HISTORY_DAYS))
    known: dict[str, list[float]] = {}
    for queue, seconds in db.execute(
        "SELECT queue, (julianday(finished_at) - julianday(coalesce(started_at, called_at)))"
        " * 86400.0 FROM tickets WHERE day >= ? AND status = 'done'",
        [first],
    ):
        if seconds is not None and seconds >= 0:
            known.setdefault(queue, []).append(seconds)
    return {
        queue: statistics.median(times) / 60
        for queue, times in known.items()
        if len(times) >= MIN_KNOWN_SERVICE_TIMES
    }


def read_hall(db: Database, *, now: datetime) -> Hall:
    """The hall as the advisor needs it: queues, counters, skills and the clerks' names."""
    day = get_center(db).day(now)
    waiting = {
        row["queue"]: row
        for row in rows(
            db,
            "SELECT queue, count(*) AS waiting, min(issued_at) AS oldest FROM tickets"
            " WHERE day = ? AND status = 'waiting' GROUP BY queue",
            [day],
        )
    }
    since = timestamp(now - timedelta(minutes=ARRIVALS_WINDOW_MIN))
    arrivals = {
        row["queue"]: row["arrived"]
        for row in rows(
            db,
            "SELECT queue, count(*) AS arrived FROM tickets WHERE day = ? AND issued_at >= ?"
            " GROUP BY queue",
            [day, since],
        )
    }
    medians = median_service_min(db, now=now)
    queues = {}
    for service in list_services(db):
        if not service.enabled:
            continue
        line = waiting.get(service.code)
        oldest = (now - parse_timestamp(line["oldest"])).total_seconds() / 60 if line else 0.0
        queues[service.code] = Queue(
            service=service.code,
            name=service.name,
            target_min=float(service.target_wait_min),
            waiting=line["waiting"] if line else 0,
            oldest_min=max(0.0, oldest),
            arrivals_per_min=arrivals.get(service.code, 0) / ARRIVALS_WINDOW_MIN,
            service_min=medians.get(service.code, DEFAULT_SERVICE_S / 60),
        )
    desks = tuple(
        Desk(counter.number, str(counter.status), counter.clerk, counter.services)
        for counter in list_counters(db)
    )
    names = {
        row["username"]: row["display_name"]
        for row in rows(
            db, "SELECT username, display_name FROM users WHERE display_name IS NOT NULL"
        )
    }
    skills = {clerk: frozenset(codes) for clerk, codes in all_skills(db).items()}
    return Hall(queues=queues, desks=desks, skills=skills, clerk_names=names)


def advise(db: Database, *, now: datetime) -> list[Move]:
    """The moves the advisor proposes now."""
    return propose_moves(read_hall(db, now=now))
