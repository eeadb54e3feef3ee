"""Staffing advice: how many counters each service needs in each hour of the center's day, so
that its visitors are called within the service's target wait.

A center manager plans the week's counters from what the recorded history says:

- arrivals: the tickets a service numbered in each hour of the center's day (its time zone; the
  tickets store UTC), divided by the days of the period the center worked, a day counting when
  the center issued at least one ticket that day (weekends and holidays without tickets do not
  dilute the mean). Cancelled tickets and no-shows count: those visitors came, and many leave
  because the wait was long. A transferred ticket counts for the service that numbered it;
- service time: the mean of the service's served tickets over the period, from "start" (or the
  call) to "finish", where they were served; with fewer than 5 known, 300 s is assumed and the
  answer says so (`service_time_default`);
- counters: the fewest c such that, in the Erlang C queue (visitors arriving at random, served
  first come first served by c counters), the share called within the target wait,
  1 - C(c, a) * exp(-(c * mu - lambda) * target), reaches the service level (80 % by default).
  c must exceed the load a = lambda / mu, or the queue grows all day. The search stops at 50
  counters (`capped`).

It reads only, in one pass over the period's tickets: a quarter of one center (~36,000 tickets)
takes well under a second (bench/bench_reports.py). Like all of core/, it knows no Flask.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.center import get_center, list_counters, list_services
from core.errors import InvalidInput
from core.models import Service
from core.reports import LONG_PERIOD_DAYS, check_period

ADVICE_DAYS = 28
DEFAULT_SERVICE_S = 300
MIN_KNOWN_SERVICE_TIMES = 5
MAX_COUNTERS = 50
SERVICE_LEVEL = 0.8


def default_period(today: date) -> tuple[date, date]:
    """The last 28 days up to yesterday: whole days only, and four of each weekday."""
    return today - timedelta(days=ADVICE_DAYS), today - timedelta(days=1)


def _waiting_chances(load: float) -> Iterator[tuple[int, float]]:
    """Erlang C for 1, 2, 3, ... counters: the chance an arriving visitor has to wait at all.

    Built on Erlang B's recurrence, B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), then
    C = c B / (c - a (1 - B)): no factorials or powers, so it stays exact for large loads.
    With no more counters than the load the queue never empties, and everyone waits (1.0).
    """
    blocking = 1.0
    servers = 0
    while True:
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        if servers <= load:
            yield servers, 1.0
        else:
            yield servers, servers * blocking / (servers - load * (1 - blocking))


def erlang_c(servers: int, load: float) -> float:
    """The chance a visitor waits, with `servers` counters and a load of `load` erlangs."""
    if servers < 1 or load < 0:
        raise ValueError("Erlang C needs at least one counter and a load of zero or more.")
    for count, chance in _waiting_chances(load):
        if count == servers:
            return chance
    raise AssertionError("unreachable")  # the generator never ends


def share_within(servers: int, arrivals_per_s: float, service_s: float, target_s: float) -> float:
    """The share of visitors called within `target_s` by `servers` counters (Erlang C)."""
    load = arrivals_per_s * service_s
    if servers <= load:
        return 0.0
    return _share(erlang_c(servers, load), servers, arrivals_per_s, service_s, target_s)


def _share(
    waiting: float, servers: int, arrivals_per_s: float, service_s: float, target_s: float
) -> float:
    return 1.0 - waiting * math.exp(-(servers / service_s - arrivals_per_s) * target_s)


@dataclass(frozen=True)
class Need:
    """The counters one service needs in one hour, and the share they would call in time."""

    counters: int
    within_target: float
    capped: bool


def counters_needed(
    arrivals_per_hour: float, service_s: float, target_s: float, service_level: float
) -> Need:
    """The fewest counters that call `service_level` of the visitors within `target_s`."""
    if arrivals_per_hour <= 0:
        return Need(counters=0, within_target=1.0, capped=False)
    arrivals_per_s = arrivals_per_hour / 3600
    share = 0.0
    for servers, waiting in _waiting_chances(arrivals_per_s * service_s):
        if waiting < 1.0:
            share = _share(waiting, servers, arrivals_per_s, service_s, target_s)
            if share >= service_level:
                return Need(counters=servers, within_target=share, capped=False)
        if servers == MAX_COUNTERS:
            return Need(counters=MAX_COUNTERS, within_target=share, capped=True)
    raise AssertionError("unreachable")


@dataclass
class _History:
    """What one pass over the period's tickets gathers."""

    days: set[str] = field(default_factory=set)
    arrivals: dict[tuple[str, int], int] = field(default_factory=dict)  # (service, hour)
    service_times: dict[str, list[float]] = field(default_factory=dict)  # by queue


