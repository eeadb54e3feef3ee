"""The advisor's log: every proposed move, what the supervisor decided, and what followed.

A round (`log_round`, every minute from the server's tick and whenever a supervisor asks)
records the moves core/advice.py proposes now. A move already pending keeps its row (and its
id, which the monitor's button applies); a pending move the advisor no longer proposes (the hall
changed) ends `expired`; a move the supervisor dismissed is not proposed again for 30 minutes.
Rounds are idempotent and run in one `BEGIN IMMEDIATE`, so however many workers tick, a move is
logged once.

`wait_later_min` is the queue's longest wait 30 minutes after the proposal, read from the tickets
themselves (the oldest ticket of the queue waiting then: issued before it and not yet called,
finished or cancelled), so it is right whenever it is filled: at the first round past the
30 minutes, or when the report is read.

Like all of core/, it knows no Flask.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.advice import Move, advise
from core.audit import record
from core.center import get_center, get_counter
from core.counters import move_clerk
from core.domain_events import collect, committed
from core.errors import Conflict, NotFound
from core.models import Counter, parse_timestamp, timestamp
from core.reports import check_period
from core.rows import rows
from core.transaction import immediate

LATER_MIN = 30
DISMISSED_FOR_MIN = 30
FAR_FUTURE = "9999-12-31T00:00:00.000+00:00"


def log_round(db: Database, *, now: datetime) -> list[dict[str, Any]]:
    """Propose the moves of now and log them; answer them with their advice ids."""
    moves = advise(db, now=now)
    day, at = get_center(db).day(now), timestamp(now)
    quiet_since = timestamp(now - timedelta(minutes=DISMISSED_FOR_MIN))
    answered: list[dict[str, Any]] = []
    with immediate(db):
        _fill_waits_later(db, now=now)
        pending = {
            (row["service"], row["clerk"], row["from_counter"], row["to_counter"]): row["id"]
            for row in rows(
                db, "SELECT * FROM advice WHERE decision = 'pending' AND day = ?", [day]
            )
        }
        dismissed = {
            (row["service"], row["clerk"], row["from_counter"], row["to_counter"])
            for row in rows(
                db,
                "SELECT * FROM advice WHERE decision = 'ignored' AND decided_at >= ?",
                [quiet_since],
            )
        }
        kept: set[int] = set()
        for move in moves:
            key = (move.to_service, move.clerk, move.from_counter, move.to_counter)
            if key in dismissed:
                continue
            advice_id = pending.get(key) or _insert(db, move, day=day, at=at)
            kept.add(advice_id)
            answered.append({"id": advice_id, **asdict(move)})
        stale = [advice_id for advice_id in pending.values() if advice_id not in kept]
        for advice_id in stale:
            _decide(db, advice_id, "expired", at=at, by=None)
        db.execute(  # a past day's pending advice ended with its day
            "UPDATE advice SET decision = 'expired', decided_at = ? WHERE decision = 'pending'"
            " AND day < ?",
            [at, day],
        )
    return answered


def _insert(db: Database, move: Move, *, day: str, at: str) -> int:
    cursor = db.execute(
        "INSERT INTO advice (at, day, service, clerk, from_counter, from_service, to_counter,"
        " wait_now_min, wait_after_min, from_wait_before_min, from_wait_after_min, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            at,
            day,
            move.to_service,
            move.clerk,
            move.from_counter,
            move.from_service,
            move.to_counter,
            move.wait_now_min,
            move.wait_after_min,
            move.from_wait_before_min,
            move.from_wait_after_min,
            move.reason,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _decide(db: Database, advice_id: int, decision: str, *, at: str, by: str | None) -> None:
    db.execute(
        "UPDATE advice SET decision = ?, decided_at = ?, decided_by = ? WHERE id = ?",
        [decision, at, by, advice_id],
    )


def get_advice(db: Database, advice_id: int) -> dict[str, Any]:
    for row in rows(db, "SELECT * FROM advice WHERE id = ?", [advice_id]):
        return row
    raise NotFound(f"No advice {advice_id}.")


def _pending(db: Database, advice_id: int) -> dict[str, Any]:
    advice = get_advice(db, advice_id)
    if advice["decision"] != "pending":
        raise Conflict(f"Advice {advice_id} is {advice['decision']} already.", code="decided")
    return advice


def apply_advice(
    db: Database, advice_id: int, *, supervisor: str, now: datetime
) -> tuple[Counter, Counter]:
    """Make the proposed move (core.counters.move_clerk, audited) and log it as applied.

    Refused (409) when the advice was decided, or its clerk left the counter since: the move
    would no longer be the one proposed.
    """
    advice = _pending(db, advice_id)
    if get_counter(db, advice["from_counter"]).clerk != advice["clerk"]:
        with immediate(db):
            _decide(db, advice_id, "expired", at=timestamp(now), by=None)
        raise Conflict(
            f"{advice['clerk']} is no longer at counter {advice['from_counter']}.", code="stale"
        )
    moved, events = collect(
        move_clerk,
        db,
        advice["from_counter"],
        advice["to_counter"],
        supervisor=supervisor,
        now=now,
    )
    with immediate(db):
        _decide(db, advice_id, "applied", at=timestamp(now), by=supervisor)
        record(
            db,
            actor=supervisor,
            action="advice.applied",
            now=now,
            target=str(advice_id),
            after={
                "service": advice["service"],
                "from": advice["from_counter"],
                "to": advice["to_counter"],
            },
        )
    return committed(moved, *events)  # the move's pushes, to whoever collects them


def dismiss_advice(db: Database, advice_id: int, *, supervisor: str, now: datetime) -> None:
    """Log that the supervisor chose not to follow the advice (it stays quiet 30 minutes)."""
    with immediate(db):
        _pending(db, advice_id)
        _decide(db, advice_id, "ignored", at=timestamp(now), by=supervisor)


def longest_wait_at(db: Database, service: str, day: str, moment: datetime) -> float:
    """The queue's longest wait at a past moment, minutes: its oldest ticket waiting then."""
    at = timestamp(moment)
    (oldest,) = db.execute(
        "SELECT min(issued_at) FROM tickets WHERE day = ? AND queue = ? AND issued_at <= ?"
        " AND coalesce(called_at, finished_at, CASE status WHEN 'waiting' THEN ? END) > ?",
        [day, service, at, FAR_FUTURE, at],
    ).fetchone()
    if oldest is None:
        return 0.0
    return round((moment - parse_timestamp(oldest)).total_seconds() / 60, 1)


