"""The promised call window: the clock times between which a visitor should be called
("Dự kiến được gọi: 09:40 - 09:55"), and how often the promise held (design.md section 9).

A prediction of the wait (people ahead x median service time / counters open) is right on
average and wrong for each visitor; so the window is the prediction stretched by what the
service's own record says of it: over the last LEARN_DAYS days, the ratio of each ticket's actual
wait to its predicted one, by hour of the day, and its 10th and 90th percentiles. Eight visitors
in ten should then be called inside their window, and the window is no wider than the record's
spread needs. With too few tickets for an hour the service's ratios over all hours are used,
then the whole center's, then DEFAULT_BAND. A ticket with nobody ahead is called as soon as a
counter is free: its band is learned apart, from the tickets that had nobody ahead either.

A day's bands are learned once, by the first ticket of the day, and kept in `calibrations`, so
a ticket costs one indexed read. A wait predicted shorter than PREDICTED_FLOOR_S still takes a
call and a walk: ratios are taken against at least that.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.models import timestamp

LEARN_DAYS = 28
LOW, HIGH = 0.10, 0.90
MIN_SAMPLES = 20
DEFAULT_BAND = (0.5, 1.8)  # before there is a record: a wide window, honestly
PREDICTED_FLOOR_S = 120
ROUND_S = 5 * 60
EVERY_HOUR = -1  # a service's band over all hours
NOBODY_AHEAD = -2  # the band of tickets predicted shorter than PREDICTED_FLOOR_S: a call away
CENTER = "*"  # the band of every service together
TARGET_SHARE = 0.8


def _quantile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _band(ratios: list[float]) -> tuple[float, float]:
    ordered = sorted(ratios)
    return _quantile(ordered, LOW), _quantile(ordered, HIGH)


def learn(db: Database, day: date) -> None:
    """Learn the day's bands from the LEARN_DAYS days before it (once: later calls do nothing)."""
    if db.execute(
        "SELECT 1 FROM calibrations WHERE day = ? AND service = ? AND hour = ?",
        [day.isoformat(), CENTER, EVERY_HOUR],
    ).fetchone():
        return
    zone = get_center(db).zone
    groups: dict[tuple[str, int], list[float]] = {}
    for queue, issued, called, predicted in db.execute(
        "SELECT queue, issued_at, called_at, predicted_wait_s FROM tickets"
        " WHERE day >= ? AND day < ? AND called_at IS NOT NULL AND predicted_wait_s IS NOT NULL",
        [(day - timedelta(days=LEARN_DAYS)).isoformat(), day.isoformat()],
    ):
        issued_at = datetime.fromisoformat(issued)
        actual = (datetime.fromisoformat(called) - issued_at).total_seconds()
        ratio = max(actual, 0.0) / max(predicted, PREDICTED_FLOOR_S)
        if predicted < PREDICTED_FLOOR_S:  # nobody ahead: how long a call and a walk take
            keys: tuple[tuple[str, int], ...] = ((queue, NOBODY_AHEAD), (CENTER, NOBODY_AHEAD))
        else:
            hour = issued_at.astimezone(zone).hour
            keys = ((queue, hour), (queue, EVERY_HOUR), (CENTER, EVERY_HOUR))
        for key in keys:
            groups.setdefault(key, []).append(ratio)
    bands = [
        (day.isoformat(), service, hour, *_band(ratios), len(ratios))
        for (service, hour), ratios in groups.items()
        if len(ratios) >= MIN_SAMPLES
    ]
    if (CENTER, EVERY_HOUR) not in {(service, hour) for _, service, hour, *_rest in bands}:
        # the mark that the day is learned, so the next ticket reads it instead of learning
        bands.append((day.isoformat(), CENTER, EVERY_HOUR, *DEFAULT_BAND, 0))
    db.conn.executemany(
        "INSERT OR IGNORE INTO calibrations (day, service, hour, low, high, samples)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        bands,
    )


