"""What-if: a logged day replayed under another plan (design.md section 9, `POST /api/simulate`).

The day's real arrivals are replayed (core/replay.py) under the plan as it was, read from the
record, or under a changed one: other counters (how many, which services each serves, in what
order), another priority cap, other opening hours. Each visitor keeps the counter time the
record gives them, plus the clerks' usual pause of the day between a finish and the next call;
a visitor the real day never served (still waiting at closing) takes a time drawn, with a fixed
seed, from the times of that day's visitors of the same service. The answer puts the replay's
figures beside what really happened.

What the record cannot say is taken as follows, and shows in the figures only at the margins:
a transferred visitor is replayed in the queue that served them, from their arrival; a counter's
services are today's configuration (the record logs what a counter called, not what it could
call); a counter's opening hours are its opened/resumed .. paused/closed events of the day.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from core.center import get_center, list_counters, list_services
from core.errors import InvalidInput, NotFound
from core.models import parse_timestamp
from core.replay import QUARTER_S, Desk, Plan, Visit, replay

MAX_DESKS = 200
MAX_SERVICES_PER_DESK = 30
MAX_VISITS = 20_000  # a center's busiest day is a few thousand; more is not a day's record
SEED = 7
OPENING = ("opened", "resumed")


def _seconds(text: str | None, midnight: datetime) -> float | None:
    if text is None:
        return None
    return (parse_timestamp(text) - midnight).total_seconds()


def day_visits(db: Database, day: date) -> list[Visit]:
    """The day's visitors as the record tells them (404 `no_record` when nobody came)."""
    center = get_center(db)
    midnight = datetime.combine(day, time(), center.zone)
    found = db.execute(
        "SELECT t.id, t.queue, t.priority, t.status, t.issued_at, t.called_at, t.finished_at,"
        " a.starts_at FROM tickets t LEFT JOIN appointments a ON a.ticket = t.id"
        " WHERE t.day = ? ORDER BY t.issued_at, t.id LIMIT ?",
        [day.isoformat(), MAX_VISITS + 1],
    ).fetchall()
    if not found:
        raise NotFound(f"No ticket was issued on {day}: there is no day to replay.", "no_record")
    if len(found) > MAX_VISITS:
        raise InvalidInput(f"A day of more than {MAX_VISITS} tickets is not replayed.", "too_large")
    times: dict[str, list[float]] = {}
    for _id, queue, _priority, status, _issued, called, finished, _due in found:
        if status == "done" and called and finished:
            times.setdefault(queue, []).append(
                (parse_timestamp(finished) - parse_timestamp(called)).total_seconds()
            )
    everyone = [duration for durations in times.values() for duration in durations] or [300.0]
    turnaround = _turnaround_s(db, day)
    chance = random.Random(SEED)
    visits = []
    for ticket, queue, priority, status, issued, called, finished, due in found:
        called_s, finished_s = _seconds(called, midnight), _seconds(finished, midnight)
        counter_time = (
            finished_s - called_s
            if called_s is not None and finished_s is not None
            else chance.choice(times.get(queue) or everyone)
        )
        visits.append(
            Visit(
                ticket=ticket,
                service=queue,
                arrived_s=_seconds(issued, midnight) or 0.0,
                priority=priority is not None,
                due_s=_seconds(due, midnight),
                service_s=max(counter_time, 1.0) + turnaround,
                served=status != "no_show",
                leaves_s=finished_s if called_s is None and finished_s is not None else None,
                called_s=called_s,
            )
        )
    return visits


def _turnaround_s(db: Database, day: date) -> float:
    """The clerks' usual pause between a finish and the next call while someone waited: the
    counter's time per visitor that the visitor's own record does not show (median)."""
    pauses = []
    previous: tuple[int, str] | None = None
    for counter, issued, called, finished in db.execute(
        "SELECT counter, issued_at, called_at, finished_at FROM tickets WHERE day = ?"
        " AND counter IS NOT NULL AND called_at IS NOT NULL ORDER BY counter, called_at",
        [day.isoformat()],
    ):
        if previous is not None and previous[0] == counter and issued <= previous[1] < called:
            pauses.append((parse_timestamp(called) - parse_timestamp(previous[1])).total_seconds())
        previous = (counter, finished) if finished else None
    return statistics.median(pauses) if pauses else 0.0


