"""What-if replay (design.md section 9, POST /api/simulate): the engine on days whose answers are
known by hand, then days lived by the real queue code (db/history.py) replayed as they were and
under other plans, and every refusal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from core.replay import Desk, Plan, Visit, replay
from core.users import create_user
from db import connect, migrate
from db.history import DayShape, generate_day
from tests.conftest import CLERK_PASSWORD, MORNING, SMALL_CENTER, sign_in

MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)
OPEN_ALL_DAY = ((0.0, 86_400.0),)


def visit(ticket: int, at: float, *, service: str = "A", **facts: Any) -> Visit:
    return Visit(
        ticket=ticket,
        service=service,
        arrived_s=at,
        priority=facts.get("priority", False),
        due_s=facts.get("due_s"),
        service_s=facts.get("service_s", 600.0),
        served=facts.get("served", True),
        leaves_s=facts.get("leaves_s"),
    )


def one_counter(*services: str, max_in_row: int | None = 2, spans: Any = OPEN_ALL_DAY) -> Plan:
    return Plan((Desk(1, services or ("A",), spans),), max_in_row)


def test_one_counter_serves_in_arrival_order() -> None:
    replayed = replay([visit(1, 0), visit(2, 0), visit(3, 60)], one_counter())

    assert replayed.waits == {1: 0, 2: 600, 3: 1140}
    assert replayed.unserved == []


def test_priority_goes_first_but_never_more_than_the_cap_in_a_row() -> None:
    visitors = [visit(1, 0)] + [visit(n, 1, priority=True) for n in range(2, 6)] + [visit(6, 2)]

    capped = replay(visitors, one_counter(max_in_row=2)).waits
    strict = replay(visitors, one_counter(max_in_row=None)).waits

    # 1 is called on arrival; then two priority, the regular 6, two priority
    assert sorted(capped, key=capped.__getitem__) == [1, 2, 3, 6, 4, 5]
    assert sorted(strict, key=strict.__getitem__) == [1, 2, 3, 4, 5, 6]


def test_a_booking_goes_first_from_its_slot_and_waits_as_a_walk_in_before() -> None:
    visitors = [visit(1, 0), visit(2, 10), visit(3, 20, due_s=600.0), visit(4, 30)]

    waits = replay(visitors, one_counter()).waits

    assert waits[3] == 600 - 20  # at 600 its slot has begun: before 2 and 4
    assert waits[2] == 1200 - 10 and waits[4] == 1800 - 30


def test_a_visitor_who_left_is_not_served_and_nobody_is_served_while_closed() -> None:
    visitors = [visit(1, 0), visit(2, 0, leaves_s=300.0), visit(3, 0), visit(4, 3000)]

    replayed = replay(visitors, one_counter(spans=((0.0, 1500.0),)))

    assert replayed.waits == {1: 0, 3: 600}  # 2 left at 300; the counter closed at 1500
    assert replayed.unserved == [4]


def test_a_no_show_takes_the_counters_time_but_has_no_wait() -> None:
    visitors = [visit(1, 0, served=False, service_s=90.0), visit(2, 0)]

    assert replay(visitors, one_counter()).waits == {2: 90}


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two days of SMALL_CENTER lived by the real queue code, once for the module."""
    path = tmp_path_factory.mktemp("lived") / "qms.db"
    database = connect(path)
    migrate(database)
    load_center(database, SMALL_CENTER)
    shape = DayShape(visitors=150, service_min={"A": 7, "B": 5, "D": 9})
    for day in (MONDAY, TUESDAY):
        assert generate_day(database, day, shape, seed=5) > 100
    for username, role in (("an", "clerk"), ("chi", "supervisor")):
        create_user(database, username, role=role, password=CLERK_PASSWORD, now=MORNING)
    database.conn.close()
    return path


@pytest.fixture
def lived(app: Any, two_days: Path) -> Any:
    """The app on a copy of the two days, and its supervisor."""
    target = connect(app.config["DATABASE"])
    source = connect(two_days)
    source.conn.backup(target.conn)  # the days replace the app's empty database
    source.conn.close()
    target.conn.close()
    client = app.test_client()
    return client, sign_in(client, "chi")


