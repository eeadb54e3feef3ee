"""Who may call what: every API route of the app's url_map, tried by every kind of caller (nobody,
each role by session and by bearer token, a clerk at another clerk's counter). Who may join which
Socket.IO namespace: tests/test_socket_roles.py.

The routes are read from the app, not listed here, so a route added later is covered the day it
is added: a route this file does not name is taken for a staff route and must refuse strangers;
any route of the admin API (endpoint `api.admin...` or path `/api/admin...`) must refuse
strangers, clerks and, except reading the audit log, supervisors.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import CLERK_PASSWORD, sign_in

PUBLIC = {
    "api.create_ticket",
    "api.list_services",
    "api.track_ticket",
    "api.rate",
    "api.openapi_document",
    "api.sign_in",
    "api.who_am_i",
    "api.appointment_slots",
    "api.create_appointment",
    "api.show_appointment",
    "api.cancel_appointment",
    "api.check_in_appointment",
    "api.check_in_by_card",
    "api.call_a_guide",
    "api.create_feedback",
    "api.show_feedback",
    "api.start_device_pairing",  # a device asks for a code: public, limited and bounded
    "api.this_device",  # 401 unless it bears a device's token
    "api.dossier_ticket",
}
# public, and 401 is their answer to strangers
SIGN_IN_ROUTES = {"api.sign_in", "api.who_am_i", "api.this_device"}
PAIRED_ROUTES = {"api.rate"}  # public, and 403 not_paired without a paired device's token
SUPERVISORS = {
    "api.cancel_ticket",
    "api.reactivate_ticket",
    "api.move_clerk",
    "api.report_summary",
    "api.report_summary_csv",
    "api.report_ratings",
    "api.report_ratings_csv",
    "api.report_ratings_xlsx",
    "api.staffing_advice_report",
    "api.all_feedback",
    "api.reply_feedback",
    "api.report_summary_xlsx",
    "api.report_hours",
    "api.report_clerks",
    "api.report_priority",
    "api.report_promise",
    "api.simulate_day",
    "api.acknowledge_a_call",
    "api.advice_moves",
    "api.apply_advice_move",
    "api.dismiss_advice_move",
    "api.report_advice",
}
# Bodies that get past validation, so staff calls reach the domain and answer 200/204/409.
BODIES: dict[str, Any] = {
    "api.create_ticket": {"service": "A"},
    "api.dossier_ticket": {"dossier": "000.00.12.H13-261205-0001"},
    "api.rate": {"ticket": 1, "score": 4},
    "api.sign_in": {"username": "nobody", "password": "not-the-password"},
    "api.pause_counter": {"reason": "lunch"},
    "api.call_ticket": {"label": "A001"},
    "api.transfer": {"service": "B"},
    "api.move_clerk": {"to": 3},
    "api.cancel_ticket": {"reason": "left"},
    "api.report_printer": {"ok": True},
    "api.admin_order_departments": {"codes": ["TP", "TC"]},
    "api.admin_user_services": {"services": ["A"]},
}
DENIED = (401, 403)
# What an allowed caller may get: done, or refused as invalid/unknown/conflicting; never 401/403
# and never a crash.
ALLOWED = {200, 201, 204, 400, 404, 409}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    path: str

    @property
    def kind(self) -> str:
        if self.endpoint.startswith("api.admin") or self.path.startswith("/api/admin"):
            return "admin"
        if self.endpoint in PUBLIC:
            return "public"
        if self.endpoint in SUPERVISORS:
            return "supervisor"
        return "staff"

    @property
    def changes_state(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    @property
    def reads_audit_log(self) -> bool:
        return not self.changes_state and "audit" in f"{self.endpoint} {self.path}"

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.endpoint})"


def api_routes(app: Any) -> list[Route]:
    """Every API route and method, path arguments filled; signing out comes last."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<int:[a-z_]+>", "1", rule.rule)
        path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "k1", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.endpoint, method, path))
    return sorted(routes, key=lambda route: route.endpoint == "api.sign_out")


