"""The summary report: per service, per counter and per clerk, over a period of center days.

What each figure means, so that a manager and a program read them the same way:

- issued: tickets numbered by the service (a transferred ticket counts where it was issued);
- per department: its services' figures added up (a ticket issued in one department and
  transferred to another counts issued in the first, served in the second);
- served, no_show, cancelled, expired: where the ticket ended: its queue at the end, and the
  counter and clerk of its last call (expired: still waiting when its day ended, core/midnight.py);
- wait: from issue to the call that led to the outcome (a returned or transferred ticket waits
  until its last call);
- service time: from "start" (or the call, when the clerk did not press start) to "finish";
- service level: the share of served tickets called within their service's target wait;
- rating: on the center's scale in force (3 levels or 4 faces; ratings given on the other are
  converted, core.ratings.level_on): how many, the mean level (highest best), the share that was
  not low (the satisfaction figure), how many were low and the reasons they gave; the ratings
  themselves, with comments and dossiers, and the per-dossier figure are core/rating_report.py's;
- bookings: per service that had any, see core/booking_report.py.

Reads only. Durations are computed by SQLite (julianday) in one pass over the period's tickets,
so a year of one center (150,000 tickets) is summarised well under a second (bench/).
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlite_utils import Database

from core.center import get_center, list_counters, list_departments, list_services
from core.errors import InvalidInput
from core.rating_report import dossier_figures
from core.ratings import is_low, level_on

MAX_DAYS = 366
LONG_PERIOD_DAYS = 31


@dataclass
class Figures:
    """What one row of the report adds up as the tickets go by."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    within_target: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)  # on the center's scale
    low_ratings: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def rated(self, level: int, low: bool, reasons: list[str], count: int) -> None:
        """Count `count` ratings of one level (on the center's scale) giving the same reasons."""
        self.scores.extend([level] * count)
        self.low_ratings += count if low else 0
        for reason in reasons:
            self.reasons[reason] += count

    def add(self, other: Figures) -> None:
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.cancelled += other.cancelled
        self.expired += other.expired
        self.within_target += other.within_target
        self.waits.extend(other.waits)
        self.service_times.extend(other.service_times)
        self.scores.extend(other.scores)
        self.low_ratings += other.low_ratings
        self.reasons.update(other.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "expired": self.expired,
            "wait_mean_s": mean_s(self.waits),
            "wait_p90_s": p90_s(self.waits),
            "service_mean_s": mean_s(self.service_times),
            "service_p90_s": p90_s(self.service_times),
            "service_level": round(self.within_target / self.served, 3) if self.served else None,
            "rating_mean": round(statistics.fmean(self.scores), 2) if self.scores else None,
            "ratings": len(self.scores),
            "satisfied_share": (
                round(1 - self.low_ratings / len(self.scores), 3) if self.scores else None
            ),
            "low_ratings": self.low_ratings,
            "reasons": dict(sorted(self.reasons.items())),
        }


def mean_s(values: list[float]) -> int | None:
    return round(statistics.fmean(values)) if values else None


