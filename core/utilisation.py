"""How each clerk's time at the counter was spent over a period: serving, paused, and idle while
visitors of their counter's services were waiting (`GET /api/reports/clerks`).

A clerk's time at a counter runs from opening (or resuming) it to pausing or closing it; the
time serving is from each call to its finish (or the no-show); idle while others wait is the
rest of that time during which at least one ticket of a service the counter serves was waiting
(issued and not yet called or cancelled). That last figure is the one a manager acts on: a
clerk idle while the hall waits is a counter serving the wrong services, or a slow "next".
The counter's services are today's configuration, as the record does not keep yesterday's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from core.center import get_center, list_counters
from core.reports import check_period

Span = tuple[float, float]


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _overlap(first: list[Span], second: list[Span]) -> float:
    """The length of time two sorted, merged lists of spans share."""
    total, i, j = 0.0, 0, 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        total += max(0.0, end - start)
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return total


def _without(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` less `holes` (both sorted and merged)."""
    left: list[Span] = []
    for start, end in spans:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                left.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < end:
            left.append((cursor, end))
    return left


def _seconds(text: str, epoch: datetime) -> float:
    return (datetime.fromisoformat(text) - epoch).total_seconds()


def clerk_time(db: Database, first: date, last: date) -> dict[str, Any]:
    """Per clerk: time at a counter, serving, paused, and idle while others waited (seconds),
    and the share of the time at a counter spent serving."""
    check_period(first, last)
    zone = get_center(db).zone
    epoch = datetime.combine(first, time(), zone)
    end_of_period = datetime.combine(last + timedelta(days=1), time(), zone)
    bounds = [t.astimezone(UTC).isoformat(timespec="milliseconds") for t in (epoch, end_of_period)]
    period_s = (end_of_period - epoch).total_seconds()
    services = {counter.number: set(counter.services) for counter in list_counters(db)}
    open_spans: dict[tuple[str, int], list[Span]] = {}
    paused: dict[str, float] = {}
    since: dict[int, tuple[str, str, float]] = {}  # counter -> (clerk, kind, at)
    for counter, kind, at, clerk in db.execute(
        "SELECT counter, kind, at, clerk FROM counter_events WHERE at >= ? AND at < ?"
        " ORDER BY at, id",
        bounds,
    ):
        moment = _seconds(at, epoch)
        previous = since.pop(counter, None)
        if previous is not None:
            holder, state, began = previous
            if state in ("opened", "resumed"):
                open_spans.setdefault((holder, counter), []).append((began, moment))
            elif state == "paused":
                paused[holder] = paused.get(holder, 0.0) + moment - began
        if kind != "closed":
            since[counter] = (clerk or (previous[0] if previous else ""), kind, moment)
    for counter, (holder, state, began) in since.items():  # still open at the period's end
        if state in ("opened", "resumed"):
            open_spans.setdefault((holder, counter), []).append((began, period_s))
    serving: dict[tuple[str, int], list[Span]] = {}
    waiting: dict[str, list[Span]] = {}
    for queue, counter, clerk, issued, called, finished in db.execute(
        "SELECT queue, counter, clerk, issued_at, called_at, finished_at FROM tickets"
        " WHERE day BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ):
        waited_until = called or finished or bounds[1]
        waiting.setdefault(queue, []).append(
            (_seconds(issued, epoch), _seconds(waited_until, epoch))
        )
        if called and clerk is not None and counter is not None:
            ended = _seconds(finished, epoch) if finished else period_s
            serving.setdefault((clerk, counter), []).append((_seconds(called, epoch), ended))
    queues = {queue: _merged(spans) for queue, spans in waiting.items()}
    clerks: dict[str, dict[str, float]] = {}
    for (clerk, counter), spans in open_spans.items():
        at_counter = _merged(spans)
        busy = _merged(serving.get((clerk, counter), []))
        idle = _without(at_counter, busy)
        someone_waits = _merged(
            span for queue in services.get(counter, ()) for span in queues.get(queue, [])
        )
        figures = clerks.setdefault(clerk, {"open": 0.0, "serving": 0.0, "idle_waiting": 0.0})
        figures["open"] += sum(end - start for start, end in at_counter)
        figures["serving"] += _overlap(at_counter, busy)
        figures["idle_waiting"] += _overlap(idle, someone_waits)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "clerks": [
            {
                "clerk": clerk,
                "open_s": round(figures["open"]),
                "serving_s": round(figures["serving"]),
                "paused_s": round(paused.get(clerk, 0.0)),
                "idle_while_waiting_s": round(figures["idle_waiting"]),
                "utilisation": (
                    round(figures["serving"] / figures["open"], 3) if figures["open"] else None
                ),
            }
            for clerk, figures in sorted(clerks.items())
        ],
    }