def call(client: Any, route: Route, headers: dict[str, str] | None = None) -> Any:
    return client.open(
        route.path, method=route.method, json=BODIES.get(route.endpoint, {}), headers=headers
    )


def state_digest(database_path: Any) -> str:
    """A fingerprint of everything a request could change."""
    from db import connect

    database = connect(database_path)
    digest = hashlib.sha256()
    for (table,) in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != '_sqlite_migrations' ORDER BY name"
    ).fetchall():
        for row in database.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall():
            digest.update(repr((table, row)).encode())
    database.conn.close()
    return digest.hexdigest()


@pytest.fixture
def staff(app: Any, database_path: Any, clock: Any) -> dict[str, str]:
    """An admin account and one bearer token per role; answers the tokens by role."""
    from core.users import create_token, create_user
    from db import connect

    database = connect(database_path)
    create_user(database, "dung", role="admin", password=CLERK_PASSWORD, now=clock())
    tokens = {
        role: create_token(database, f"button-{role}", role=role, now=clock())
        for role in ("clerk", "supervisor", "admin")
    }
    database.conn.close()
    return tokens


@pytest.fixture
def busy(client: Any) -> None:
    """Some tickets, so calls and reads have something to act on."""
    for service in ("A", "A", "B"):
        assert client.post("/api/tickets", json={"service": service}).status_code == 201


def test_every_api_route_is_classified_and_the_public_ones_exist(app: Any) -> None:
    routes = api_routes(app)
    endpoints = {route.endpoint for route in routes}
    assert PUBLIC <= endpoints and SUPERVISORS <= endpoints
    assert {"api.call_next", "api.open_counter", "api.sign_out"} <= endpoints
    assert {route.kind for route in routes} >= {"public", "staff", "supervisor"}


def test_strangers_get_401_on_every_non_public_route_and_change_nothing(
    app: Any, client: Any, busy: None, database_path: Any
) -> None:
    before = state_digest(database_path)
    wrong = []
    for route in api_routes(app):
        if route.kind == "public":
            continue
        answer = call(client, route)
        if answer.status_code != 401 or answer.json["error"] != "unauthorized":
            wrong.append(f"{route}: {answer.status_code}")
    assert wrong == []
    assert state_digest(database_path) == before


def test_public_routes_are_open_to_strangers(app: Any, client: Any) -> None:
    wrong = []
    for route in api_routes(app):
        if route.kind != "public":
            continue
        status = call(client, route).status_code
        refused = (status == 403 and route.endpoint not in PAIRED_ROUTES) or (
            status == 401 and route.endpoint not in SIGN_IN_ROUTES
        )
        if refused or status >= 500:
            wrong.append(f"{route}: {status}")
    assert wrong == []


def test_a_bad_bearer_token_is_401_and_does_not_fall_back_to_the_session(
    app: Any, client: Any
) -> None:
    sign_in(client, "chi")
    wrong = []
    for route in api_routes(app):
        if route.kind == "public":
            continue
        status = call(client, route, {"Authorization": "Bearer not-a-token"}).status_code
        if status != 401:
            wrong.append(f"{route}: {status}")
    assert wrong == []


def expectation(route: Route, role: str) -> str:
    """'allowed' or 'forbidden' for a signed-in role on a route."""
    if route.kind in ("public", "staff"):
        return "allowed"
    if route.kind == "supervisor":
        return "forbidden" if role == "clerk" else "allowed"
    if role == "admin" or (role == "supervisor" and route.reads_audit_log):
        return "allowed"
    return "forbidden"


def check_role(app: Any, client: Any, role: str, headers: dict[str, str]) -> list[str]:
    wrong = []
    for route in api_routes(app):
        answer = call(client, route, headers)
        status = answer.status_code
        if expectation(route, role) == "forbidden":
            if status != 403 or answer.json["error"] != "forbidden":
                wrong.append(f"{role} {route}: {status}, expected 403")
        elif status not in ALLOWED and not (
            (route.endpoint in SIGN_IN_ROUTES and status == 401)
            or (route.endpoint in PAIRED_ROUTES and status == 403)  # staff are not a tablet
        ):
            wrong.append(f"{role} {route}: {status} {answer.get_data(as_text=True)[:120]}")
    return wrong