def p90_s(values: list[float]) -> int | None:
    """The 90th percentile by nearest rank: 9 in 10 waited (or were served) this long or less."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1])


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput("The period ends before it starts.", code="bad_period")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"A report covers at most {MAX_DAYS} days.", code="bad_period")


def summary(db: Database, first: date, last: date) -> dict[str, Any]:
    """Summarise the center days first..last (both included)."""
    check_period(first, last)
    services = {service.code: service for service in list_services(db)}
    counters = {counter.number: counter for counter in list_counters(db)}
    period = [first.isoformat(), last.isoformat()]
    totals = Figures()
    by_service = {code: Figures() for code, service in services.items() if service.enabled}
    by_counter = {number: Figures() for number in counters}
    by_clerk: dict[str, Figures] = {}
    for (service, queue, counter, clerk, _status), figures in _tickets(db, period, first, last):
        # julianday's doubles differ from the stored milliseconds by microseconds: allow 1 ms
        target = (services[queue].target_wait_min * 60 if queue in services else 0) + 0.001
        figures.within_target = sum(wait <= target for wait in figures.waits)
        totals.add(figures)
        by_service.setdefault(service, Figures()).issued += figures.issued
        ended = replace(figures, issued=0)  # where a ticket ended is not where it was issued
        by_service.setdefault(queue, Figures()).add(ended)
        if counter is not None:
            by_counter.setdefault(counter, Figures()).add(ended)
        if clerk is not None:
            by_clerk.setdefault(clerk, Figures()).add(ended)
    scale = get_center(db).rating_scale
    # Counted in SQLite by what differs (a year is ~40,000 ratings, a few thousand groups).
    for service, counter, clerk, score, given_on, reasons, count in db.execute(
        "SELECT service, counter, clerk, score, scale, reasons, count(*) FROM ratings"
        " WHERE day BETWEEN ? AND ? GROUP BY service, counter, clerk, score, scale, reasons",
        period,
    ):
        level = level_on(score, given_on, scale)
        rating = (level, is_low(level, scale), json.loads(reasons) if reasons else [], count)
        for rated in (totals, by_service.get(service), by_counter.get(counter)):
            if rated is not None:
                rated.rated(*rating)
        if clerk is not None:
            by_clerk.setdefault(clerk, Figures()).rated(*rating)

    from core.booking_report import bookings_summary  # it reads this module's figures

    by_department: dict[str, Figures] = {}
    for code, figures in by_service.items():
        department = services[code].department if code in services else ""
        by_department.setdefault(department, Figures()).add(figures)
    departments = {department.code: department for department in list_departments(db)}
    return {
        "from": period[0],
        "to": period[1],
        "rating_scale": scale,
        "totals": totals.as_dict(),
        "dossiers": dossier_figures(db, first, last, scale),
        "bookings": bookings_summary(db, first, last),
        "services": [
            {
                "service": code,
                "name": services[code].name if code in services else code,
                "target_wait_min": services[code].target_wait_min if code in services else None,
                **figures.as_dict(),
            }
            for code, figures in _in_order(by_service, list(services))
        ],
        "departments": [
            {
                "department": code,
                "name": departments[code].name if code in departments else code,
                **figures.as_dict(),
            }
            for code, figures in _in_order(by_department, list(departments))
        ],
        "counters": [
            {
                "counter": number,
                "name": counters[number].name if number in counters else str(number),
                **figures.as_dict(),
            }
            for number, figures in sorted(by_counter.items())
        ],
        "clerks": [
            {"clerk": clerk, **figures.as_dict()} for clerk, figures in sorted(by_clerk.items())
        ],
    }


def _tickets(
    db: Database, period: list[str], first: date, last: date
) -> list[tuple[tuple[Any, ...], Figures]]:
    """The period's tickets in one pass, gathered by (service, queue, counter, clerk, status).

    Over a long period SQLite is told to read the table straight through (`+day`): walking the
    day index and fetching each row from it is slower when most rows are wanted.
    """
    day = "+day" if (last - first).days > LONG_PERIOD_DAYS else "day"
    groups: dict[tuple[Any, ...], tuple[list[float], list[float]]] = {}
    for service, queue, counter, clerk, status, wait_s, service_s in db.execute(
        "SELECT service, queue, counter, clerk, status, CASE WHEN status = 'done' THEN"
        " (julianday(called_at) - julianday(issued_at)) * 86400.0 END, CASE WHEN status = 'done'"
        " THEN (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400.0 END"
        f" FROM tickets WHERE {day} BETWEEN ? AND ?",
        period,
    ):
        key = (service, queue, counter, clerk, status)
        found = groups.get(key)
        if found is None:
            found = groups[key] = ([], [])
        found[0].append(wait_s)
        found[1].append(service_s)
    gathered = []
    for key, (waits, service_times) in groups.items():
        count, done = len(waits), key[4] == "done"
        if done:
            # sorted runs: the sorts of the merged lists (per service, counter...) then run fast
            waits.sort()
            service_times.sort()
        gathered.append(
            (
                key,
                Figures(
                    issued=count,
                    served=count if done else 0,
                    no_show=count if key[4] == "no_show" else 0,
                    cancelled=count if key[4] == "cancelled" else 0,
                    expired=count if key[4] == "expired" else 0,
                    waits=waits if done else [],
                    service_times=service_times if done else [],
                ),
            )
        )
    return gathered


def _in_order(groups: dict[str, Figures], order: list[str]) -> list[tuple[str, Figures]]:
    """The services in the kiosk's order, then any no longer configured."""
    rank = {code: index for index, code in enumerate(order)}
    return sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