def counter_spans(db: Database, day: date) -> dict[int, list[tuple[float, float]]]:
    """When each counter was open on the day, from its opened/resumed .. paused/closed events
    (a counter left open at night is open until its last call's end)."""
    midnight = datetime.combine(day, time(), get_center(db).zone)
    end = (datetime.combine(day, time.max, midnight.tzinfo) - midnight).total_seconds()
    spans: dict[int, list[tuple[float, float]]] = {}
    opened: dict[int, float] = {}
    for counter, kind, at in db.execute(
        "SELECT counter, kind, at FROM counter_events WHERE at >= ? AND at < ? ORDER BY at, id",
        [_utc_text(midnight), _utc_text(midnight, days=1)],
    ):
        moment = _seconds(at, midnight) or 0.0
        if kind in OPENING:
            opened.setdefault(counter, moment)
        elif counter in opened:
            spans.setdefault(counter, []).append((opened.pop(counter), moment))
    worked = {
        counter: (_seconds(first, midnight) or 0.0, _seconds(last, midnight) or end)
        for counter, first, last in db.execute(
            "SELECT counter, min(called_at), max(finished_at) FROM tickets"
            " WHERE day = ? AND counter IS NOT NULL GROUP BY counter",
            [day.isoformat()],
        )
    }
    for counter, start in opened.items():
        last = worked.get(counter, (start, end))[1]
        spans.setdefault(counter, []).append((start, max(last, start)))
    for counter, (first, last) in worked.items():
        spans.setdefault(counter, [(first, last)])  # a record without its counter's events
    return spans


def _utc_text(midnight: datetime, days: int = 0) -> str:
    return (midnight + timedelta(days=days)).astimezone(UTC).isoformat(timespec="milliseconds")


def real_plan(db: Database, day: date) -> Plan:
    """The plan the day ran on: its open counters with their services, and the priority cap."""
    services = {counter.number: counter.services for counter in list_counters(db)}
    spans = counter_spans(db, day)
    desks = tuple(
        Desk(number, tuple(services.get(number, ())), tuple(spans[number]))
        for number in sorted(spans)
    )
    return Plan(desks, get_center(db).priority_max_in_row)


@dataclass(frozen=True)
class Changes:
    """What a manager changes of the day's plan; None keeps the day's own."""

    counters: dict[int, list[str]] | None = None  # the whole set open: number -> services
    max_in_row: int | None = None
    strict_priority: bool = False  # True: priority always first (no cap)
    hours: tuple[float, float] | None = None  # every counter open from..to, in seconds


def changed_plan(db: Database, day: date, changes: Changes) -> Plan:
    """The day's plan with the changes asked. A counter that did not work that day is open
    from the day's first opening to its last closing."""
    plan = real_plan(db, day)
    desks = plan.desks
    if changes.counters is not None:
        if not changes.counters or len(changes.counters) > MAX_DESKS:
            raise InvalidInput(f"A plan has 1 to {MAX_DESKS} counters.", "bad_plan")
        known = {service.code for service in list_services(db)}
        spans = {desk.number: desk.spans for desk in plan.desks}
        whole_day = _whole_day(plan)
        desks = tuple(
            Desk(number, _services(number, wanted, known), spans.get(number, whole_day))
            for number, wanted in sorted(changes.counters.items())
        )
    if changes.hours is not None:
        desks = tuple(Desk(desk.number, desk.services, (changes.hours,)) for desk in desks)
    cap = plan.max_in_row
    if changes.strict_priority:
        cap = None
    elif changes.max_in_row is not None:
        cap = changes.max_in_row
    return Plan(desks, cap)


def _whole_day(plan: Plan) -> tuple[tuple[float, float], ...]:
    spans = [span for desk in plan.desks for span in desk.spans]
    if not spans:
        return ((0.0, 86_400.0),)
    return ((min(start for start, _ in spans), max(end for _, end in spans)),)


