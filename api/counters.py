"""Counter actions for clerks: open, pause, close, and the ticket in hand (design.md section 4).

A clerk acts only on the counter it opened; supervisors and admins may act on any. A view calls
the core operation and hands what happened, after the commit, to `realtime.dispatch`, which
decides the pushes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.auth import STAFF, SUPERVISORS, current_user, is_supervisor, require
from api.schemas import CallLabel, Finish, MoveClerk, PauseReason, Reason, Transfer
from api.tickets import ticket_json
from api.validation import documented, parse
from core import calling, counters, serving
from core.board import waiting_counts
from core.center import get_center, get_counter, list_counters
from core.domain_events import DomainEvent, collect
from core.models import Counter, Ticket
from db.web import get_db, now

CONFLICT = {409: "the counter's state forbids it"}


def _actor() -> dict[str, Any]:
    user = current_user()
    assert user is not None
    return {"clerk": user.username, "now": now(), "override": is_supervisor(user)}


def counter_json(counter: Counter, waiting: dict[str, int] | None = None) -> dict[str, Any]:
    """A counter as clerks see it; `waiting` (per service, today) when the caller has it."""
    database = get_db()
    ticket = counters.current_ticket(database, counter.number)
    if waiting is None:
        waiting = today_waiting()
    return {
        "number": counter.number,
        "name": counter.name,
        "status": str(counter.status),
        "status_reason": counter.status_reason,
        "clerk": counter.clerk,
        "services": list(counter.services),
        "ticket": ticket_json(ticket) if ticket else None,
        "waiting": {service: waiting.get(service, 0) for service in counter.services},
    }


def today_waiting() -> dict[str, int]:
    database = get_db()
    return waiting_counts(database, get_center(database).day(now()))


def _ticket_changed(ticket: Ticket, events: list[DomainEvent]) -> ResponseReturnValue:
    realtime.dispatch(events)
    return jsonify(ticket=ticket_json(ticket))


@bp.get("/counters")
@require(*STAFF)
@documented("Every counter with its state and services", access="staff")
def all_counters() -> ResponseReturnValue:
    waiting = today_waiting()  # once for all: the live monitor reads this on every push
    return jsonify([counter_json(counter, waiting) for counter in list_counters(get_db())])


@bp.get("/counters/<int:number>")
@require(*STAFF)
@documented(
    "A counter: state, ticket in hand, waiting per service",
    access="staff",
    responses={200: "counter", 404: "no such counter"},
)
def show_counter(number: int) -> ResponseReturnValue:
    return jsonify(counter_json(get_counter(get_db(), number)))


def _counter_state(change: Callable[..., Counter], **extra: Any) -> ResponseReturnValue:
    counter, events = collect(change, **_actor(), **extra)
    realtime.dispatch(events)
    return jsonify(counter_json(counter))


@bp.post("/counters/<int:number>/open")
@require(*STAFF)
@documented(
    "Open (or resume) the counter for the signed-in clerk",
    body=Reason,
    access="staff",
    responses={200: "open", **CONFLICT},
)
def open_counter(number: int) -> ResponseReturnValue:
    parse(Reason)
    return _counter_state(counters.open_counter, db=get_db(), number=number)


@bp.post("/counters/<int:number>/pause")
@require(*STAFF)
@documented(
    "Pause the counter, saying why",
    body=PauseReason,
    access="staff",
    responses={200: "paused", **CONFLICT},
)
def pause_counter(number: int) -> ResponseReturnValue:
    reason = parse(PauseReason).reason
    return _counter_state(counters.pause_counter, db=get_db(), number=number, reason=reason)


@bp.post("/counters/<int:number>/close")
@require(*STAFF)
@documented("Close the counter", body=Reason, access="staff", responses={200: "closed", **CONFLICT})
def close_counter(number: int) -> ResponseReturnValue:
    reason = parse(Reason).reason
    return _counter_state(counters.close_counter, db=get_db(), number=number, reason=reason)


@bp.post("/counters/<int:number>/move")
@require(*SUPERVISORS)
@documented(
    "Move the clerk of this counter to a closed counter (a supervisor's act, audited)",
    body=MoveClerk,
    access="supervisor",
    responses={200: "moved", 400: "same counter", 404: "no such counter", **CONFLICT},
)
def move_clerk(number: int) -> ResponseReturnValue:
    to = parse(MoveClerk).to
    user = current_user()
    assert user is not None
    (left, joined), events = collect(
        counters.move_clerk, get_db(), number, to, supervisor=user.username, now=now()
    )
    realtime.dispatch(events)
    return jsonify({"from": counter_json(left), "to": counter_json(joined)})


@bp.post("/counters/<int:number>/next")
@require(*STAFF)
@documented(
    "Call the next ticket",
    access="staff",
    responses={200: "called", 204: "nobody waits", **CONFLICT},
)
def call_next(number: int) -> ResponseReturnValue:
    called, events = collect(calling.call_next, get_db(), number, **_actor())
    if called is None:
        return "", 204
    return _ticket_changed(called[0], events)


@bp.post("/counters/<int:number>/call")
@require(*STAFF)
@documented(
    "Call a given ticket out of order (logged)",
    body=CallLabel,
    access="staff",
    responses={200: "called", 404: "no such ticket today", **CONFLICT},
)
def call_ticket(number: int) -> ResponseReturnValue:
    label = parse(CallLabel).label
    (ticket, _), events = collect(calling.call_ticket, get_db(), number, label, **_actor())
    return _ticket_changed(ticket, events)


@bp.post("/counters/<int:number>/recall")
@require(*STAFF)
@documented(
    "Announce the called ticket again", access="staff", responses={200: "recalled", **CONFLICT}
)
def recall(number: int) -> ResponseReturnValue:
    (ticket, _), events = collect(calling.recall, get_db(), number, **_actor())
    return _ticket_changed(ticket, events)


@bp.post("/counters/<int:number>/start")
@require(*STAFF)
@documented(
    "The visitor is at the counter: start serving",
    access="staff",
    responses={200: "serving", **CONFLICT},
)
def start(number: int) -> ResponseReturnValue:
    return _ticket_changed(*collect(serving.start, get_db(), number, **_actor()))


@bp.post("/counters/<int:number>/finish")
@require(*STAFF)
@documented(
    "Finish serving, with the receipt's dossier code when there is one",
    body=Finish,
    access="staff",
    responses={200: "done", 400: "bad_dossier: not a dossier code of this center", **CONFLICT},
)
def finish(number: int) -> ResponseReturnValue:
    body = parse(Finish)
    return _ticket_changed(
        *collect(
            serving.finish,
            get_db(),
            number,
            outcome=body.outcome,
            dossier=body.dossier,
            **_actor(),
        )
    )


@bp.post("/counters/<int:number>/no-show")
@require(*STAFF)
@documented(
    "The called visitor did not come", access="staff", responses={200: "no-show", **CONFLICT}
)
def no_show(number: int) -> ResponseReturnValue:
    return _ticket_changed(*collect(serving.no_show, get_db(), number, **_actor()))


@bp.post("/counters/<int:number>/transfer")
@require(*STAFF)
@documented(
    "Send the ticket to another service's queue, keeping its place",
    body=Transfer,
    access="staff",
    responses={200: "transferred", 404: "no such service", **CONFLICT},
)
def transfer(number: int) -> ResponseReturnValue:
    service = parse(Transfer).service
    return _ticket_changed(*collect(serving.transfer, get_db(), number, service, **_actor()))


@bp.post("/counters/<int:number>/return")
@require(*STAFF)
@documented(
    "Put the ticket back in its queue at its original place",
    access="staff",
    responses={200: "waiting again", **CONFLICT},
)
def return_ticket(number: int) -> ResponseReturnValue:
    return _ticket_changed(*collect(serving.return_to_queue, get_db(), number, **_actor()))
