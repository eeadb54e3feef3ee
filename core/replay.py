"""Replaying a day's visitors under a plan of counters: the engine of the what-if simulation.

Pure and in memory: the visitors (when each arrived, for which service, priority or booked, how
long the counter spent with them) and the plan (which counters are open when, serving which
services in which order, and the priority cap) go in; who waited how long comes out. The
calling order is the center's own (core/calling.py, design.md section 3): the counter's
services in its order, the first with someone waiting winning; within a service a checked-in
booking whose slot has begun first, then priority but never more than `max_in_row` priority
calls in a row while regular visitors wait, then the oldest arrival.

Times are seconds since the center's local midnight of the day. The work is bounded: one pass
over the events, each visitor arriving, being called, and leaving once.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from dataclasses import dataclass, field

QUARTER_S = 15 * 60


@dataclass(frozen=True)
class Visit:
    """One visitor of the day, as the record tells it."""

    ticket: int
    service: str  # the queue the visitor was served in (after any transfer)
    arrived_s: float
    priority: bool
    due_s: float | None  # a checked-in booking's slot start: called before walk-ins from then
    service_s: float  # the counter's time with the visitor, from the call to the end
    served: bool  # False: called but not there (a no-show): the counter's time is spent
    leaves_s: float | None  # cancelled while still waiting: leaves then if not called yet
    called_s: float | None = None  # when the real day called them (None: it never did)


@dataclass(frozen=True)
class Desk:
    """A counter of a plan: its number, its services in order, and when it is open."""

    number: int
    services: tuple[str, ...]
    spans: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Plan:
    desks: tuple[Desk, ...]
    max_in_row: int | None


@dataclass
class Replayed:
    """What happened in the replay: each served visitor's wait, who was never called, and
    how many waited at each quarter hour."""

    waits: dict[int, float] = field(default_factory=dict)
    unserved: list[int] = field(default_factory=list)
    waiting_by_quarter: list[tuple[float, int]] = field(default_factory=list)


class _Queue:
    """One service's waiting visitors: by arrival, priority apart; a booking is also kept by its
    slot, and is called from whichever line reaches it first (before its slot it waits as a
    walk-in does)."""

    def __init__(self) -> None:
        self.booked: list[tuple[float, float, int, Visit]] = []  # heap by slot, arrival
        self.priority: deque[Visit] = deque()
        self.regular: deque[Visit] = deque()
        self.streak = 0  # priority walk-ins called in a row

    def add(self, visit: Visit) -> None:
        if visit.due_s is not None:
            heapq.heappush(self.booked, (visit.due_s, visit.arrived_s, visit.ticket, visit))
        (self.priority if visit.priority else self.regular).append(visit)

    def take(self, now: float, max_in_row: int | None, gone: set[int]) -> Visit | None:
        for line in (self.priority, self.regular):
            while line and line[0].ticket in gone:
                line.popleft()
        while self.booked and self.booked[0][3].ticket in gone:
            heapq.heappop(self.booked)
        if self.booked and self.booked[0][0] <= now:
            return heapq.heappop(self.booked)[3]  # neither counts nor breaks the streak
        capped = max_in_row is not None and self.streak >= max_in_row
        if self.priority and not (self.regular and capped):
            self.streak += 1
            return self.priority.popleft()
        if self.regular:
            self.streak = 0
            return self.regular.popleft()
        return None


def replay(visits: list[Visit], plan: Plan) -> Replayed:
    """Replay the visitors under the plan; those never called while a counter was open for
    them are `unserved`."""
    queues: dict[str, _Queue] = {}
    gone: set[int] = set()  # called, or left
    result = Replayed()
    arrive, leave, wake = 0, 1, 2
    order = itertools.count()  # ties go by the order events were made, never by comparing them
    events: list[tuple[float, int, int, int, Visit | None]] = []
    for visit in visits:  # (time, kind, order, ticket or desk, visit)
        events.append((visit.arrived_s, arrive, next(order), visit.ticket, visit))
        if visit.leaves_s is not None:
            events.append((visit.leaves_s, leave, next(order), visit.ticket, None))
    desks = {desk.number: desk for desk in plan.desks}
    for desk in plan.desks:
        for start, end in desk.spans:
            events.append((start, wake, next(order), desk.number, None))
            events.append((end, wake, next(order), desk.number, None))
    heapq.heapify(events)
    busy_until = dict.fromkeys(desks, 0.0)
    idle: set[int] = set()  # open and free: only these can take a visitor
    waiting = 0
    quarter = 0.0
    while events:
        moment, kind, _order, key, arriving = heapq.heappop(events)
        while quarter <= moment:
            result.waiting_by_quarter.append((quarter, waiting))
            quarter += QUARTER_S
        if kind == arrive and arriving is not None:
            queues.setdefault(arriving.service, _Queue()).add(arriving)
            waiting += 1
        elif kind == leave and key not in gone:
            gone.add(key)
            waiting -= 1
        elif kind == wake:
            desk = desks[key]
            if busy_until[key] <= moment and any(a <= moment < b for a, b in desk.spans):
                idle.add(key)
            else:
                idle.discard(key)
        for number in sorted(idle):
            desk = desks[number]
            chosen = None
            for service in desk.services:
                line = queues.get(service)
                chosen = line.take(moment, plan.max_in_row, gone) if line else None
                if chosen is not None:
                    break
            if chosen is None:
                continue
            gone.add(chosen.ticket)
            waiting -= 1
            if chosen.served:
                result.waits[chosen.ticket] = moment - chosen.arrived_s
            idle.discard(number)
            busy_until[number] = moment + chosen.service_s
            heapq.heappush(events, (busy_until[number], wake, next(order), number, None))
    result.unserved = [visit.ticket for visit in visits if visit.ticket not in gone]
    return result
