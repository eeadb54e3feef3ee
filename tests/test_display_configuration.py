"""Hall displays in the admin: added, changed and removed as one audited change each, stored as
the center file loader stores them (so display_scope and the export read them), refused whole
when wrong; and the routes that do it over HTTP, for admins only."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.center import display_scope, get_setting, load_center
from core.configuration import Change, displays
from core.errors import Conflict, InvalidInput, NotFound, QueueError
from db import connect, migrate
from db.export import export_center
from tests.conftest import SMALL_CENTER, sign_in
from tests.helpers.configuration import refused
from tests.helpers.pages import render


def stored(db: Database) -> list[dict[str, Any]]:
    return list(get_setting(db, "displays", []))


# ---------- core ----------


def test_displays_are_added_changed_and_removed(db: Database, change: Change) -> None:
    displays.add_display(db, change, id="hall", name=" Sảnh  chính ", shows="all")
    displays.add_display(db, change, id="tp", shows="departments", departments=["TP"])
    displays.add_display(db, change, id="q", name="Quầy 3, 1", shows="counters", counters=[3, 1])

    assert stored(db) == [
        {"id": "hall", "name": "Sảnh chính"},
        {"id": "tp", "name": None, "departments": ["TP"]},
        {"id": "q", "name": "Quầy 3, 1", "counters": [1, 3]},
    ]
    assert display_scope(db, "tp") == {"name": None, "counters": None, "services": ["A", "B"]}
    assert display_scope(db, "q") == {
        "name": "Quầy 3, 1",
        "counters": [1, 3],
        "services": ["A", "B", "D"],
    }

    changed = displays.update_display(
        db, change, "tp", name="Tầng 2", shows="departments", departments=["TC", "TP"]
    )
    assert changed == {"id": "tp", "name": "Tầng 2", "departments": ["TP", "TC"]}
    displays.update_display(db, change, "q", shows="all", counters=[2])
    assert [d["id"] for d in stored(db)] == ["hall", "tp", "q"]  # changed in place
    assert stored(db)[2] == {"id": "q", "name": None}

    displays.remove_display(db, change, "hall")
    assert [d["id"] for d in stored(db)] == ["tp", "q"]

    entries = list_entries(db, kind=None)
    assert [(e.action, e.target) for e in entries] == [
        ("display.remove", "hall"),
        ("display.update", "q"),
        ("display.update", "tp"),
        ("display.add", "q"),
        ("display.add", "tp"),
        ("display.add", "hall"),
    ]
    assert entries[0].details == {"before": {"id": "hall", "name": "Sảnh chính"}, "after": None}
    assert entries[2].details == {
        "before": {"id": "tp", "name": None, "departments": ["TP"]},
        "after": changed,
    }
    assert entries[2].reason == "test"


def test_a_change_to_the_same_is_not_logged(db: Database, change: Change) -> None:
    displays.add_display(db, change, id="q", shows="counters", counters=[2])
    displays.update_display(db, change, "q", shows="counters", counters=[2])

    assert [e.action for e in list_entries(db, kind=None)] == ["display.add"]


def test_displays_written_here_survive_the_export_and_reload(
    db: Database, change: Change, tmp_path: Any
) -> None:
    displays.add_display(
        db, change, id="tp", name="Tư pháp", shows="departments", departments=["TP"]
    )
    displays.add_display(db, change, id="q3", shows="counters", counters=[3])
    displays.add_display(db, change, id="all", shows="all")

    text = export_center(db)
    again = connect(tmp_path / "again.db")
    migrate(again)
    load_center(again, tomllib.loads(text))

    assert stored(again) == stored(db)
    again.conn.close()


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"id": "bad id"}, InvalidInput, "code"),
        ({"id": "x" * 33}, InvalidInput, "code"),
        ({"id": ""}, InvalidInput, "code"),
        ({"id": 5.5}, InvalidInput, "code"),
        ({"id": "d2", "name": "x" * 201}, InvalidInput, "too_long"),
        ({"id": "d2", "shows": "some"}, InvalidInput, "shows"),
        ({"id": "d2", "shows": "counters"}, InvalidInput, "no_counters"),
        ({"id": "d2", "shows": "counters", "counters": []}, InvalidInput, "no_counters"),
        ({"id": "d2", "shows": "counters", "counters": [9]}, InvalidInput, "unknown_counter"),
        ({"id": "d2", "shows": "counters", "counters": ["1"]}, InvalidInput, "unknown_counter"),
        ({"id": "d2", "shows": "counters", "counters": [1, 1]}, InvalidInput, "duplicate"),
        ({"id": "d2", "shows": "departments"}, InvalidInput, "no_departments"),
        (
            {"id": "d2", "shows": "departments", "departments": ["XX"]},
            InvalidInput,
            "unknown_department",
        ),
        ({"id": "d1"}, Conflict, "duplicate"),
    ],
)
def test_add_display_refuses_bad_values(
    db: Database, change: Change, values: dict[str, Any], error: type[QueueError], code: str
) -> None:
    displays.add_display(db, change, id="d1", shows="all")

    message = refused(db, error, code, lambda: displays.add_display(db, change, **values))
    assert message.endswith(".")


def test_a_refused_change_leaves_the_display_as_it_was(db: Database, change: Change) -> None:
    displays.add_display(db, change, id="d1", shows="counters", counters=[1])

    refused(
        db,
        InvalidInput,
        "unknown_department",
        lambda: displays.update_display(db, change, "d1", shows="departments", departments=["ZZ"]),
    )
    assert stored(db) == [{"id": "d1", "name": None, "counters": [1]}]


def test_an_unknown_display_cannot_be_changed_or_removed(db: Database, change: Change) -> None:
    refused(db, NotFound, "unknown_display", lambda: displays.remove_display(db, change, "d9"))
    refused(
        db, NotFound, "unknown_display", lambda: displays.update_display(db, change, "d9", name="x")
    )


def test_displays_from_the_center_file_are_edited_in_place(db: Database, change: Change) -> None:
    load_center(
        db,
        {
            **SMALL_CENTER,
            "displays": [{"id": "tp", "departments": ["TP"]}, {"id": "q3", "counters": [3]}],
        },
    )
    displays.update_display(db, change, "q3", name="Quầy 3", shows="counters", counters=[3])

    assert json.loads(
        db.execute("SELECT value FROM settings WHERE key = 'json:displays'").fetchone()[0]
    ) == [
        {"id": "tp", "name": None, "departments": ["TP"]},
        {"id": "q3", "name": "Quầy 3", "counters": [3]},
    ]


# ---------- over HTTP ----------

ROUTES = [
    ("POST", "/api/admin/displays", {"id": "d1", "shows": "all"}),
    ("PUT", "/api/admin/displays/d1", {"name": "x"}),
    ("DELETE", "/api/admin/displays/d1", {}),
]


def test_strangers_get_401_and_clerks_and_supervisors_403(app: Any, client: Any) -> None:
    for method, path, body in ROUTES:
        answer = client.open(path, method=method, json=body)
        assert (answer.status_code, answer.json["error"]) == (401, "unauthorized"), path
    for username in ("an", "chi"):
        headers = sign_in(client, username)
        for method, path, body in ROUTES:
            answer = client.open(path, method=method, json=body, headers=headers)
            assert (answer.status_code, answer.json["error"]) == (403, "forbidden"), path
    assert client.get("/admin/displays").status_code == 403
    database = connect(app.config["DATABASE"])
    assert get_setting(database, "displays", []) == []
    database.conn.close()


def test_an_admin_adds_changes_and_removes_a_display(
    app: Any, client: Any, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import realtime

    pushed: list[str] = []
    monkeypatch.setattr(realtime, "publish_configuration", lambda version: pushed.append("layout"))

    added = client.post(
        "/api/admin/displays",
        json={
            "id": "t2",
            "name": "Tầng 2",
            "shows": "counters",
            "counters": [1, 2],
            "reason": "mới",
        },
        headers=admin,
    )
    assert added.status_code == 200, added.json
    assert added.json == {"id": "t2", "name": "Tầng 2", "counters": [1, 2]}

    html, page = render(client, "/admin/displays")
    assert page.json_blocks["display-items"]["t2"] == {
        "id": "t2",
        "name": "Tầng 2",
        "shows": "counters",
        "counters": [1, 2],
        "departments": [],
    }
    assert "/display/?display=t2" in html and "Màn hình sảnh" in html
    dialog = page.first("dialog", id="display-dialog")
    assert dialog["data-update-url"] == "/api/admin/displays/KEY"

    changed = client.put(
        "/api/admin/displays/t2",
        json={"name": "Tầng 2", "shows": "departments", "departments": ["TC"]},
        headers=admin,
    )
    assert changed.json == {"id": "t2", "name": "Tầng 2", "departments": ["TC"]}
    assert client.get("/api/admin/configuration").json["displays"] == [changed.json]

    wrong = client.put(
        "/api/admin/displays/t2", json={"shows": "counters", "counters": [42]}, headers=admin
    )
    assert (wrong.status_code, wrong.json["error"]) == (400, "unknown_counter")
    assert "42" in wrong.json["message"]
    duplicate = client.post("/api/admin/displays", json={"id": "t2"}, headers=admin)
    assert (duplicate.status_code, duplicate.json["error"]) == (409, "duplicate")
    bad_id = client.post("/api/admin/displays", json={"id": "a b"}, headers=admin)
    assert bad_id.status_code == 400

    removed = client.delete("/api/admin/displays/t2", json={}, headers=admin)
    assert removed.json == {"removed": "t2"}
    missing = client.delete("/api/admin/displays/t2", json={}, headers=admin)
    assert (missing.status_code, missing.json["error"]) == (404, "unknown_display")
    assert pushed == ["layout", "layout", "layout"]

    html, _page = render(client, "/admin/audit")
    assert "Thêm màn hình sảnh" in html and "Xóa màn hình sảnh" in html and "mới" in html


def test_a_counter_or_department_a_display_shows_cannot_be_removed(
    db: Database, change: Change
) -> None:
    from core.configuration import catalogue, floor

    displays.add_display(db, change, id="q1", shows="counters", counters=[1])
    displays.add_display(db, change, id="tc", shows="departments", departments=["TC"])

    message = refused(
        db, Conflict, "counter_on_display", lambda: floor.remove_counter(db, change, 1)
    )
    assert "q1" in message
    floor.remove_counter(db, change, 2)  # no display shows it

    db.execute("DELETE FROM counter_services WHERE service = 'D'")
    db.execute("DELETE FROM services WHERE code = 'D'")
    message = refused(
        db, Conflict, "department_on_display", lambda: catalogue.remove_department(db, change, "TC")
    )
    assert "tc" in message
    displays.remove_display(db, change, "tc")
    catalogue.remove_department(db, change, "TC")
