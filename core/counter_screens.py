"""What the screen over each counter shows: its state, the ticket in hand, the clerk's name.

Public: it goes to every hall display, so it carries only what a sign over the counter shows
anyway. The ticket's label and the service it is served for (never its priority category),
the clerk's display name (never the username, which signs in), open, paused or closed (never
the pause's reason, which a clerk types for the supervisor), and the services the counter takes.
Reads only.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.rows import rows


def counter_screens(db: Database) -> list[dict[str, Any]]:
    """Every counter as the screen over it shows it, by number.

    `ticket` is the ticket the counter has called or is serving (`{label, service, status}`,
    `service` the queue it is served in, after a transfer too), or null when it is idle;
    `clerk` the display name of the clerk holding it, or null (closed, or no name given);
    `services` the codes of the services it takes today (switched-off ones left out).
    """
    services: dict[int, list[str]] = {}
    for row in rows(
        db,
        # a service switched off is taken nowhere today: the sign does not offer it
        "SELECT counter, service FROM counter_services JOIN services ON code = service"
        " WHERE enabled = 1 ORDER BY counter, rank",
    ):
        services.setdefault(row["counter"], []).append(row["service"])
    tickets: dict[int, dict[str, Any]] = {}
    # Oldest call first, so a counter holding two tickets (it never should) shows its latest.
    for row in rows(
        db,
        # through the counters, so each looks its tickets up by tickets_counter(counter, status)
        "SELECT counter, label, queue, tickets.status FROM counters JOIN tickets"
        " ON tickets.counter = counters.number AND tickets.status IN ('called', 'serving')"
        " ORDER BY called_at",
    ):
        tickets[row["counter"]] = {
            "label": row["label"],
            "service": row["queue"],
            "status": row["status"],
        }
    return [
        {
            "number": row["number"],
            "status": row["status"],
            "clerk": row["clerk_name"] if row["status"] != "closed" else None,
            "ticket": tickets.get(row["number"]),
            "services": services.get(row["number"], []),
        }
        for row in rows(
            db,
            "SELECT counters.number, counters.status, users.display_name AS clerk_name"
            " FROM counters LEFT JOIN users ON users.username = counters.clerk"
            " ORDER BY counters.number",
        )
    ]


def counter_screen(db: Database, number: int) -> dict[str, Any] | None:
    """One counter's screen (see `counter_screens`), or None when there is no such counter."""
    for screen in counter_screens(db):
        if screen["number"] == number:
            return screen
    return None