def _fill_waits_later(db: Database, *, now: datetime) -> None:
    due = timestamp(now - timedelta(minutes=LATER_MIN))
    for row in rows(
        db,
        "SELECT id, at, day, service FROM advice WHERE wait_later_min IS NULL AND at <= ?",
        [due],
    ):
        later = parse_timestamp(row["at"]) + timedelta(minutes=LATER_MIN)
        db.execute(
            "UPDATE advice SET wait_later_min = ? WHERE id = ?",
            [longest_wait_at(db, row["service"], row["day"], later), row["id"]],
        )


def advice_report(db: Database, first: date, last: date, *, now: datetime) -> dict[str, Any]:
    """How often advice was taken, and the queue's wait 30 minutes later, taken or not."""
    check_period(first, last)
    with immediate(db):
        _fill_waits_later(db, now=now)
    proposals = rows(
        db,
        "SELECT * FROM advice WHERE day BETWEEN ? AND ? ORDER BY at",
        [first.isoformat(), last.isoformat()],
    )
    groups: dict[str, list[dict[str, Any]]] = {"taken": [], "not_taken": []}
    decisions = {"pending": 0, "applied": 0, "ignored": 0, "expired": 0}
    for proposal in proposals:
        decisions[proposal["decision"]] += 1
        if proposal["decision"] != "pending":
            taken = proposal["decision"] == "applied"
            groups["taken" if taken else "not_taken"].append(proposal)
    proposed = len(proposals)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "proposed": proposed,
        "taken": decisions["applied"],
        "taken_share": round(decisions["applied"] / proposed, 3) if proposed else None,
        "decisions": decisions,
        "taken_effect": _effect(groups["taken"]),
        "not_taken_effect": _effect(groups["not_taken"]),
        "proposals": [_public(proposal) for proposal in proposals[-200:]],
    }


def _effect(proposals: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean wait when proposed, 30 minutes later, and the change, where it is known."""
    known = [proposal for proposal in proposals if proposal["wait_later_min"] is not None]
    if not known:
        unknown = {"wait_now_min": None, "wait_later_min": None, "change_min": None}
        return {"count": len(proposals), "measured": 0, **unknown}
    before = sum(proposal["wait_now_min"] for proposal in known) / len(known)
    later = sum(proposal["wait_later_min"] for proposal in known) / len(known)
    return {
        "count": len(proposals),
        "measured": len(known),
        "wait_now_min": round(before, 1),
        "wait_later_min": round(later, 1),
        "change_min": round(later - before, 1),
    }


def _public(proposal: dict[str, Any]) -> dict[str, Any]:
    return {
        key: proposal[key]
        for key in (
            "id",
            "at",
            "service",
            "clerk",
            "from_counter",
            "to_counter",
            "wait_now_min",
            "wait_after_min",
            "decision",
            "decided_at",
            "decided_by",
            "wait_later_min",
            "reason",
        )
    }
