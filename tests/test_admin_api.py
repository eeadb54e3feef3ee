"""/api/admin over HTTP: who may do what, validation answers, audited changes, and the pushes
that tell kiosks and displays about them."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

import realtime
from tests.conftest import sign_in
from tests.helpers.pushes import payloads, received_until

ADMIN_ROUTES = [
    ("GET", "/api/admin/configuration"),
    ("GET", "/api/admin/users"),
    ("GET", "/api/admin/center-file"),
    ("PUT", "/api/admin/center"),
    ("PUT", "/api/admin/holidays"),
    ("PUT", "/api/admin/priority/policy"),
    ("PUT", "/api/admin/priority/categories"),
    ("PUT", "/api/admin/announcement"),
    ("POST", "/api/admin/departments"),
    ("PUT", "/api/admin/departments/TP"),
    ("DELETE", "/api/admin/departments/TP"),
    ("POST", "/api/admin/services"),
    ("PUT", "/api/admin/services/A"),
    ("PUT", "/api/admin/services/A/enabled"),
    ("DELETE", "/api/admin/services/A"),
    ("POST", "/api/admin/counters"),
    ("PUT", "/api/admin/counters/1"),
    ("DELETE", "/api/admin/counters/1"),
    ("POST", "/api/admin/kiosks"),
    ("PUT", "/api/admin/kiosks/k1"),
    ("DELETE", "/api/admin/kiosks/k1"),
    ("POST", "/api/admin/displays"),
    ("PUT", "/api/admin/displays/d1"),
    ("DELETE", "/api/admin/displays/d1"),
    ("POST", "/api/admin/users"),
    ("PUT", "/api/admin/users/an/role"),
    ("PUT", "/api/admin/users/an/active"),
    ("POST", "/api/admin/users/an/password"),
]


def call(client: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    return client.open(path, method=method, headers=headers, json=body)


def test_every_admin_route_needs_a_session(client: Any) -> None:
    for method, path in [*ADMIN_ROUTES, ("GET", "/api/admin/audit")]:
        answer = call(client, method, path, {}, {})

        assert (answer.status_code, answer.json["error"]) == (401, "unauthorized"), path


@pytest.mark.parametrize("username", ["an", "chi"])
def test_clerks_and_supervisors_may_not_configure(client: Any, username: str) -> None:
    headers = sign_in(client, username)

    for method, path in ADMIN_ROUTES:
        answer = call(client, method, path, headers, {})

        assert (answer.status_code, answer.json["error"]) == (403, "forbidden"), path


def test_supervisors_read_the_audit_log_and_clerks_do_not(client: Any) -> None:
    sign_in(client, "chi")
    assert client.get("/api/admin/audit").status_code == 200
    sign_in(client, "an")
    assert client.get("/api/admin/audit").json["error"] == "forbidden"


def test_an_admin_reads_the_whole_configuration(client: Any, admin: dict[str, str]) -> None:
    answer = client.get("/api/admin/configuration")

    assert answer.status_code == 200
    data = answer.json
    assert data["center"]["name"] == "Trung tâm thử"
    assert [s["code"] for s in data["services"]] == ["A", "B", "D"]
    assert data["services"][2]["hours"] == ["07:00-11:30", "13:00-16:30"]
    assert data["services"][0]["counters"] == [1, 2]
    assert data["counters"][0] == {
        "number": 1,
        "name": "Quầy 1",
        "status": "closed",
        "clerk": None,
        "services": ["A", "B"],
        "removable": True,
    }
    assert data["services"][0]["removable"] is False  # counters 1 and 2 serve it
    assert data["priority"]["policy"] == "limit" and data["holidays"] == []


def test_a_change_without_the_csrf_token_is_refused(client: Any, admin: dict[str, str]) -> None:
    answer = client.put("/api/admin/center", json={"name": "X", "language": "vi"})

    assert (answer.status_code, answer.json["error"]) == (403, "csrf")


def test_a_new_service_reaches_the_kiosks_and_the_displays_reload(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    kiosk = realtime.socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    display = realtime.socketio.test_client(app, namespace="/display", flask_test_client=client)
    kiosk.get_received("/kiosk")
    display.get_received("/display")

    answer = client.post(
        "/api/admin/services",
        json={"code": "E", "name": "Đất đai", "department": "TC", "reason": "Mở mới"},
        headers=admin,
    )

    assert answer.status_code == 200, answer.json
    assert answer.json["code"] == "E" and answer.json["counters"] == []
    received = received_until(kiosk, "/kiosk", "configuration")
    assert "E" in [service["code"] for service in payloads(received, "services")[-1]]
    assert payloads(received, "configuration")[-1]["version"] >= 1
    shown = received_until(display, "/display", "configuration")
    shown += received_until(display, "/display", "board") if not payloads(shown, "board") else []
    assert payloads(shown, "board")


def test_a_schedule_change_pushes_queues_but_no_reload(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    kiosk = realtime.socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    kiosk.get_received("/kiosk")

    answer = client.put(
        "/api/admin/holidays", json={"holidays": [{"date": "2026-11-30"}]}, headers=admin
    )

    assert answer.status_code == 200
    received = received_until(kiosk, "/kiosk", "services")
    assert {service["is_open"] for service in payloads(received, "services")[-1]} == {False}
    # A renamed center makes the kiosks reload: the only `configuration` is that marker's.
    client.put("/api/admin/center", json={"name": "Trung tâm mới"}, headers=admin)
    received += received_until(kiosk, "/kiosk", "configuration")
    assert len(payloads(received, "configuration")) == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "code"),
    [
        (
            "POST",
            "/api/admin/services",
            {"code": "E", "name": "X", "department": "TC", "x": 1},
            "invalid",
        ),
        ("POST", "/api/admin/services", {"code": "E", "name": "X"}, "invalid"),
        ("POST", "/api/admin/services", {"code": "e", "name": "X", "department": "TC"}, "code"),
        (
            "PUT",
            "/api/admin/services/D",
            {"name": "X", "department": "TC", "hours": {"monday": ["11:00-09:00"]}},
            "hours",
        ),
        ("PUT", "/api/admin/center", {"name": "", "language": "vi"}, "required"),
        ("PUT", "/api/admin/center", {"name": "X", "language": "fr"}, "language"),
        ("POST", "/api/admin/kiosks", {"id": "k9", "printer": "tcp://"}, "printer"),
        ("PUT", "/api/admin/announcement", {"language": "vi", "template": "{oops}"}, "template"),
        ("PUT", "/api/admin/holidays", {"holidays": [{"date": "tomorrow"}]}, "holidays"),
        ("POST", "/api/admin/counters", {"number": 5, "services": []}, "no_services"),
        (
            "POST",
            "/api/admin/users",
            {"username": "x", "role": "clerk", "password": "p"},
            "bad_username",
        ),
        ("GET", "/api/admin/audit?from=yesterday", None, "invalid"),
        ("GET", "/api/admin/audit?kind=all", None, "invalid"),
    ],
)
def test_bad_input_answers_400_with_a_code_and_a_message(
    client: Any, admin: dict[str, str], method: str, path: str, body: Any, code: str
) -> None:
    answer = call(client, method, path, admin, body)

    assert answer.status_code == 400, answer.json
    assert answer.json["error"] == code
    assert set(answer.json) == {"error", "message"} and answer.json["message"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("DELETE", "/api/admin/departments/TP", 409, "department_in_use"),
        ("DELETE", "/api/admin/services/A", 409, "service_in_use"),
        ("PUT", "/api/admin/departments/ZZ", 404, "unknown_department"),
        ("DELETE", "/api/admin/kiosks/nope", 404, "unknown_kiosk"),
        ("PUT", "/api/admin/users/root/active", 409, "self"),
    ],
)
def test_conflicts_and_unknown_items_answer_with_their_code(
    client: Any, admin: dict[str, str], method: str, path: str, status: int, code: str
) -> None:
    body = {"active": False} if path.endswith("/active") else {"name": "X"}
    if method == "DELETE":
        body = {"reason": "tidy up"}

    answer = call(client, method, path, admin, body)

    assert (answer.status_code, answer.json["error"]) == (status, code)


def test_a_counter_gets_a_new_service_and_the_audit_log_says_who_and_why(
    client: Any, admin: dict[str, str]
) -> None:
    client.post(
        "/api/admin/services",
        json={"code": "E", "name": "Đất đai", "department": "TC"},
        headers=admin,
    )
    answer = client.put(
        "/api/admin/counters/3",
        json={"services": ["E", "D"], "name": "Quầy đất đai", "reason": "Tăng cường"},
        headers=admin,
    )

    assert answer.json == {"number": 3, "name": "Quầy đất đai", "services": ["E", "D"]}
    log = client.get("/api/admin/audit").json
    latest = log["entries"][0]
    assert (latest["actor"], latest["action"], latest["target"], latest["reason"]) == (
        "root",
        "counter.update",
        "3",
        "Tăng cường",
    )
    assert latest["details"]["after"]["services"] == ["E", "D"]
    assert [entry["action"] for entry in log["entries"]] == ["counter.update", "service.add"]
    assert log["next"] is None and log["period"]["to"] == "2026-11-30"


def test_the_audit_log_pages_with_its_cursor(client: Any, admin: dict[str, str]) -> None:
    for code in ("E", "F", "G"):
        client.post(
            "/api/admin/services",
            json={"code": code, "name": code, "department": "TC"},
            headers=admin,
        )

    first = client.get("/api/admin/audit?limit=2").json
    second = client.get(f"/api/admin/audit?limit=2&before={first['next']}").json

    assert [e["target"] for e in first["entries"]] == ["G", "F"]
    assert [e["target"] for e in second["entries"]] == ["E"] and second["next"] is None


def test_a_reset_password_signs_the_user_out(app: Any, client: Any, admin: dict[str, str]) -> None:
    clerk = app.test_client()
    sign_in(clerk, "an")
    assert clerk.get("/api/session").status_code == 200

    answer = client.post(
        "/api/admin/users/an/password", json={"password": "new-password-2"}, headers=admin
    )

    assert answer.status_code == 200
    assert clerk.get("/api/session").status_code == 401
    assert (
        clerk.post(
            "/api/session", json={"username": "an", "password": "new-password-2"}
        ).status_code
        == 200
    )


def test_an_admin_creates_an_account_and_switches_it_off(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    created = client.post(
        "/api/admin/users",
        json={"username": "dung", "role": "clerk", "password": "dung-password-1"},
        headers=admin,
    )
    assert created.status_code == 201
    assert created.json == {
        "username": "dung",
        "display_name": None,
        "role": "clerk",
        "active": True,
    }

    client.put("/api/admin/users/dung/active", json={"active": False}, headers=admin)

    users = {user["username"]: user for user in client.get("/api/admin/users").json}
    assert users["dung"]["active"] is False and "password_hash" not in users["dung"]
    refused = app.test_client().post(
        "/api/session", json={"username": "dung", "password": "dung-password-1"}
    )
    assert refused.status_code == 401


def test_the_center_file_download_loads_as_a_center_file(
    client: Any, admin: dict[str, str]
) -> None:
    answer = client.get("/api/admin/center-file")

    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="center-2026-11-30.toml"'
    data = tomllib.loads(answer.get_data(as_text=True))
    assert [service["code"] for service in data["services"]] == ["A", "B", "D"]


def test_the_openapi_document_lists_the_admin_routes_and_their_bodies(client: Any) -> None:
    document = client.get("/api/openapi.json").json

    assert "post" in document["paths"]["/api/admin/services"]
    assert "put" in document["paths"]["/api/admin/counters/{number}"]
    body = document["paths"]["/api/admin/services"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/AdminService")
    assert "hours" in document["components"]["schemas"]["AdminService"]["properties"]
