"""The books after a replayed day: every ticket issued served once and done, every rating and
booking stored, the queue lengths back to zero, and every phone that was following hearing its
call."""

from __future__ import annotations

from pathlib import Path

from db import connect
from harness.day import Day


def account_for_every_ticket(database: Path, day: Day) -> list[str]:
    """Every ticket issued was served once and is done; every rating and booking is there."""
    problems = []
    db = connect(database)
    issued = {v.ticket for v in day.visitors if v.ticket is not None}
    statuses = {row["id"]: row["status"] for row in db.query("SELECT id, status FROM tickets")}
    if set(statuses) != issued:
        problems.append(f"{len(statuses)} tickets in the database, {len(issued)} issued")
    not_done = sorted(ticket for ticket, status in statuses.items() if status != "done")
    if not_done:
        problems.append(f"{len(not_done)} tickets not done: {not_done[:10]}")
    calls = {
        row["ticket"]: row["n"]
        for row in db.query("SELECT ticket, count(*) AS n FROM calls GROUP BY ticket")
    }
    if any(calls.get(ticket) != 1 for ticket in issued):
        problems.append("a ticket was not called exactly once")
    ratings = db.execute("SELECT count(*) FROM ratings").fetchone()[0]
    if ratings != day.result.ratings:
        problems.append(f"{ratings} ratings stored, {day.result.ratings} accepted")
    checked_in = db.execute(
        "SELECT count(*) FROM appointments WHERE status = 'checked_in'"
    ).fetchone()[0]
    if checked_in != day.result.bookings:
        problems.append(f"{checked_in} bookings checked in, {day.result.bookings} made")
    waiting = db.execute("SELECT coalesce(sum(regular + priority), 0) FROM queue_lengths")
    if waiting.fetchone()[0] != 0:
        problems.append("the queue lengths kept do not come back to zero")
    # A phone hears the call of its ticket when it was following before the call (a visitor
    # called at once has not opened the link yet: the page shows the state when it opens).
    following = [v.label for v in day.visitors if v.follows and v.label]
    opened = day.fleet.opened([f"phone:{label}" for label in following])
    early = [
        label
        for label in following
        if opened.get(f"phone:{label}", float("inf")) < day.pressed.get(label, 0)
    ]
    heard = day.fleet.arrivals("/track", early)
    unheard = [label for label in early if label not in heard]
    day.result.phones_heard = (len(early) - len(unheard), len(early))
    if unheard:
        problems.append(f"{len(unheard)} phones did not hear their call: {unheard[:5]}")
    db.conn.close()
    return problems
