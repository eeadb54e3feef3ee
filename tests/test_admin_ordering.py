"""Reordering departments and services (core.configuration.ordering, PUT .../order): the kiosk
follows the new order, other departments' services keep their places, a list that is not the
current items is refused with what differs, the audit log keeps before and after, kiosks and
displays are told to reload, and the order survives export and load."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

import realtime
from core.audit import list_entries
from core.center import list_departments, list_services, load_center
from core.configuration import Change, catalogue
from core.configuration.ordering import order_departments, order_services
from core.errors import InvalidInput, NotFound
from core.tickets import issue_ticket
from db import connect, migrate
from db.export import export_config
from tests.conftest import SMALL_CENTER, sign_in
from tests.helpers.configuration import last_entry, refused
from tests.helpers.pages import Page, render
from tests.helpers.pushes import payloads, pushed, received_until

DEPARTMENTS_ORDER = "/api/admin/department-order"


def service_codes(db: Database) -> list[str]:
    return [service.code for service in list_services(db)]


def positions(db: Database) -> dict[str, int]:
    return dict(db.execute("SELECT code, position FROM services").fetchall())


# ---------- core ----------


def test_order_departments_sets_the_kiosk_order_and_logs_before_and_after(
    db: Database, change: Change
) -> None:
    answer = order_departments(db, ["TC", "TP"], change)

    assert [department.code for department in list_departments(db)] == ["TC", "TP"]
    assert [row["code"] for row in answer] == ["TC", "TP"]
    entry = last_entry(db)
    assert (entry.actor, entry.action, entry.target, entry.reason) == (
        "root",
        "departments.order",
        None,
        "test",
    )
    assert entry.details == {
        "before": {"departments": ["TP", "TC"]},
        "after": {"departments": ["TC", "TP"]},
    }


def test_order_services_reuses_the_departments_places_and_leaves_the_others_alone(
    db: Database, change: Change
) -> None:
    catalogue.add_service(db, change, code="E", name="Đất đai", department="TP")
    assert positions(db) == {"A": 1, "B": 2, "D": 3, "E": 4}

    answer = order_services(db, "TP", ["E", "A", "B"], change)

    assert positions(db) == {"E": 1, "A": 2, "D": 3, "B": 4}
    assert [row["code"] for row in answer] == ["E", "A", "B"]
    entry = last_entry(db)
    assert (entry.action, entry.target) == ("services.order", "TP")
    assert entry.details == {
        "before": {"services": ["A", "B", "E"]},
        "after": {"services": ["E", "A", "B"]},
    }


def test_the_same_order_changes_nothing_and_is_not_logged(db: Database, change: Change) -> None:
    before = positions(db)

    order_departments(db, ["TP", "TC"], change)
    order_services(db, "TP", ["A", "B"], change)

    assert positions(db) == before
    assert list_entries(db) == []


@pytest.mark.parametrize(
    ("codes", "said"),
    [
        (["TP"], "missing TC"),
        (["TP", "TC", "XD"], "not one of them: XD"),
        (["TP", "TC", "TP"], "listed more than once: TP"),
        ([], "missing TP, TC"),
        ("TP,TC", "must be a list of their codes"),
    ],
)
def test_a_list_that_is_not_the_departments_each_once_is_refused(
    db: Database, change: Change, codes: Any, said: str
) -> None:
    message = refused(db, InvalidInput, "order", lambda: order_departments(db, codes, change))

    assert said in message


def test_a_service_of_another_department_is_refused_by_name(db: Database, change: Change) -> None:
    message = refused(
        db, InvalidInput, "order", lambda: order_services(db, "TP", ["B", "A", "D"], change)
    )

    assert "services of department TP" in message and "not one of them: D" in message
    refused(db, NotFound, "unknown_department", lambda: order_services(db, "XX", [], change))


def test_services_sharing_a_place_after_a_load_are_renumbered_in_their_order(
    db: Database, change: Change, clock: Any
) -> None:
    """A load keeps a service with tickets (B, place 2) and gives its place to a new one (E)."""
    issue_ticket(db, "B", now=clock())
    smaller = {
        **SMALL_CENTER,
        "services": [
            {"code": "A", "name": "Hộ tịch", "department": "TP"},
            {"code": "E", "name": "Đất đai", "department": "TP"},
            {"code": "D", "name": "Doanh nghiệp", "department": "TC"},
        ],
        "counters": [{"number": 1, "services": ["A", "E"]}, {"number": 3, "services": ["D"]}],
    }
    load_center(db, smaller)
    assert positions(db) == {"A": 1, "B": 2, "E": 2, "D": 3}

    order_services(db, "TP", ["E", "B", "A"], change)

    assert positions(db) == {"E": 1, "B": 2, "A": 3, "D": 4}
    assert service_codes(db) == ["E", "B", "A", "D"]


# ---------- over HTTP ----------


def test_reordered_departments_reach_the_kiosk_page_and_the_kiosks_reload(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    kiosk = realtime.socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    display = realtime.socketio.test_client(app, namespace="/display", flask_test_client=client)
    received_until(kiosk, "/kiosk", "services")  # the snapshot on connect
    received_until(display, "/display", "board")

    answer = client.put(
        DEPARTMENTS_ORDER, json={"codes": ["TC", "TP"], "reason": "Tài chính đông"}, headers=admin
    )

    assert answer.status_code == 200, answer.json
    assert [row["code"] for row in answer.json] == ["TC", "TP"]
    assert pushed(kiosk, "/kiosk", "configuration")[0]["version"] >= 1
    assert pushed(display, "/display", "configuration")
    _html, page = render(client, "/kiosk/")
    assert page.json_blocks["departments"] == ["TC", "TP"]


def test_reordered_services_reach_the_kiosks_and_the_audit_log(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    kiosk = realtime.socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    received_until(kiosk, "/kiosk", "services")  # the snapshot on connect

    answer = client.put(
        "/api/admin/departments/TP/service-order",
        json={"codes": ["B", "A"], "reason": "Chứng thực nhiều hơn"},
        headers=admin,
    )

    assert answer.status_code == 200, answer.json
    assert [row["code"] for row in answer.json] == ["B", "A"]
    received = received_until(kiosk, "/kiosk", "configuration")
    services = payloads(received, "services")[-1]
    assert [service["code"] for service in services] == ["B", "A", "D"]
    assert [service["code"] for service in client.get("/api/services").json] == ["B", "A", "D"]
    entry = client.get("/api/admin/audit").json["entries"][0]
    assert (entry["action"], entry["target"], entry["actor"]) == ("services.order", "TP", "root")
    assert entry["reason"] == "Chứng thực nhiều hơn"
    assert entry["details"]["after"] == {"services": ["B", "A"]}


def test_a_stale_list_is_refused_with_what_differs_and_nobody_is_told(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    kiosk = realtime.socketio.test_client(app, namespace="/kiosk", flask_test_client=client)
    received_until(kiosk, "/kiosk", "services")  # the snapshot on connect

    answer = client.put(DEPARTMENTS_ORDER, json={"codes": ["TC"]}, headers=admin)
    unknown = client.put(
        "/api/admin/departments/XX/service-order", json={"codes": []}, headers=admin
    )
    malformed = client.put(DEPARTMENTS_ORDER, json={"codes": ["TC", None]}, headers=admin)

    assert (answer.status_code, answer.json["error"]) == (400, "order")
    assert "missing TP" in answer.json["message"]
    assert (unknown.status_code, unknown.json["error"]) == (404, "unknown_department")
    assert (malformed.status_code, malformed.json["error"]) == (400, "code")
    assert client.get("/api/admin/audit").json["entries"] == []
    # Nobody was told: the first pushes the kiosk gets are those of the next accepted order.
    accepted = client.put(DEPARTMENTS_ORDER, json={"codes": ["TC", "TP"]}, headers=admin)
    assert accepted.status_code == 200, accepted.json
    received = received_until(kiosk, "/kiosk", "configuration")
    assert [event["name"] for event in received] == ["services", "configuration"]
    assert payloads(received, "configuration") == [{"version": 1}]


def test_clerks_and_supervisors_may_not_reorder(client: Any) -> None:
    for username in ("an", "chi"):
        headers = sign_in(client, username)
        answer = client.put(DEPARTMENTS_ORDER, json={"codes": ["TC", "TP"]}, headers=headers)
        assert (answer.status_code, answer.json["error"]) == (403, "forbidden")
        client.delete("/api/session", headers=headers)


def test_the_new_order_survives_export_and_load(
    app: Any, client: Any, admin: dict[str, str], tmp_path: Path
) -> None:
    client.put(DEPARTMENTS_ORDER, json={"codes": ["TC", "TP"]}, headers=admin)
    client.put("/api/admin/departments/TP/service-order", json={"codes": ["B", "A"]}, headers=admin)
    target = tmp_path / "center.toml"

    written = app.test_cli_runner().invoke(export_config, [str(target)])

    assert written.exit_code == 0, written.output
    again = connect(tmp_path / "again.db")
    migrate(again)
    load_center(again, tomllib.loads(target.read_text(encoding="utf-8")))
    assert [department.code for department in list_departments(again)] == ["TC", "TP"]
    assert service_codes(again) == ["B", "A", "D"]


# ---------- the pages ----------


def move_buttons(page: Page, code: str) -> list[dict[str, str | None]]:
    """The up and down buttons of the row of `code`, in that order."""
    found, in_row = [], False
    for tag, attributes in page.tags:
        if tag == "tr":
            in_row = attributes.get("data-code") == code
        elif in_row and tag == "button" and attributes.get("data-order-move"):
            found.append(attributes)
    return found


def test_the_departments_page_moves_rows_and_names_them_for_screen_readers(
    client: Any, admin: dict[str, str]
) -> None:
    _html, page = render(client, "/admin/departments")

    assert page.first("tbody")["data-order-url"] == DEPARTMENTS_ORDER
    up, down = move_buttons(page, "TP")
    assert up["aria-label"] == "Chuyển lên: Sở Tư pháp" and "disabled" in up
    assert down["aria-label"] == "Chuyển xuống: Sở Tư pháp" and "disabled" not in down
    up, down = move_buttons(page, "TC")
    assert "disabled" not in up and "disabled" in down
    assert page.first("script", src="/admin/static/ordering.js")


def test_the_services_page_moves_services_within_their_department(
    client: Any, admin: dict[str, str]
) -> None:
    _html, page = render(client, "/admin/services?lang=en")

    groups = [attributes.get("data-order-url") for tag, attributes in page.tags if tag == "tbody"]
    assert [group for group in groups if group] == [
        "/api/admin/departments/TP/service-order",
        "/api/admin/departments/TC/service-order",
    ]
    up, down = move_buttons(page, "B")
    assert up["aria-label"] == "Move up: B · Chứng thực" and "disabled" not in up
    assert "disabled" in down  # B is last of TP, though D comes after it on the kiosk
    assert all("disabled" in button for button in move_buttons(page, "D"))
