"""Each configuration item is declared once (core.items): the center file, the admin API, the
OpenAPI document and the exporter all speak of it the same way, so a file loaded, exported and
loaded again gives the same tables, and a change made in the admin pages reaches the file."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from core import items
from core.center import load_center
from core.errors import CenterFileError
from db import connect
from db.export import export_center
from tests.helpers.configuration import configuration, fresh_database

# A center file that writes every key of every item (a test below holds it to that).
EVERY_KEY: dict[str, Any] = {
    "center": {
        "name": "Trung tâm Phục vụ hành chính công",
        "language": "en",
        "footer": "Đường dây nóng: 1900 1234",
        "timezone": "Asia/Bangkok",
        "rating_scale": 4,
        "dossier_pattern": r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$",
    },
    "priority": {
        "policy": "limit",
        "max_in_row": 3,
        "elderly_age": 65,
        "categories": [
            {"code": "elderly", "name": "Người cao tuổi", "name_en": "Elderly"},
            {"code": 7, "name": "Thương binh"},
        ],
    },
    "announcement": {"language": "vi", "repeat": 1, "template": ["intro", "{label}"]},
    "appointments": {"days_ahead": 7, "early_min": 20, "grace_min": 10},
    "feedback": {"answer_days": 8},
    "holidays": [{"date": "2026-09-02", "name": "Quốc khánh"}],
    "departments": [
        {"code": "TP", "name": "Sở Tư pháp", "name_en": "Justice"},
        {"code": 2, "name": "Sở Tài chính"},
    ],
    "services": [
        {
            "code": "A",
            "name": "Hộ tịch",
            "name_en": "Civil status",
            "department": "TP",
            "target_wait_min": 20,
            "daily_quota": 150,
            "hours": {"weekdays": ["07:00-11:30"], "saturday": ["07:30-11:00"]},
            "appointments": {"slot_min": 20, "per_slot": 3},
            "enabled": True,
            "guide": {
                "papers": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
                "fee": "Miễn phí",
                "processing": "Trong ngày",
                "legal_basis": "Luật Hộ tịch 2014",
                "print_checklist": True,
            },
        },
        {"code": "B", "name": "Thuế", "department": 2, "hours": ["13:00-16:30"], "enabled": False},
    ],
    "counters": [
        {"number": 1, "name": "Quầy hộ tịch", "services": ["A", "B"]},
        {"number": 2, "services": ["B"]},
    ],
    "kiosks": [
        {"id": "k1", "name": "Sảnh", "printer": "dummy:", "paper": "58mm"},
        {"id": 2},
    ],
    "displays": [
        {"id": "tu-phap", "name": "Khu Tư pháp", "shows": "departments", "departments": ["TP"]},
        {"id": 3, "counters": [2]},
        {"id": "hall"},
    ],
    "staff": [{"username": "lan", "services": ["A", "B"]}, {"username": "binh"}],
}


def keys_of(model: type[BaseModel]) -> set[str]:
    """Every key a model takes, nested items' keys as "table.key"."""
    found = set()
    for name, field in model.model_fields.items():
        found.add(name)
        inner = field.annotation
        for argument in getattr(inner, "__args__", ()):
            if isinstance(argument, type) and issubclass(argument, items.Item):
                found |= {f"{name}.{key}" for key in keys_of(argument)}
        if isinstance(inner, type) and issubclass(inner, items.Item):
            found |= {f"{name}.{key}" for key in keys_of(inner)}
    return found


def keys_written(data: Any, prefix: str = "") -> set[str]:
    found = set()
    entries = data if isinstance(data, list) else [data]
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            found.add(prefix + key)
            if key != "hours":  # a service's weekly hours: days, not keys of an item
                found |= keys_written(value, f"{prefix}{key}.")
    return found


def test_the_test_file_writes_every_key_of_every_item() -> None:
    assert keys_of(items.CenterFile) - keys_written(EVERY_KEY) == set()


def test_every_item_round_trips_through_the_file(tmp_path: Path) -> None:
    loaded = fresh_database(tmp_path / "loaded.db")
    load_center(loaded, EVERY_KEY)
    again = fresh_database(tmp_path / "again.db")

    load_center(again, tomllib.loads(export_center(loaded)))

    assert configuration(again) == configuration(loaded)
    assert configuration(loaded)["kiosks"]  # the comparison had something to compare


def test_ids_written_as_numbers_are_names(tmp_path: Path) -> None:
    db = fresh_database(tmp_path / "qms.db")
    load_center(db, EVERY_KEY)

    text = export_center(db)

    assert '[[kiosks]]\nid = "2"\nname = "2"\nprinter = "none:"\npaper = "80mm"\n' in text
    assert '[[displays]]\nid = "3"\ncounters = [2]\n' in text
    assert 'department = "2"' in text and 'code = "7"' in text


