"""The HTTP API as clients use it: the Flask test client on a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import sign_in


def test_a_ticket_goes_from_kiosk_to_counter_and_is_finished(client: Any) -> None:
    issued = client.post("/api/tickets", json={"service": "A", "kiosk": "k9"})
    assert issued.status_code == 201
    body = issued.json
    assert body["label"] == "A001" and body["ahead"] == 0 and body["service"] == "A"
    assert body["track_url"].startswith("/t/") and len(body["track_url"]) > 20
    assert body["print"]["status"] == "skipped"

    headers = sign_in(client, "an")
    assert client.post("/api/counters/1/open", headers=headers).json["status"] == "open"
    called = client.post("/api/counters/1/next", headers=headers)
    assert called.status_code == 200
    assert called.json["ticket"]["label"] == "A001"
    assert called.json["ticket"]["status"] == "called"
    assert "token" not in called.json["ticket"]

    tracked = client.get(f"/api/tickets/{body['track_url'].removeprefix('/t/')}").json
    assert tracked["status"] == "called" and tracked["counter"] == 1

    assert client.post("/api/counters/1/start", headers=headers).json["ticket"]["status"] == (
        "serving"
    )
    finished = client.post("/api/counters/1/finish", headers=headers, json={"outcome": "received"})
    assert finished.json["ticket"]["status"] == "done"
    assert finished.json["ticket"]["outcome"] == "received"
    assert client.post("/api/counters/1/next", headers=headers).status_code == 204


def test_services_list_waiting_and_open_state(client: Any, clock: Any) -> None:
    client.post("/api/tickets", json={"service": "A"})
    clock.advance(hours=4)  # 12:00: service D is between its sessions
    services = {service["code"]: service for service in client.get("/api/services").json}
    assert services["A"]["waiting"] == 1
    assert services["A"]["estimated_wait_s"] == 300
    assert services["D"]["is_open"] is False and services["D"]["closed_reason"] == "hours"
    assert set(services["A"]) >= {
        "code",
        "name",
        "department",
        "waiting",
        "estimated_wait_s",
        "is_open",
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "Z"}, 404, "not_found"),
        ({"service": "a"}, 400, "invalid"),
        ({}, 400, "invalid"),
        ({"service": "A", "priority": "vip"}, 400, "unknown_priority"),
        ({"service": "A", "extra": 1}, 400, "invalid"),
        ({"service": ["A"]}, 400, "invalid"),
    ],
)
def test_bad_ticket_requests_get_a_clear_error(
    client: Any, body: Any, status: int, code: str
) -> None:
    answer = client.post("/api/tickets", json=body)
    assert answer.status_code == status
    assert answer.json["error"] == code and answer.json["message"]


def test_a_body_that_is_not_json_is_refused(client: Any) -> None:
    answer = client.post("/api/tickets", data="service=A", content_type="text/plain")
    assert answer.status_code == 400 and answer.json["error"] == "invalid"
    answer = client.post("/api/tickets", data="{", content_type="application/json")
    assert answer.status_code == 400


def test_quota_reached_answers_409(client: Any) -> None:
    for _ in range(3):
        assert client.post("/api/tickets", json={"service": "B"}).status_code == 201
    answer = client.post("/api/tickets", json={"service": "B"})
    assert answer.status_code == 409 and answer.json["error"] == "quota_reached"


def test_clerk_routes_need_a_session_and_the_csrf_token(client: Any) -> None:
    assert client.post("/api/counters/1/next").status_code == 401
    assert client.get("/api/counters/1").status_code == 401
    sign_in(client, "an")
    refused = client.post("/api/counters/1/open")
    assert refused.status_code == 403 and refused.json["error"] == "csrf"
    refused = client.post("/api/counters/1/open", headers={"X-CSRF-Token": "forged"})
    assert refused.status_code == 403


def test_wrong_password_is_401_and_sign_out_ends_the_session(client: Any) -> None:
    wrong = client.post("/api/session", json={"username": "an", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.json["error"] == "unauthorized"
    headers = sign_in(client, "an")
    assert client.get("/api/session").json["user"] == {"username": "an", "role": "clerk"}
    assert client.delete("/api/session", headers=headers).status_code == 204
    assert client.get("/api/counters/1").status_code == 401


def test_reports_need_a_supervisor(client: Any) -> None:
    sign_in(client, "an")
    assert client.get("/api/reports/summary").status_code == 403


def test_a_counter_is_held_by_one_clerk(app: Any) -> None:
    first, second = app.test_client(), app.test_client()
    assert first.post("/api/counters/1/open", headers=sign_in(first, "an")).status_code == 200
    taken = second.post("/api/counters/1/open", headers=sign_in(second, "binh"))
    assert taken.status_code == 409 and taken.json["error"] == "counter_taken"
    acting = second.post("/api/counters/1/next", headers={"X-CSRF-Token": "x"})
    assert acting.status_code == 403


def test_counter_conflicts_answer_409_with_the_reason(client: Any) -> None:
    headers = sign_in(client, "an")
    closed = client.post("/api/counters/1/next", headers=headers)
    assert closed.status_code == 409 and closed.json["error"] == "counter_closed"
    client.post("/api/counters/1/open", headers=headers)
    nothing = client.post("/api/counters/1/finish", headers=headers)
    assert nothing.status_code == 409 and nothing.json["error"] == "no_ticket"
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=headers)
    busy = client.post("/api/counters/1/next", headers=headers)
    assert busy.status_code == 409 and busy.json["error"] == "ticket_in_hand"
    closing = client.post("/api/counters/1/close", headers=headers)
    assert closing.status_code == 409 and "A001" in closing.json["message"]


def test_transfer_call_by_label_and_no_show(client: Any) -> None:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=headers)
    moved = client.post("/api/counters/1/transfer", headers=headers, json={"service": "D"})
    assert moved.json["ticket"]["queue"] == "D" and moved.json["ticket"]["label"] == "A001"
    client.post("/api/counters/1/next", headers=headers)
    assert client.post("/api/counters/1/no-show", headers=headers).json["ticket"]["status"] == (
        "no_show"
    )
    again = client.post("/api/counters/1/call", headers=headers, json={"label": "a002"})
    assert again.status_code == 200 and again.json["ticket"]["call_count"] == 2
    unknown = client.post("/api/counters/1/return", headers=headers)
    assert unknown.json["ticket"]["status"] == "waiting"
    missing = client.post("/api/counters/1/call", headers=headers, json={"label": "A999"})
    assert missing.status_code == 404


def test_bearer_tokens_act_without_csrf(app: Any, client: Any, database_path: Any) -> None:
    from datetime import UTC, datetime

    from core.users import create_token
    from db import connect

    token = create_token(
        connect(database_path), "callbutton1", role="supervisor", now=datetime.now(UTC)
    )
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/counters/3/open", headers=bearer).status_code == 200
    assert client.post("/api/counters/3/next", headers=bearer).status_code == 204
    bad = client.post("/api/counters/3/next", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_openapi_document_lists_the_contract(client: Any) -> None:
    document = client.get("/api/openapi.json").json
    paths = document["paths"]
    for path, method in [
        ("/api/session", "post"),
        ("/api/services", "get"),
        ("/api/tickets", "post"),
        ("/api/tickets/{token}", "get"),
        ("/api/counters/{number}", "get"),
        ("/api/counters/{number}/next", "post"),
        ("/api/counters/{number}/transfer", "post"),
        ("/api/ratings", "post"),
        ("/api/reports/summary", "get"),
    ]:
        assert method in paths[path], (path, method)
    ticket_body = paths["/api/tickets"]["post"]["requestBody"]["content"]["application/json"]
    assert ticket_body["schema"]["$ref"].endswith("/NewTicket")
    assert "service" in document["components"]["schemas"]["NewTicket"]["properties"]


def test_unknown_api_route_and_method_answer_json(client: Any) -> None:
    assert client.get("/api/nothing").json["error"] == "not_found"
    assert client.delete("/api/services").status_code == 405


def test_health_answers_when_the_database_does(client: Any) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_ticket_rate_limit_answers_429(database_path: Any) -> None:
    from core.center import load_center
    from db import connect
    from server import create_app
    from tests.conftest import SMALL_CENTER

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"}
    )
    load_center(connect(database_path), SMALL_CENTER)
    client = app.test_client()
    assert client.post("/api/tickets", json={"service": "A"}).status_code == 201
    assert client.post("/api/tickets", json={"service": "A"}).status_code == 201
    limited = client.post("/api/tickets", json={"service": "A"})
    assert limited.status_code == 429 and limited.json["error"] == "rate_limited"


def test_a_domain_error_in_a_page_view_answers_its_status_in_words(app: Any) -> None:
    from core.errors import NotFound

    @app.get("/lost-page")
    def lost_page() -> None:
        raise NotFound("No such ticket.")

    answer = app.test_client().get("/lost-page")
    assert answer.status_code == 404 and answer.text == "No such ticket."


def test_a_clerk_makes_a_waiting_ticket_priority_with_a_reason_that_is_audited(
    client: Any,
) -> None:
    first = client.post("/api/tickets", json={"service": "A"}).json
    second = client.post("/api/tickets", json={"service": "A"}).json
    headers = sign_in(client, "an")
    no_reason = client.post(
        f"/api/tickets/{second['id']}/priority", headers=headers, json={"priority": "elderly"}
    )
    assert no_reason.status_code == 400
    changed = client.post(
        f"/api/tickets/{second['id']}/priority",
        headers=headers,
        json={"priority": "elderly", "reason": "Cụ ông 80 tuổi, quên chọn ưu tiên"},
    )
    assert changed.status_code == 200 and changed.json["ticket"]["priority"] == "elderly"
    client.post("/api/counters/1/open", headers=headers)
    called = client.post("/api/counters/1/next", headers=headers).json["ticket"]
    assert called["label"] == second["label"]  # the priority ticket passes the older regular one
    taken = client.post(
        f"/api/tickets/{second['id']}/priority",
        headers=headers,
        json={"priority": None, "reason": "nhầm"},
    )
    assert taken.status_code == 409 and first["label"] == "A001"

    from core.audit import list_entries
    from db import connect

    entries = list_entries(connect(client.application.config["DATABASE"]), kind="tickets")
    prioritised = [entry for entry in entries if entry.action == "ticket.prioritised"]
    assert len(prioritised) == 1
    assert prioritised[0].actor == "an" and prioritised[0].target == "A002"
    assert prioritised[0].reason == "Cụ ông 80 tuổi, quên chọn ưu tiên"
