"""Past days of a center, made by running the real queue code under a moving clock.

A day is lived, not written: visitors arrive (more in the morning), take tickets with
core.tickets.issue_ticket, and clerks open their counters, call the next visitor with
core.calling.call_next, start, finish or mark a no-show with core.serving, each at its own
moment of the day. So the record is what a real day of the center would have left, with service
times known in advance (a gamma spread around each service's mean): the tests and benchmarks
of the predictions, the advice and the what-if replay have days whose answers they know, and
`flask --app server demo-history` gives the demo center weeks of past to report on.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlite_utils import Database

from core.calling import call_next
from core.center import get_center, list_counters, list_services
from core.counters import close_counter, open_counter
from core.errors import Conflict
from core.schedule import holiday_dates, opening_spans
from core.serving import finish, no_show, start
from core.tickets import issue_ticket

WALK_S = 30  # from the call to the counter
NO_SHOW_WAIT_S = 90  # a clerk waits this long for a visitor who does not come
LAST_TICKET_MIN = 20  # nobody takes a ticket in the last minutes of a session
DEFAULT_SPANS = (("07:30", "11:30"), ("13:00", "16:30"))


@dataclass(frozen=True)
class DayShape:
    """What a generated day looks like."""

    visitors: int = 300
    service_min: dict[str, float] = field(default_factory=dict)  # mean per service; else 8
    priority_share: float = 0.08
    no_show_share: float = 0.03
    counters: tuple[int, ...] | None = None  # the counters opened; None: every counter
    spread: float = 0.45  # the service times' coefficient of variation
    call_gap_s: float = 20.0  # a clerk's mean pause between a finish and the next call


def _clock(day: date, text: str, zone: Any) -> datetime:
    hours, minutes = (int(part) for part in text.split(":"))
    return datetime.combine(day, time(), zone) + timedelta(hours=hours, minutes=minutes)


def _sessions(db: Database, day: date) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each open service's sessions of the day, as moments."""
    zone = get_center(db).zone
    holidays = holiday_dates(db)
    sessions = {}
    for service in list_services(db):
        if not service.enabled:
            continue
        spans = opening_spans(service.hours, service.week, day, holidays)
        spans = DEFAULT_SPANS if spans is None else spans
        if spans:
            sessions[service.code] = [
                (_clock(day, a, zone), _clock(day, b, zone)) for a, b in spans
            ]
    return sessions


def _arrivals(
    sessions: dict[str, list[tuple[datetime, datetime]]], shape: DayShape, chance: random.Random
) -> list[tuple[datetime, str, bool]]:
    """When each visitor comes, for which service, and whether priority: a peak an hour into
    each session, fewer towards its end."""
    services = sorted(sessions)
    arrivals = []
    for _ in range(shape.visitors):
        service = chance.choice(services)
        begin, end = chance.choice(sessions[service])
        last = (end - begin).total_seconds() - LAST_TICKET_MIN * 60
        offset = chance.triangular(0, max(last, 60), min(3600, last / 3))
        arrivals.append(
            (begin + timedelta(seconds=offset), service, chance.random() < shape.priority_share)
        )
    return sorted(arrivals)


