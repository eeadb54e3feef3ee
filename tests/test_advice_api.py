"""The advisor over HTTP (api/advice.py), the skills' admin route, and the server's minute tick:
the constructed overload of tests/test_advice_log.py, through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from core.counters import open_counter
from core.tickets import issue_ticket
from db import connect
from db.advice import advise_once
from tests.conftest import sign_in

CONTRACT = {
    "clerk",
    "from_counter",
    "to_counter",
    "to_service",
    "wait_now_min",
    "wait_after_min",
    "reason",
}


@pytest.fixture
def overloaded(app: Any, client: Any, admin: dict[str, str], clock: Any) -> Any:
    """Bình (skills A, B, D, set on the admin route) idles at counter 3; A is heading over."""
    answer = client.put(
        "/api/admin/users/binh/services", json={"services": ["A", "B", "D"]}, headers=admin
    )
    assert answer.status_code == 200, answer.json
    database = connect(app.config["DATABASE"])
    open_counter(database, 1, clerk="an", now=clock())
    open_counter(database, 3, clerk="binh", now=clock())
    for _ in range(5):
        issue_ticket(database, "A", now=clock())
        clock.advance(minutes=6)
    database.conn.close()
    client.delete("/api/session", headers=admin)
    return app


def test_skills_are_set_on_the_admin_route_audited(overloaded: Any, client: Any) -> None:
    admin = sign_in(client, "root")
    users = {user["username"]: user for user in client.get("/api/admin/users").json}
    assert users["binh"]["services"] == ["A", "B", "D"]
    entries = client.get("/api/admin/audit?kind=users").json["entries"]
    assert [
        entry["details"]["after"] for entry in entries if entry["action"] == "user.services"
    ] == [{"services": ["A", "B", "D"]}]
    unknown = client.put("/api/admin/users/binh/services", json={"services": ["Q"]}, headers=admin)
    assert (unknown.status_code, unknown.json["error"]) == (400, "unknown_service")
    nobody = client.put("/api/admin/users/nobody/services", json={"services": []}, headers=admin)
    assert nobody.status_code == 404


def test_a_supervisor_sees_the_move_and_applies_it(overloaded: Any, client: Any) -> None:
    headers = sign_in(client, "chi")

    moves = client.get("/api/advice/moves").json

    assert len(moves) == 1 and CONTRACT <= set(moves[0])
    move = moves[0]
    assert (move["clerk"], move["from_counter"], move["to_counter"], move["to_service"]) == (
        "binh",
        3,
        2,
        "A",
    )
    applied = client.post(f"/api/advice/{move['id']}/apply", headers=headers)
    assert applied.status_code == 200, applied.json
    assert (applied.json["from"]["status"], applied.json["to"]["clerk"]) == ("closed", "binh")
    again = client.post(f"/api/advice/{move['id']}/apply", headers=headers)
    assert (again.status_code, again.json["error"]) == (409, "decided")
    assert client.get("/api/advice/moves").json == []
    report = client.get("/api/reports/advice?from=2026-11-30&to=2026-11-30").json
    assert (report["proposed"], report["taken"]) == (1, 1)
    page = client.get("/admin/reports?from=2026-11-30&to=2026-11-30&lang=vi").get_data(True)
    assert "Đã gợi ý 1 lần điều chuyển, áp dụng 1 lần (100%)." in page


def test_a_dismissed_move_is_logged_as_ignored(overloaded: Any, client: Any) -> None:
    headers = sign_in(client, "chi")
    (move,) = client.get("/api/advice/moves").json

    answer = client.post(f"/api/advice/{move['id']}/dismiss", headers=headers)

    assert answer.json == {"advice": move["id"], "decision": "ignored"}
    assert client.get("/api/advice/moves").json == []
    report = client.get("/api/reports/advice?from=2026-11-30&to=2026-11-30").json
    assert report["decisions"]["ignored"] == 1 and report["taken"] == 0
    assert client.post("/api/advice/999/apply", headers=headers).status_code == 404


def test_the_minute_tick_logs_a_round_without_anyone_asking(overloaded: Any) -> None:
    assert advise_once(overloaded) == 1
    assert advise_once(overloaded) == 1  # the same move, logged once
    database = connect(overloaded.config["DATABASE"])
    try:
        assert database.execute("SELECT count(*) FROM advice").fetchone() == (1,)
    finally:
        database.conn.close()