def test_a_wrong_item_names_itself_and_the_file_changes_nothing(tmp_path: Path) -> None:
    db = fresh_database(tmp_path / "qms.db")
    load_center(db, EVERY_KEY)
    before = configuration(db)
    wrong = json.loads(json.dumps(EVERY_KEY))
    wrong["kiosks"][1]["paper"] = "A4"

    with pytest.raises(CenterFileError, match=r"kiosks\[2\] \(id 2\): paper 'A4' must be one of"):
        load_center(db, wrong)
    assert configuration(db) == before


# Each admin API change, and where its item shows in the exported file.
CHANGES = [
    ("PUT", "/api/admin/center", {"name": "Trung tâm mới", "footer": "Xin cảm ơn"}, "center"),
    ("POST", "/api/admin/departments", {"code": "XD", "name": "Sở Xây dựng"}, "departments"),
    ("PUT", "/api/admin/departments/TP", {"name": "Tư pháp", "name_en": "Law"}, "departments"),
    (
        "POST",
        "/api/admin/services",
        {"code": "E", "name": "Đất đai", "department": "TC", "hours": ["07:00-11:00"]},
        "services",
    ),
    (
        "PUT",
        "/api/admin/services/A",
        {"name": "Hộ tịch", "department": "TP", "daily_quota": 9, "target_wait_min": 30},
        "services",
    ),
    ("POST", "/api/admin/counters", {"number": 8, "services": ["D", "A"]}, "counters"),
    ("PUT", "/api/admin/counters/2", {"name": "Quầy hai", "services": ["A"]}, "counters"),
    ("POST", "/api/admin/kiosks", {"id": "k9", "printer": "dummy:", "paper": "58mm"}, "kiosks"),
    ("POST", "/api/admin/displays", {"id": "d1", "shows": "counters", "counters": [3]}, "displays"),
    (
        "PUT",
        "/api/admin/priority/policy",
        {"policy": "limit", "max_in_row": 4, "elderly_age": 65},
        "priority",
    ),
    ("PUT", "/api/admin/announcement", {"language": "en", "repeat": 3}, "announcement"),
    ("PUT", "/api/admin/holidays", {"holidays": [{"date": "2026-04-30"}]}, "holidays"),
    ("PUT", "/api/admin/appointments", {"days_ahead": 21, "grace_min": 5}, "appointments"),
    ("PUT", "/api/admin/feedback", {"answer_days": 9}, "feedback"),
    (
        "PUT",
        "/api/admin/services/A",
        {
            "name": "Hộ tịch",
            "department": "TP",
            "hours": ["07:00-11:00"],
            "appointments": {"slot_min": 30, "per_slot": 4},
        },
        "services",
    ),
    ("PUT", "/api/admin/users/root/services", {"services": ["A"]}, "staff"),
]


@pytest.mark.parametrize(("method", "path", "body", "table"), CHANGES)
def test_an_admin_change_of_each_item_reaches_the_file(
    app: Any, client: Any, admin: dict[str, str], method: str, path: str, body: Any, table: str
) -> None:
    answer = client.open(path, method=method, json=body, headers=admin)
    assert answer.status_code == 200, answer.json

    exported = tomllib.loads(client.get("/api/admin/center-file", headers=admin).text)

    part = exported[table]
    entries = part if isinstance(part, list) else [part]
    wanted = {key: value for key, value in body.items() if key != "shows"}
    if table == "holidays":
        wanted = {"date": date(2026, 4, 30)}
    assert any(wanted.items() <= entry.items() for entry in entries), entries
    database = connect(app.config["DATABASE"])
    again = fresh_database(Path(app.config["DATABASE"]).with_name("again.db"))
    load_center(again, exported)
    assert configuration(again) == configuration(database)
    database.conn.close()


def test_the_admin_api_covers_every_item_of_the_file() -> None:
    assert {table for *_, table in CHANGES} == set(items.CenterFile.model_fields)


def test_the_admin_bodies_are_the_items_plus_a_reason(app: Any, client: Any) -> None:
    from api import admin_schemas

    document = client.get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    for body, item in [
        (admin_schemas.AdminService, items.Service),
        (admin_schemas.AdminCounter, items.Counter),
        (admin_schemas.AdminKiosk, items.Kiosk),
        (admin_schemas.AdminDisplay, items.Display),
        (admin_schemas.AdminCenter, items.CenterSettings),
        (admin_schemas.AdminAnnouncement, items.Announcement),
    ]:
        assert set(schemas[body.__name__]["properties"]) == {*item.model_fields, "reason"}


def test_the_audit_page_names_every_field_of_every_item() -> None:
    from admin.audit_page import FIELDS, HIDDEN_FIELDS

    for item in items.ALL_ITEMS:
        for name in item.model_fields:
            assert name in FIELDS or name in HIDDEN_FIELDS, (item, name)


def test_a_template_list_of_anything_but_clip_keys_is_refused_in_words() -> None:
    from core.errors import InvalidInput
    from core.fields import checked

    assert checked(items.Announcement, {"template": ["intro", "{label}"]}).template == (
        "intro {label}"
    )
    with pytest.raises(InvalidInput, match="template must be a text"):
        checked(items.Announcement, {"template": ["intro", 1]})