def band_for(
    db: Database, service: str, moment: datetime, predicted_wait_s: int
) -> tuple[float, float]:
    """The band of ratios for a ticket of `service` issued at `moment` with this prediction
    (learned on first use): the service's at that hour, else over all hours, else the center's;
    a ticket with nobody ahead takes the band of those like it."""
    center = get_center(db)
    local = moment.astimezone(center.zone)
    day = local.date()
    learn(db, day)
    keys = (
        ((service, NOBODY_AHEAD), (CENTER, NOBODY_AHEAD))
        if predicted_wait_s < PREDICTED_FLOOR_S
        else ((service, local.hour), (service, EVERY_HOUR), (CENTER, EVERY_HOUR))
    )
    for key, hour in keys:
        found = db.execute(
            "SELECT low, high FROM calibrations WHERE day = ? AND service = ? AND hour = ?",
            [day.isoformat(), key, hour],
        ).fetchone()
        if found:
            return float(found[0]), float(found[1])
    return DEFAULT_BAND


def _mark(moment: datetime, rounding: Callable[[float], float]) -> datetime:
    step = rounding(moment.timestamp() / ROUND_S)
    return datetime.fromtimestamp(step * ROUND_S, moment.tzinfo)


def call_window(
    db: Database, service: str, predicted_wait_s: int, now: datetime
) -> tuple[datetime, datetime]:
    """From when to when the visitor should be called, on 5-minute marks at least one apart.

    The start is the mark before (a visitor called at once was called inside the window); the
    end is the nearest mark, since rounding it up as well would keep more than 8 promises in 10
    with a window wider than the record needs."""
    low, high = band_for(db, service, now, predicted_wait_s)
    predicted = max(predicted_wait_s, PREDICTED_FLOOR_S)
    start = _mark(now + timedelta(seconds=predicted * low), math.floor)
    end = _mark(now + timedelta(seconds=predicted * high), round)
    return start, max(end, start + timedelta(seconds=ROUND_S))


def window_text(db: Database, start: datetime | str, end: datetime | str) -> dict[str, str]:
    """A window as the visitor reads it: {"from": "09:40", "to": "09:55"}, the center's time."""
    zone = get_center(db).zone
    first, last = (
        moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
        for moment in (start, end)
    )
    return {"from": f"{first.astimezone(zone):%H:%M}", "to": f"{last.astimezone(zone):%H:%M}"}


def stored(window: tuple[datetime, datetime]) -> tuple[str, str]:
    return timestamp(window[0]), timestamp(window[1])


def promise_report(db: Database, first: date, last: date) -> dict[str, Any]:
    """How often the printed window held, per service and hour: a ticket called inside its
    window kept the promise; one called outside it, or never called (expired), did not. A
    ticket the visitor cancelled made no claim on it."""
    from core.center import list_services
    from core.reports import check_period

    check_period(first, last)
    zone = get_center(db).zone
    names = {service.code: service.name for service in list_services(db)}
    services: dict[str, dict[str, Any]] = {}
    for service, issued, called, start, end in db.execute(
        "SELECT service, issued_at, called_at, window_from, window_to FROM tickets"
        " WHERE day BETWEEN ? AND ? AND window_from IS NOT NULL AND status != 'cancelled'"
        " AND (called_at IS NOT NULL OR status = 'expired')",
        [first.isoformat(), last.isoformat()],
    ):
        held = called is not None and start <= called <= end
        hour = datetime.fromisoformat(issued).astimezone(zone).hour
        row = services.setdefault(
            service, {"service": service, "name": names.get(service, service), "hours": {}}
        )
        for figures in (row, row["hours"].setdefault(hour, {"hour": hour})):
            figures["issued"] = figures.get("issued", 0) + 1
            figures["called_in_window"] = figures.get("called_in_window", 0) + held
    for row in services.values():
        for figures in (row, *row["hours"].values()):
            figures["share"] = round(figures["called_in_window"] / figures["issued"], 3)
        row["hours"] = [row["hours"][hour] for hour in sorted(row["hours"])]
    issued = sum(row["issued"] for row in services.values())
    held = sum(row["called_in_window"] for row in services.values())
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "target": TARGET_SHARE,
        "issued": issued,
        "called_in_window": held,
        "share": round(held / issued, 3) if issued else None,
        "services": sorted(services.values(), key=lambda row: row["service"]),
    }