@pytest.mark.parametrize(
    ("username", "role"), [("an", "clerk"), ("chi", "supervisor"), ("dung", "admin")]
)
def test_each_role_by_session_reaches_its_routes_and_only_those(
    app: Any, client: Any, staff: dict[str, str], busy: None, username: str, role: str
) -> None:
    headers = sign_in(client, username)
    assert check_role(app, client, role, headers) == []


@pytest.mark.parametrize("role", ["clerk", "supervisor", "admin"])
def test_each_role_by_bearer_token_reaches_its_routes_without_csrf(
    app: Any, client: Any, staff: dict[str, str], busy: None, role: str
) -> None:
    headers = {"Authorization": f"Bearer {staff[role]}"}
    assert check_role(app, client, role, headers) == []


def test_clerks_are_refused_supervisor_and_admin_routes_and_change_nothing(
    app: Any, client: Any, busy: None, database_path: Any
) -> None:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/counters/1/next", headers=headers)
    client.post("/api/counters/1/no-show", headers=headers)  # a no-show a supervisor could revive
    before = state_digest(database_path)
    for route in api_routes(app):
        if route.kind in ("supervisor", "admin"):
            assert call(client, route, headers).status_code == 403, route
    assert state_digest(database_path) == before


def test_a_session_without_the_csrf_token_changes_nothing(
    app: Any, client: Any, staff: dict[str, str], busy: None, database_path: Any
) -> None:
    sign_in(client, "dung")
    before = state_digest(database_path)
    wrong = []
    for route in api_routes(app):
        if route.kind == "public" or not route.changes_state:
            continue
        for token in (None, "forged"):
            answer = call(client, route, {"X-CSRF-Token": token} if token else None)
            if answer.status_code != 403 or answer.json["error"] != "csrf":
                wrong.append(f"{route} token={token}: {answer.status_code}")
    assert wrong == []
    assert state_digest(database_path) == before


COUNTER_ACTIONS = [
    ("next", None),
    ("call", {"label": "A002"}),
    ("recall", None),
    ("start", None),
    ("finish", {}),
    ("no-show", None),
    ("transfer", {"service": "B"}),
    ("return", None),
    ("pause", {"reason": "lunch"}),
    ("close", {}),
    ("open", {}),
]


def test_a_clerk_cannot_act_on_a_counter_another_clerk_holds(app: Any, busy: None) -> None:
    holder, other = app.test_client(), app.test_client()
    holder_headers = sign_in(holder, "an")
    assert holder.post("/api/counters/1/open", headers=holder_headers).status_code == 200
    called = holder.post("/api/counters/1/next", headers=holder_headers).json["ticket"]
    other_headers = sign_in(other, "binh")
    for action, body in COUNTER_ACTIONS:
        answer = other.post(f"/api/counters/1/{action}", headers=other_headers, json=body)
        assert (answer.status_code, answer.json["error"]) == (409, "counter_taken"), action
    counter = holder.get("/api/counters/1").json
    assert counter["clerk"] == "an" and counter["status"] == "open"
    assert counter["ticket"]["label"] == called["label"]
    assert counter["ticket"]["status"] == "called" and counter["ticket"]["call_count"] == 1


def test_a_supervisor_may_take_over_a_clerks_counter(app: Any, busy: None) -> None:
    holder, supervisor = app.test_client(), app.test_client()
    holder_headers = sign_in(holder, "an")
    holder.post("/api/counters/1/open", headers=holder_headers)
    holder.post("/api/counters/1/next", headers=holder_headers)
    answer = supervisor.post("/api/counters/1/finish", headers=sign_in(supervisor, "chi"))
    assert answer.status_code == 200 and answer.json["ticket"]["status"] == "done"
