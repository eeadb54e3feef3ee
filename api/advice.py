"""The rebalancing advisor for supervisors (design.md section 9, "Intelligence"): the moves it
proposes now, applying or dismissing one, and how advice fared over a period.

Asking for the moves also logs them (core/advice_log.py: a round is idempotent), so every move
shown has the id its button applies; the server's minute tick (db/advice.py) logs rounds while
nobody looks, so the report sees every proposal.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.auth import SUPERVISORS, current_user, require
from api.counters import counter_json
from api.reports import period
from api.validation import documented
from core.advice_log import advice_report, apply_advice, dismiss_advice, log_round
from core.domain_events import collect
from db.web import get_db, now

DECIDED = {404: "no such advice", 409: "decided already, or its clerk left the counter"}


def _supervisor() -> str:
    user = current_user()
    assert user is not None
    return user.username


@bp.get("/advice/moves")
@require(*SUPERVISORS)
@documented(
    "The clerk moves that would bring a queue over its target back under it (logged)",
    access="supervisor",
    responses={
        200: "[{id, clerk, clerk_name, from_counter, from_service, to_counter, to_service,"
        " wait_now_min, wait_after_min, from_wait_before_min, from_wait_after_min, reason}];"
        " [] when none helps"
    },
)
def advice_moves() -> ResponseReturnValue:
    return jsonify(log_round(get_db(), now=now()))


@bp.post("/advice/<int:advice_id>/apply")
@require(*SUPERVISORS)
@documented(
    "Make the proposed move (the audited move of a clerk) and log the advice as applied",
    access="supervisor",
    responses={200: "{advice, from, to}: the two counters", **DECIDED},
)
def apply_advice_move(advice_id: int) -> ResponseReturnValue:
    (left, joined), events = collect(
        apply_advice, get_db(), advice_id, supervisor=_supervisor(), now=now()
    )
    realtime.dispatch(events)
    return jsonify(
        {
            "advice": advice_id,
            "decision": "applied",
            "from": counter_json(left),
            "to": counter_json(joined),
        }
    )


@bp.post("/advice/<int:advice_id>/dismiss")
@require(*SUPERVISORS)
@documented(
    "Log that the advice was not followed (the same move is not proposed for 30 minutes)",
    access="supervisor",
    responses={200: "{advice, decision: ignored}", **DECIDED},
)
def dismiss_advice_move(advice_id: int) -> ResponseReturnValue:
    dismiss_advice(get_db(), advice_id, supervisor=_supervisor(), now=now())
    return jsonify({"advice": advice_id, "decision": "ignored"})


@bp.get("/reports/advice")
@require(*SUPERVISORS)
@documented(
    "How often the advisor's moves were taken, and the queue's wait 30 minutes later",
    access="supervisor",
    responses={
        200: "{from, to, proposed, taken, taken_share, decisions, taken_effect,"
        " not_taken_effect, proposals}",
        400: "bad dates",
    },
)
def report_advice() -> ResponseReturnValue:
    return jsonify(advice_report(get_db(), *period(), now=now()))
