"""`export-config`: the configuration written back as a center file, which loads into the same
tables again (load -> export -> load), in the layout of design.md section 3."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.center import load_center
from core.configuration import Change, catalogue, settings
from db.export import export_center, export_config, toml_string
from tests.helpers.configuration import configuration, fresh_database

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "centers" / "can-tho.toml"


def round_trip(db: Database, tmp_path: Path) -> Database:
    again = fresh_database(tmp_path / "again.db")
    load_center(again, tomllib.loads(export_center(db)))
    return again


def test_the_demo_center_round_trips_to_identical_configuration(tmp_path: Path) -> None:
    demo = fresh_database(tmp_path / "demo.db")
    load_center(demo, tomllib.loads(DEMO.read_text(encoding="utf-8")))

    again = round_trip(demo, tmp_path)

    assert configuration(again) == configuration(demo)
    assert configuration(demo)["services"]  # the comparison had something to compare


def test_the_export_follows_the_design_layout(tmp_path: Path) -> None:
    demo = fresh_database(tmp_path / "demo.db")
    load_center(demo, tomllib.loads(DEMO.read_text(encoding="utf-8")))

    text = export_center(demo)

    assert '[center]\nname = "Trung tâm Phục vụ hành chính công thành phố Cần Thơ"' in text
    assert '\n[[services]]\ncode = "S"\n' in text
    assert 'hours = ["07:00-11:30", "13:00-17:00"]\n' in text
    assert '[[counters]]\nnumber = 16\nname = "Quầy trả kết quả"\nservices = ["R", "S"]\n' in text
    assert (
        '[[kiosks]]\nid = "k2"\nname = "Kiosk cửa phụ"\nprinter = "dummy:"\npaper = "58mm"' in text
    )
    assert '[priority]\npolicy = "limit"\nmax_in_row = 2\n' in text


def test_weekly_hours_holidays_and_settings_made_in_the_admin_pages_round_trip(
    db: Database, clock: Any, tmp_path: Path
) -> None:
    change = Change(actor="root", now=clock())
    catalogue.add_service(
        db,
        change,
        code="E",
        name='Đất đai "sổ đỏ"',
        name_en="Land \\ titles",
        department="TC",
        daily_quota=40,
        hours={"weekdays": ["07:00-11:30", "13:00-17:00"], "saturday": ["07:30-11:00"]},
    )
    settings.set_holidays(db, change, [{"date": "2026-09-02", "name": "Quốc khánh"}])
    settings.set_priority_policy(db, change, policy="strict", max_in_row=None)
    settings.update_announcement(db, change, language="en", repeat=1, template="intro {label}")
    settings.update_center(db, change, name="Trung tâm\tthử", language="vi", footer="Cảm ơn")

    text = export_center(db)
    again = round_trip(db, tmp_path)

    assert "[services.hours]\nweekdays = " in text and "date = 2026-09-02" in text
    assert configuration(again) == configuration(db)


def test_a_switched_off_service_stays_off_after_the_round_trip(
    db: Database, clock: Any, tmp_path: Path
) -> None:
    catalogue.set_service_enabled(db, Change(actor="root", now=clock()), "B", False)

    assert "enabled = false" in export_center(db)
    assert configuration(round_trip(db, tmp_path)) == configuration(db)


@pytest.mark.parametrize(
    "text", ['say "hi"', "back\\slash", "tab\tand\nnewline", "bell\x07 del\x7f", "Tiếng Việt ·"]
)
def test_toml_strings_read_back_as_written(text: str) -> None:
    assert tomllib.loads(f"value = {toml_string(text)}")["value"] == text


def test_the_command_writes_a_file_and_keeps_an_existing_one(app: Any, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "out" / "center.toml"

    written = runner.invoke(export_config, [str(target)])
    assert written.exit_code == 0, written.output
    assert tomllib.loads(target.read_text(encoding="utf-8"))["center"]["name"] == "Trung tâm thử"

    again = runner.invoke(export_config, [str(target)])
    assert again.exit_code != 0 and "exists" in again.output
    assert runner.invoke(export_config, [str(target), "--force"]).exit_code == 0
    shown = runner.invoke(export_config, [])
    assert shown.exit_code == 0 and shown.output.startswith("# Center file of Trung tâm thử")
