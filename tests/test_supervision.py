"""What a supervisor does on the floor: move a clerk to another counter, watch the queues against
their targets, and find a visitor's ticket by its number (clerks find tickets too)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.center import get_counter
from core.counters import move_clerk, open_counter, pause_counter
from core.errors import Conflict, InvalidInput, NotFound
from core.models import CounterStatus
from core.monitor import queue_overview
from core.serving import finish
from core.tickets import issue_ticket
from realtime import socketio
from tests.conftest import sign_in
from tests.helpers.pushes import pushed, received_until


def events_of(db: Database, counter: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in db.execute(
            "SELECT kind, clerk, reason FROM counter_events WHERE counter = ? ORDER BY id",
            [counter],
        ).fetchall()
    ]


# ---------- moving a clerk ----------


def test_moving_a_clerk_closes_one_counter_and_opens_the_other_for_them(
    db: Database, clock: Any
) -> None:
    open_counter(db, 1, clerk="lan", now=clock())

    left, joined = move_clerk(db, 1, 3, supervisor="chi", now=clock())

    assert (left.status, left.clerk) == (CounterStatus.CLOSED, None)
    assert (joined.status, joined.clerk) == (CounterStatus.OPEN, "lan")
    assert events_of(db, 1)[-1] == ("closed", "lan", "moved to 3 by chi")
    assert events_of(db, 3) == [("opened", "lan", "moved from 1 by chi")]
    audit = db.execute("SELECT actor, action, target, details FROM audit_log").fetchall()
    assert [(actor, action, target) for actor, action, target, _ in audit] == [
        ("chi", "user.move_counter", "lan")
    ]
    assert json.loads(audit[0][3]) == {"before": {"counter": 1}, "after": {"counter": 3}}


def test_a_paused_clerk_arrives_paused_with_the_same_reason(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    pause_counter(db, 1, clerk="lan", reason="nghỉ trưa", now=clock())

    _, joined = move_clerk(db, 1, 2, supervisor="chi", now=clock())

    assert (joined.status, joined.status_reason, joined.clerk) == (
        CounterStatus.PAUSED,
        "nghỉ trưa",
        "lan",
    )


def test_a_clerk_holding_a_ticket_is_not_moved(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    call_next(db, 1, clerk="lan", now=clock())

    with pytest.raises(Conflict) as refused:
        move_clerk(db, 1, 3, supervisor="chi", now=clock())

    assert refused.value.code == "ticket_in_hand" and "A001" in refused.value.message
    assert get_counter(db, 1).clerk == "lan" and get_counter(db, 3).status == CounterStatus.CLOSED
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0

    finish(db, 1, clerk="lan", now=clock())
    assert move_clerk(db, 1, 3, supervisor="chi", now=clock())[1].clerk == "lan"


def test_a_clerk_is_not_moved_onto_a_counter_someone_works(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())

    with pytest.raises(Conflict) as refused:
        move_clerk(db, 1, 2, supervisor="chi", now=clock())

    assert refused.value.code == "counter_taken" and "mai" in refused.value.message
    assert (get_counter(db, 1).clerk, get_counter(db, 2).clerk) == ("lan", "mai")


def test_moving_from_a_closed_counter_or_to_the_same_or_an_unknown_one_is_refused(
    db: Database, clock: Any
) -> None:
    with pytest.raises(Conflict) as nobody:
        move_clerk(db, 1, 2, supervisor="chi", now=clock())
    assert nobody.value.code == "counter_closed"

    open_counter(db, 1, clerk="lan", now=clock())
    with pytest.raises(InvalidInput) as same:
        move_clerk(db, 1, 1, supervisor="chi", now=clock())
    assert same.value.code == "same_counter"
    with pytest.raises(NotFound):
        move_clerk(db, 1, 42, supervisor="chi", now=clock())
    assert get_counter(db, 1).clerk == "lan"


# ---------- the queues against their targets ----------


def test_the_overview_tells_the_longest_wait_against_the_target(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock())
    clock.advance(minutes=5)
    issue_ticket(db, "A", now=clock(), priority="elderly")
    issue_ticket(db, "D", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=11)

    queues = {queue["service"]: queue for queue in queue_overview(db, now=clock())}

    assert queues["A"] | {"name": None} == {
        "service": "A",
        "name": None,
        "name_en": None,
        "department": "TP",
        "waiting": 2,
        "priority_waiting": 1,
        "longest_wait_s": 16 * 60,
        "target_wait_min": 15,
        "open_counters": [1],
        "over_target": True,
        "unserved": False,
        "booked": 0,
        "checked_in": 0,
    }
    assert queues["B"]["waiting"] == 0 and queues["B"]["over_target"] is False
    assert queues["D"]["longest_wait_s"] == 11 * 60 and queues["D"]["over_target"] is False
    assert queues["D"]["unserved"] is True  # a visitor waits and no counter serves D


# ---------- over HTTP ----------


def test_a_supervisor_moves_a_clerk_and_the_terminals_hear_it(app: Any, client: Any) -> None:
    clerk = app.test_client()
    clerk_headers = sign_in(clerk, "an")
    clerk.post("/api/counters/1/open", headers=clerk_headers)
    terminal = socketio.test_client(app, namespace="/counter", flask_test_client=clerk)
    received_until(terminal, "/counter", "board")  # the snapshot on connect

    headers = sign_in(client, "chi")
    moved = client.post("/api/counters/1/move", headers=headers, json={"to": 3})

    assert moved.status_code == 200
    assert moved.json["from"]["status"] == "closed" and moved.json["from"]["clerk"] is None
    assert moved.json["to"]["status"] == "open" and moved.json["to"]["clerk"] == "an"
    assert pushed(terminal, "/counter", "counter", count=2) == [
        {"number": 1, "status": "closed", "clerk": None, "by": "chi"},
        {"number": 3, "status": "open", "clerk": "an", "by": "chi"},
    ]
    # the clerk carries on at the new counter
    assert clerk.post("/api/counters/3/next", headers=clerk_headers).status_code == 204


def test_clerks_may_not_move_anyone(client: Any) -> None:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)

    refused = client.post("/api/counters/1/move", headers=headers, json={"to": 3})

    assert refused.status_code == 403
    assert client.get("/api/counters/1").json["clerk"] == "an"


def test_a_move_onto_a_busy_counter_says_who_is_there(app: Any, client: Any) -> None:
    other = app.test_client()
    other.post("/api/counters/2/open", headers=sign_in(other, "binh"))
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    headers = sign_in(client, "chi")

    refused = client.post("/api/counters/1/move", headers=headers, json={"to": 2})

    assert refused.status_code == 409
    assert refused.json["error"] == "counter_taken" and "binh" in refused.json["message"]
    bad = client.post("/api/counters/1/move", headers=headers, json={"to": "2"})
    assert bad.status_code == 400 and bad.json["error"] == "invalid"


def test_opening_and_closing_a_counter_is_pushed_to_terminals(app: Any, client: Any) -> None:
    headers = sign_in(client, "an")
    terminal = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    received_until(terminal, "/counter", "board")  # the snapshot on connect

    client.post("/api/counters/2/open", headers=headers)
    client.post("/api/counters/2/pause", headers=headers, json={"reason": "họp"})
    client.post("/api/counters/2/close", headers=headers)

    states = pushed(terminal, "/counter", "counter", count=3)
    assert [(p["number"], p["status"], p["clerk"], p["by"]) for p in states] == [
        (2, "open", "an", "an"),
        (2, "paused", "an", "an"),
        (2, "closed", None, "an"),
    ]


def test_staff_find_a_ticket_by_its_number_with_its_history(client: Any) -> None:
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/tickets", json={"service": "A"})
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/counters/1/next", headers=headers)
    client.post("/api/counters/1/no-show", headers=headers)

    found = client.get("/api/tickets/label/a1")

    assert found.status_code == 200
    assert found.json["ticket"]["label"] == "A001" and found.json["ticket"]["status"] == "no_show"
    assert "token" not in found.json["ticket"]
    assert [event["kind"] for event in found.json["events"]] == ["issued", "called", "no_show"]
    assert client.get("/api/tickets/label/A002").json["ahead"] == 0
    assert client.get("/api/tickets/label/A 002").json["ticket"]["label"] == "A002"


def test_finding_a_ticket_that_is_not_there_says_so(client: Any) -> None:
    sign_in(client, "an")

    missing = client.get("/api/tickets/label/A007")
    assert missing.status_code == 404 and "A007" in missing.json["message"]
    nonsense = client.get("/api/tickets/label/hello")
    assert nonsense.status_code == 400 and nonsense.json["error"] == "bad_label"


def test_strangers_may_not_look_tickets_up(client: Any) -> None:
    client.post("/api/tickets", json={"service": "A"})

    assert client.get("/api/tickets/label/A001").status_code == 401
    assert client.get("/api/queues").status_code == 401


def test_staff_read_the_queues(client: Any) -> None:
    client.post("/api/tickets", json={"service": "B"})
    sign_in(client, "an")

    queues = {queue["service"]: queue for queue in client.get("/api/queues").json}

    assert queues["B"]["waiting"] == 1 and queues["B"]["unserved"] is True
    assert queues["B"]["name"] == "Chứng thực"


def test_the_counter_list_gives_each_counter_its_queues_as_the_single_route_does(
    client: Any,
) -> None:
    for service in ("A", "A", "B", "D"):
        client.post("/api/tickets", json={"service": service})
    sign_in(client, "an")

    listed = {counter["number"]: counter for counter in client.get("/api/counters").json}

    assert listed[1]["waiting"] == {"A": 2, "B": 1}
    assert listed[3]["waiting"] == {"D": 1}
    for number in (1, 2, 3):
        assert listed[number] == client.get(f"/api/counters/{number}").json
