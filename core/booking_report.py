"""The bookings of a period, beside the walk-ins of the same services: how many were booked,
came (checked in), did not come (expired) or cancelled, and how long each kind waited.

A booked visitor's wait runs from the later of the check-in and the slot's start to the call
that led to the outcome: checking in early is the visitor's choice, not the center's delay. A
walk-in's wait is the summary's (core.reports): from issue to that call. Reads only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from core.center import list_services
from core.reports import check_period, mean_s, p90_s


def bookings_summary(db: Database, first: date, last: date) -> list[dict[str, Any]]:
    """Per service that had bookings in the center days first..last: the bookings and waits."""
    check_period(first, last)
    period = [first.isoformat(), last.isoformat()]
    rows: dict[str, dict[str, Any]] = {}
    for service, status, ticket_status, wait_s in db.execute(
        "SELECT a.service, a.status, t.status, CASE WHEN t.status = 'done' THEN"
        " (julianday(t.called_at) - julianday(max(t.issued_at, a.starts_at))) * 86400.0 END"
        " FROM appointments a LEFT JOIN tickets t ON t.id = a.ticket"
        " WHERE a.day BETWEEN ? AND ?",
        period,
    ):
        row = rows.setdefault(service, _empty(service))
        row["booked"] += 1
        row["pending" if status == "booked" else status] += 1
        row["served"] += ticket_status == "done"
        if wait_s is not None:
            row["booked_waits"].append(max(0.0, wait_s))
    for queue, wait_s in db.execute(
        "SELECT queue, (julianday(called_at) - julianday(issued_at)) * 86400.0 FROM tickets t"
        " WHERE day BETWEEN ? AND ? AND status = 'done'"
        " AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.ticket = t.id)",
        period,
    ):
        if queue in rows:
            rows[queue]["walk_in_waits"].append(wait_s)
    names = {service.code: service.name for service in list_services(db)}
    order = list(names)
    return [
        _figures(row, names.get(code, code))
        for code, row in sorted(
            rows.items(), key=lambda item: order.index(item[0]) if item[0] in order else 0
        )
    ]


def _empty(service: str) -> dict[str, Any]:
    return {
        "service": service,
        "booked": 0,
        "pending": 0,  # still to come: booked, neither checked in nor expired yet
        "checked_in": 0,
        "expired": 0,
        "cancelled": 0,
        "served": 0,
        "booked_waits": [],
        "walk_in_waits": [],
    }


def _figures(row: dict[str, Any], name: str) -> dict[str, Any]:
    booked_waits, walk_in_waits = row.pop("booked_waits"), row.pop("walk_in_waits")
    return {
        **row,
        "name": name,
        "booked_wait_mean_s": mean_s(booked_waits),
        "booked_wait_p90_s": p90_s(booked_waits),
        "walk_in_wait_mean_s": mean_s(walk_in_waits),
        "walk_in_wait_p90_s": p90_s(walk_in_waits),
    }
