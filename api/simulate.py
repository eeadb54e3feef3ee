"""What-if: a logged day replayed under another plan (design.md section 9), for supervisors.

The replay is bounded: one day's record (at most core.simulation.MAX_VISITS tickets), at most
MAX_DESKS counters of at most MAX_SERVICES_PER_DESK services each; a day of 500 visitors replays
in tens of milliseconds (bench/bench_replay.py), so a request never holds the worker long.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import jsonify
from flask.typing import ResponseReturnValue
from pydantic import Field, StringConstraints

from api import bp
from api.auth import SUPERVISORS, require
from api.schemas import ServiceCode
from api.validation import Body, documented, parse
from core.errors import InvalidInput
from core.simulation import MAX_DESKS, MAX_SERVICES_PER_DESK, Changes, simulate
from db.web import get_db

Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\d$")]
CounterNumber = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}$")]
Hours = Annotated[str, StringConstraints(pattern=r"^\d\d:\d\d-\d\d:\d\d$")]


class Simulation(Body):
    date: Day = Field(description="The logged day to replay, YYYY-MM-DD.")
    counters: (
        Annotated[
            dict[
                CounterNumber,
                Annotated[list[ServiceCode], Field(min_length=1, max_length=MAX_SERVICES_PER_DESK)],
            ],
            Field(min_length=1, max_length=MAX_DESKS),
        ]
        | None
    ) = Field(
        None,
        description="The counters open, each with its services in calling order, e.g."
        ' {"1": ["A", "B"], "2": ["B"]}; absent: the counters of the day as they were.',
    )
    max_in_row: Annotated[int, Field(ge=1, le=20)] | None = Field(
        None,
        description="At most N priority calls in a row; null: priority always first; absent:"
        " the center's own rule.",
    )
    hours: Hours | None = Field(
        None, description="Every counter open from..to, e.g. 07:00-17:00; absent: as it was."
    )


def _seconds(text: str) -> float:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 24 or minutes > 59 or hours * 60 + minutes > 24 * 60:
        raise InvalidInput(f"{text} is not a time of the day.", code="bad_hours")
    return float(hours * 3600 + minutes * 60)


def _changes(body: Simulation) -> Changes:
    hours = None
    if body.hours is not None:
        start, end = (_seconds(part) for part in body.hours.split("-"))
        if end <= start:
            raise InvalidInput("The hours must end after they start.", code="bad_hours")
        hours = (start, end)
    counters = None
    if body.counters is not None:
        counters = {int(number): services for number, services in body.counters.items()}
    return Changes(
        counters=counters,
        max_in_row=body.max_in_row,
        strict_priority="max_in_row" in body.model_fields_set and body.max_in_row is None,
        hours=hours,
    )


@bp.post("/simulate")
@require(*SUPERVISORS)
@documented(
    "Replay a logged day (its real arrivals) under another plan, beside what really happened",
    body=Simulation,
    access="supervisor",
    responses={
        200: "{date, tickets, served, unserved, mean_wait_min, p90_wait_min,"
        " within_target_share, per_service, simulated, actual, plan, queue}",
        400: "bad input; bad_plan; unserved_service (a service had visitors but no counter);"
        " too_large",
        404: "no_record: no ticket that day",
    },
)
def simulate_day() -> ResponseReturnValue:
    body = parse(Simulation)
    try:
        day = date.fromisoformat(body.date)
    except ValueError:
        raise InvalidInput(f"{body.date} is not a day.", code="bad_date") from None
    return jsonify(simulate(get_db(), day, _changes(body)))