def generate_day(db: Database, day: date, shape: DayShape, *, seed: int = 1) -> int:
    """Live one day of the center; answer how many tickets it issued."""
    chance = random.Random(f"{seed}:{day}")
    sessions = _sessions(db, day)
    if not sessions:
        return 0
    opening = min(begin for spans in sessions.values() for begin, _ in spans)
    closing = max(end for spans in sessions.values() for _, end in spans)
    counters = [
        counter
        for counter in list_counters(db)
        if counter.services and (shape.counters is None or counter.number in shape.counters)
    ]
    clerks = {counter.number: f"clerk{counter.number}" for counter in counters}
    for counter in counters:
        open_counter(db, counter.number, clerk=clerks[counter.number], now=opening, override=True)
    order = itertools.count()
    events: list[tuple[datetime, int, str, Any]] = [
        (moment, next(order), "arrive", (service, priority))
        for moment, service, priority in _arrivals(sessions, shape, chance)
    ]
    events += [(opening, next(order), "free", counter.number) for counter in counters]
    heapq.heapify(events)
    idle: set[int] = set()
    issued = 0
    serves = {counter.number: set(counter.services) for counter in counters}

    def pause() -> timedelta:
        """The clerk's pause before calling again: the papers put away, a breath."""
        if shape.call_gap_s <= 0:
            return timedelta()
        return timedelta(seconds=chance.expovariate(1 / shape.call_gap_s))

    def call(number: int, now: datetime) -> None:
        called = call_next(db, number, clerk=clerks[number], now=now)
        if called is None:
            idle.add(number)
            return
        ticket = called[0]
        idle.discard(number)
        if chance.random() < shape.no_show_share:
            heapq.heappush(
                events, (now + timedelta(seconds=NO_SHOW_WAIT_S), next(order), "no_show", number)
            )
            return
        mean_s = shape.service_min.get(ticket.queue, 8.0) * 60
        shape_k = 1 / shape.spread**2
        service_s = chance.gammavariate(shape_k, mean_s / shape_k)
        started = now + timedelta(seconds=WALK_S)
        heapq.heappush(events, (started, next(order), "start", number))
        heapq.heappush(
            events, (started + timedelta(seconds=service_s), next(order), "finish", number)
        )

    now = opening
    while events:
        now, _, kind, what = heapq.heappop(events)
        if kind == "arrive":
            service, priority = what
            try:
                issue_ticket(db, service, now=now, priority="elderly" if priority else None)
            except Conflict:  # the service's daily quota is reached: the visitor goes home
                continue
            issued += 1
            for number in sorted(idle):
                if service in serves[number]:
                    call(number, now)
                    break
        elif kind == "start":
            start(db, what, clerk=clerks[what], now=now)
        elif kind == "finish":
            finish(db, what, clerk=clerks[what], now=now)
            heapq.heappush(events, (now + pause(), next(order), "free", what))
        elif kind == "no_show":
            no_show(db, what, clerk=clerks[what], now=now)
            heapq.heappush(events, (now + pause(), next(order), "free", what))
        elif kind == "free":
            call(what, now)
    for counter in counters:  # after the last visitor, if they were served after closing time
        last = max(closing, now)
        close_counter(db, counter.number, clerk=clerks[counter.number], now=last, override=True)
    return issued


def past_working_days(today: date, count: int, db: Database) -> list[date]:
    """The `count` days before today on which some service opens, oldest first."""
    days: list[date] = []
    day = today
    for _ in range(count * 3 + 14):  # a long run of holidays ends the search, not the server
        if len(days) == count:
            break
        day -= timedelta(days=1)
        if _sessions(db, day):
            days.append(day)
    return sorted(days)


@click.command("demo-history")
@click.option("--days", default=10, show_default=True, type=click.IntRange(1, 60))
@click.option("--visitors", default=400, show_default=True, type=click.IntRange(1, 3000))
@click.option("--seed", default=1, show_default=True, type=int)
@with_appcontext
def demo_history(days: int, visitors: int, seed: int) -> None:
    """Give a demo or trial center past days to report on: visitors and clerks living each of
    the last working days by the real queue code. Days that already have tickets are left as
    they are, so a real center's record is never mixed with made-up days."""
    from db import connect, migrate

    database = connect(current_app.config["DATABASE"])
    migrate(database)
    today = datetime.now(get_center(database).zone).date()
    made = skipped = 0
    for day in past_working_days(today, days, database):
        if database.execute("SELECT 1 FROM tickets WHERE day = ?", [day.isoformat()]).fetchone():
            skipped += 1
            continue
        issued = generate_day(database, day, DayShape(visitors=visitors), seed=seed)
        click.echo(f"{day}: {issued} tickets")
        made += 1
    click.echo(f"{made} days made, {skipped} left as they were (they had tickets).")