def _services(number: int, wanted: list[str], known: set[str]) -> tuple[str, ...]:
    if not 1 <= len(wanted) <= MAX_SERVICES_PER_DESK or len(set(wanted)) != len(wanted):
        raise InvalidInput(
            f"Counter {number} serves 1 to {MAX_SERVICES_PER_DESK} services, each once.",
            "bad_plan",
        )
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput(f"Counter {number}: no service {', '.join(unknown)}.", "bad_plan")
    return tuple(wanted)


def simulate(db: Database, day: date, changes: Changes | None = None) -> dict[str, Any]:
    """Replay the day under the plan changed by `changes` (or as it was), beside the record."""
    visits = day_visits(db, day)
    plan = changed_plan(db, day, changes or Changes())
    served_by_plan = {service for desk in plan.desks for service in desk.services}
    orphans = sorted({visit.service for visit in visits} - served_by_plan)
    if orphans:
        raise InvalidInput(
            f"No counter of the plan serves {', '.join(orphans)}, which had visitors that day.",
            "unserved_service",
        )
    replayed = replay(visits, plan)
    targets = {service.code: service.target_wait_min * 60 for service in list_services(db)}
    real_waits = {
        visit.ticket: visit.called_s - visit.arrived_s
        for visit in visits
        if visit.called_s is not None and visit.served and visit.leaves_s is None
    }
    real_unserved = [visit.ticket for visit in visits if visit.called_s is None]
    simulated = _figures(visits, replayed.waits, replayed.unserved, targets)
    return {
        "date": day.isoformat(),
        **simulated,
        "simulated": simulated,
        "actual": _figures(visits, real_waits, real_unserved, targets),
        "plan": {
            "counters": {str(desk.number): list(desk.services) for desk in plan.desks},
            "max_in_row": plan.max_in_row,
        },
        "queue": _queue_chart(visits, replayed.waiting_by_quarter),
    }


def _figures(
    visits: list[Visit],
    waits: dict[int, float],
    unserved: Iterable[int],
    targets: dict[str, int],
) -> dict[str, Any]:
    never = set(unserved)
    per_service: dict[str, dict[str, Any]] = {}
    for service in sorted({visit.service for visit in visits}):
        mine = [visit for visit in visits if visit.service == service]
        per_service[service] = _summary(mine, waits, never, targets)
    return {**_summary(visits, waits, never, targets), "per_service": per_service}


def _summary(
    visits: list[Visit], waits: dict[int, float], never: set[int], targets: dict[str, int]
) -> dict[str, Any]:
    served = [(waits[visit.ticket], visit.service) for visit in visits if visit.ticket in waits]
    ordered = sorted(wait for wait, _ in served)
    within = sum(wait <= targets.get(service, 0) + 0.001 for wait, service in served)
    return {
        "tickets": len(visits),
        "served": len(served),
        "unserved": sum(visit.ticket in never for visit in visits),
        "mean_wait_min": round(statistics.fmean(ordered) / 60, 1) if ordered else None,
        "p90_wait_min": (
            round(ordered[math.ceil(0.9 * len(ordered)) - 1] / 60, 1) if ordered else None
        ),
        "within_target_share": round(within / len(served), 3) if served else None,
    }


def _queue_chart(visits: list[Visit], simulated: list[tuple[float, int]]) -> list[dict[str, Any]]:
    """How many waited at each quarter hour of the day's opening, replayed and real."""
    first = min(visit.arrived_s for visit in visits)
    last = max(
        max((v.called_s or v.leaves_s or v.arrived_s) for v in visits),
        max((moment for moment, count in simulated if count), default=first),
    )
    chart = []
    for moment, count in simulated:
        if first - QUARTER_S < moment <= last + QUARTER_S:
            real = sum(
                visit.arrived_s <= moment < (visit.called_s or visit.leaves_s or math.inf)
                for visit in visits
            )
            clock = f"{int(moment // 3600):02d}:{int(moment % 3600 // 60):02d}"
            chart.append({"at": clock, "simulated": count, "actual": real})
    return chart