def _read_history(db: Database, first: date, last: date, zone: ZoneInfo) -> _History:
    """The period's arrivals by service and local hour, and its service times by queue.

    The local hour is worked out once per minute of issue (a zone's offset is whole minutes),
    which spares most conversions on a busy day. Over a long period SQLite reads the table
    straight through (`+day`), as in core/reports.py.
    """
    day = "+day" if (last - first).days > LONG_PERIOD_DAYS else "day"
    history = _History()
    hour_of_minute: dict[str, int] = {}
    for service, queue, ticket_day, issued_at, service_s in db.execute(
        "SELECT service, queue, day, issued_at, CASE WHEN status = 'done' THEN"
        " (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400.0 END"
        f" FROM tickets WHERE {day} BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ):
        history.days.add(ticket_day)
        minute = issued_at[:16]
        hour = hour_of_minute.get(minute)
        if hour is None:
            hour = hour_of_minute[minute] = datetime.fromisoformat(issued_at).astimezone(zone).hour
        key = (service, hour)
        history.arrivals[key] = history.arrivals.get(key, 0) + 1
        if service_s is not None:
            history.service_times.setdefault(queue, []).append(service_s)
    return history


def staffing_advice(
    db: Database, first: date, last: date, *, service_level: float = SERVICE_LEVEL
) -> dict[str, Any]:
    """Advise the counters each enabled service needs per hour, from the days first..last.

    `hours` are the center's local hours in which enabled services issued tickets; every
    service has an entry for each (0 counters where it had no visitor). `counters_able` is how
    many counters list the service: the configuration has no hours, so it holds all day, and
    `short_of_counters` marks an hour that needs more. `totals` adds the services' needs per
    hour against all the center's counters, which is what dedicated counters would take
    (counters shared between services can do with fewer).
    """
    check_period(first, last)
    if not 0 < service_level < 1:
        raise InvalidInput("The service level is a share between 0 and 1.", code="bad_level")
    history = _read_history(db, first, last, get_center(db).zone)
    services = [service for service in list_services(db) if service.enabled]
    counters = list_counters(db)
    enabled = {service.code for service in services}
    hours = sorted({hour for code, hour in history.arrivals if code in enabled})
    advice = [
        _advise(
            service,
            history,
            hours,
            days=len(history.days),
            able=sum(service.code in counter.services for counter in counters),
            service_level=service_level,
        )
        for service in services
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": len(history.days),
        "service_level": service_level,
        "default_service_s": DEFAULT_SERVICE_S,
        "hours": hours,
        "counters": len(counters),
        "services": advice,
        "totals": [
            {"hour": hour, "counters": sum(row["hours"][index]["counters"] for row in advice)}
            for index, hour in enumerate(hours)
        ],
    }


def _advise(
    service: Service,
    history: _History,
    hours: list[int],
    *,
    days: int,
    able: int,
    service_level: float,
) -> dict[str, Any]:
    """One service's line of the advice: its figures, then its need in each hour."""
    known = history.service_times.get(service.code, [])
    default = len(known) < MIN_KNOWN_SERVICE_TIMES
    service_s = DEFAULT_SERVICE_S if default else sum(known) / len(known)
    target_s = service.target_wait_min * 60
    arrivals = {hour: history.arrivals.get((service.code, hour), 0) / (days or 1) for hour in hours}
    needs = {
        hour: counters_needed(rate, service_s, target_s, service_level)
        for hour, rate in arrivals.items()
    }
    return {
        "service": service.code,
        "name": service.name,
        "target_wait_min": service.target_wait_min,
        "arrivals_per_day": round(sum(arrivals.values()), 1),
        "service_mean_s": round(service_s),
        "service_times_known": len(known),
        "service_time_default": default,
        "counters_able": able,
        "hours": [
            {
                "hour": hour,
                "arrivals_per_hour": round(arrivals[hour], 2),
                "counters": needs[hour].counters,
                "within_target": round(needs[hour].within_target, 3),
                "capped": needs[hour].capped,
                "short_of_counters": needs[hour].counters > able,
            }
            for hour in hours
        ],
    }