def simulate(client: Any, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/simulate", json=body, headers=headers)


@pytest.mark.parametrize("day", [MONDAY, TUESDAY])
def test_a_day_replayed_as_it_was_gives_its_real_waits(lived: Any, day: date) -> None:
    client, headers = lived

    answer = simulate(client, headers, date=day.isoformat())

    assert answer.status_code == 200, answer.json
    replayed, actual = answer.json, answer.json["actual"]
    assert replayed["tickets"] == actual["tickets"] > 100
    assert actual["mean_wait_min"] > 1  # the day had queues to reproduce
    real_mean = actual["mean_wait_min"]
    assert abs(replayed["mean_wait_min"] - real_mean) <= 0.15 * real_mean
    for service, figures in replayed["per_service"].items():
        real = actual["per_service"][service]
        if real["served"] >= 30:  # a service of three visitors is no measure
            gap = abs(figures["mean_wait_min"] - real["mean_wait_min"])
            assert gap <= 0.15 * real["mean_wait_min"] + 0.1, service
    assert {point["at"] for point in replayed["queue"]} >= {"08:00", "14:00"}


def test_another_plan_changes_the_waits_the_way_it_should(lived: Any) -> None:
    client, headers = lived
    day = MONDAY.isoformat()
    as_it_was = simulate(client, headers, date=day).json

    more = simulate(
        client, headers, date=day, counters={"1": ["A"], "2": ["B", "A"], "3": ["D"], "4": ["A"]}
    ).json
    fewer = simulate(client, headers, date=day, counters={"1": ["A", "B", "D"]}).json

    a_was = as_it_was["per_service"]["A"]["mean_wait_min"]
    assert more["per_service"]["A"]["mean_wait_min"] < a_was
    assert fewer["mean_wait_min"] > as_it_was["mean_wait_min"]
    assert more["plan"]["counters"]["4"] == ["A"]
    assert as_it_was["actual"] == more["actual"] == fewer["actual"]  # the record is the record


def test_shorter_hours_leave_visitors_unserved(lived: Any) -> None:
    client, headers = lived

    short = simulate(client, headers, date=MONDAY.isoformat(), hours="08:00-10:00").json

    assert short["unserved"] > 0 and short["served"] < short["actual"]["served"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"date": "2026-11-22"}, 404, "no_record"),  # a Sunday: nobody came
        ({"date": "2026-11-23", "counters": {"1": ["A", "B"]}}, 400, "unserved_service"),
        ({"date": "2026-11-23", "counters": {"1": ["A", "B", "D", "Z"]}}, 400, "bad_plan"),
        ({"date": "2026-11-23", "counters": {"0": ["A"]}}, 400, "invalid"),
        ({"date": "2026-11-23", "counters": {}}, 400, "invalid"),
        ({"date": "2026-11-23", "hours": "17:00-08:00"}, 400, "bad_hours"),
        ({"date": "2026-11-23", "hours": "25:00-26:00"}, 400, "bad_hours"),
        ({"date": "2026-02-30"}, 400, "bad_date"),
        ({"date": "2026-11-23", "to": "2029-11-23"}, 400, "invalid"),  # one day, not years
        ({"date": "2026-11-23", "max_in_row": 0}, 400, "invalid"),
    ],
)
def test_a_simulation_that_cannot_be_is_refused_in_words(
    lived: Any, body: dict[str, Any], status: int, code: str
) -> None:
    client, headers = lived

    answer = simulate(client, headers, **body)

    assert (answer.status_code, answer.json["error"]) == (status, code), answer.json
    assert answer.json["message"]


def test_a_plan_of_too_many_counters_is_refused(lived: Any) -> None:
    client, headers = lived
    counters = {str(number): ["A", "B", "D"] for number in range(1, 202)}

    answer = simulate(client, headers, date=MONDAY.isoformat(), counters=counters)

    assert answer.status_code == 400


def test_only_supervisors_simulate(app: Any) -> None:
    client = app.test_client()
    assert client.post("/api/simulate", json={"date": "2026-11-23"}).status_code == 401
    headers = sign_in(client, "an")
    assert simulate(client, headers, date="2026-11-23").status_code == 403


def test_demo_history_makes_past_days_once_and_never_over_a_real_one(app: Any) -> None:
    runner = app.test_cli_runner()

    made = runner.invoke(args=["demo-history", "--days", "2", "--visitors", "30"])
    again = runner.invoke(args=["demo-history", "--days", "2", "--visitors", "30"])

    assert made.exit_code == 0, made.output
    assert "2 days made, 0 left" in made.output
    assert "0 days made, 2 left as they were" in again.output
    database = connect(app.config["DATABASE"])
    days = database.execute("SELECT day, count(*) FROM tickets GROUP BY day").fetchall()
    database.conn.close()
    # service B takes 3 tickets a day (its quota): its other visitors go home
    assert len(days) == 2 and all(20 <= count <= 30 for _, count in days)


def test_the_what_if_page_shows_a_plan_replayed_beside_the_day(lived: Any) -> None:
    client, _headers = lived

    as_it_was = client.get(f"/admin/simulate?date={MONDAY}&lang=vi").get_data(as_text=True)
    fewer = client.get(f"/admin/simulate?date={MONDAY}&plan=1&c1=A,B,D&lang=vi")
    refused = client.get(f"/admin/simulate?date={MONDAY}&plan=1&c1=A&lang=vi")

    assert 'name="c1" value="A, B"' in as_it_was and 'name="c3" value="D"' in as_it_was
    assert as_it_was.count("<polyline") == 2 and 'id="simulate-figures"' in as_it_was
    html = fewer.get_data(as_text=True)
    assert fewer.status_code == 200 and 'name="c1" value="A, B, D"' in html
    assert 'name="c2"' not in html  # the plan shown is the plan replayed
    assert "không quầy nào của phương án phục vụ" not in html
    said = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "không quầy nào của phương án phục vụ: B, D." in said
