"""Editing the center's settings (the center, announcements, priority, holidays): each change is
checked, applied whole, and audited; a refused change leaves every table (the audit log included)
as it was. Departments and services: tests/test_configuration_catalogue.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.board import services_overview
from core.center import get_center, list_priority_categories
from core.configuration import Change, settings
from core.errors import Conflict, InvalidInput
from core.tickets import issue_ticket
from tests.helpers.configuration import ZONE, last_entry, refused

# ---------- the center, announcements, priority, holidays ----------


def test_update_center_sets_name_language_footer_and_logs_before_and_after(
    db: Database, change: Change
) -> None:
    settings.update_center(db, change, name="  Trung tâm   mới ", language="en", footer="Hotline")

    center = get_center(db)
    assert (center.name, center.language, center.footer) == ("Trung tâm mới", "en", "Hotline")
    entry = last_entry(db)
    assert (entry.actor, entry.action, entry.target, entry.reason) == (
        "root",
        "center.update",
        "center",
        "test",
    )
    assert entry.details["before"] == {
        "name": "Trung tâm thử",
        "language": "vi",
        "footer": "",
        "rating_scale": 4,
        "dossier_pattern": None,
    }
    assert entry.details["after"]["name"] == "Trung tâm mới"
    assert center.rating_scale == 4  # left out: kept as it was


def test_update_center_sets_the_rating_scale_and_a_dossier_pattern(
    db: Database, change: Change
) -> None:
    pattern = r"^\d{3}\.H\d{2}-\d{6}$"
    settings.update_center(db, change, name="X", rating_scale=3, dossier_pattern=f"  {pattern} ")
    center = get_center(db)
    assert (center.rating_scale, center.dossier_pattern) == (3, pattern)
    assert last_entry(db).details["after"]["dossier_pattern"] == pattern
    settings.update_center(db, change, name="X", dossier_pattern="")
    assert get_center(db).dossier_pattern is None


@pytest.mark.parametrize(
    ("values", "code", "words"),
    [
        ({"rating_scale": 5}, "rating_scale", "must be 3 (Rất hài lòng / Hài lòng / Không"),
        ({"rating_scale": True}, "rating_scale", "must be 3"),
        ({"dossier_pattern": "(a+)+$"}, "dossier_pattern", "repeats inside a repetition"),
        ({"dossier_pattern": "[0-9"}, "dossier_pattern", "is not a valid regular expression"),
        ({"dossier_pattern": "(x)\\1"}, "dossier_pattern", "back-references"),
        ({"dossier_pattern": "a" * 201}, "dossier_pattern", "longer than 200"),
    ],
)
def test_a_bad_scale_or_a_pattern_that_could_run_long_is_refused_with_its_reason(
    db: Database, change: Change, values: dict[str, Any], code: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        settings.update_center(db, change, name="X", **values)
    assert refused.value.code == code and words in refused.value.message
    assert get_center(db).rating_scale == 4


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"name": " ", "language": "vi", "footer": None}, "required"),
        ({"name": "X", "language": "fr", "footer": None}, "language"),
        ({"name": "X" * 201, "language": "vi", "footer": None}, "too_long"),
    ],
)
def test_update_center_refuses_bad_values(
    db: Database, change: Change, values: dict[str, Any], code: str
) -> None:
    refused(db, InvalidInput, code, lambda: settings.update_center(db, change, **values))


def test_a_change_to_the_same_values_is_not_logged(db: Database, change: Change) -> None:
    settings.update_center(db, change, name="Trung tâm thử", language="vi", footer="")

    assert list_entries(db) == []


def test_update_announcement_checks_the_template_with_the_adapter(
    db: Database, change: Change
) -> None:
    def check(template: str) -> None:
        if "{bogus}" in template:
            raise ValueError("unknown template token '{bogus}'")

    message = refused(
        db,
        InvalidInput,
        "template",
        lambda: settings.update_announcement(
            db, change, language="vi", repeat=2, template="intro {bogus}", check_template=check
        ),
    )
    assert "{bogus}" in message

    settings.update_announcement(
        db, change, language="en", repeat=3, template="intro {label}", check_template=check
    )
    assert settings.announcement_settings(db) == {
        "language": "en",
        "repeat": 3,
        "template": "intro {label}",
    }
    assert last_entry(db).details["after"]["template"] == "intro {label}"


def test_update_announcement_refuses_a_repeat_out_of_range(db: Database, change: Change) -> None:
    refused(
        db,
        InvalidInput,
        "range",
        lambda: settings.update_announcement(db, change, language="vi", repeat=6, template=None),
    )


def test_priority_policy_strict_or_at_most_n_in_a_row(db: Database, change: Change) -> None:
    settings.set_priority_policy(db, change, policy="strict", max_in_row=None)
    assert get_center(db).priority_max_in_row is None

    settings.set_priority_policy(db, change, policy="limit", max_in_row=3)
    assert get_center(db).priority_max_in_row == 3
    assert last_entry(db).details == {
        "before": {"policy": "strict", "max_in_row": 0, "elderly_age": 60},
        "after": {"policy": "limit", "max_in_row": 3, "elderly_age": 60},
    }


@pytest.mark.parametrize(
    ("policy", "max_in_row", "code"),
    [("limit", None, "range"), ("limit", 21, "range"), ("sometimes", 2, "policy")],
)
def test_priority_policy_refuses_bad_values(
    db: Database, change: Change, policy: str, max_in_row: int | None, code: str
) -> None:
    refused(
        db,
        InvalidInput,
        code,
        lambda: settings.set_priority_policy(db, change, policy=policy, max_in_row=max_in_row),
    )


def test_priority_categories_are_replaced_in_order(db: Database, change: Change) -> None:
    settings.set_priority_categories(
        db,
        change,
        [
            {"code": "pregnant", "name": "Phụ nữ có thai", "name_en": None},
            {"code": "elderly", "name": "Người cao tuổi", "name_en": "Elderly"},
            {"code": "veteran", "name": "Người có công", "name_en": ""},
        ],
    )

    categories = list_priority_categories(db)
    assert [(c["code"], c["name"], c["name_en"]) for c in categories] == [
        ("pregnant", "Phụ nữ có thai", None),
        ("elderly", "Người cao tuổi", "Elderly"),
        ("veteran", "Người có công", None),
    ]
    assert last_entry(db).action == "priority.categories"


def test_a_priority_category_on_tickets_stays(db: Database, change: Change, clock: Any) -> None:
    issue_ticket(db, "A", now=clock(), priority="disabled")

    message = refused(
        db,
        Conflict,
        "category_in_use",
        lambda: settings.set_priority_categories(
            db, change, [{"code": "elderly", "name": "Người cao tuổi"}]
        ),
    )
    assert "disabled" in message


@pytest.mark.parametrize(
    ("categories", "code"),
    [
        ([], "required"),
        ([{"code": "a", "name": "A"}, {"code": "a", "name": "B"}], "duplicate"),
        ([{"code": "bad code", "name": "A"}], "code"),
        ([{"code": "a", "name": ""}], "required"),
    ],
)
def test_priority_categories_refuse_bad_lists(
    db: Database, change: Change, categories: list[dict[str, Any]], code: str
) -> None:
    refused(
        db, InvalidInput, code, lambda: settings.set_priority_categories(db, change, categories)
    )


def test_holidays_close_every_service_on_those_days(
    db: Database, change: Change, clock: Any
) -> None:
    today = clock().astimezone(ZONE).date().isoformat()
    saved = settings.set_holidays(
        db, change, [{"date": "2026-12-25", "name": ""}, {"date": today, "name": "Nghỉ bù"}]
    )

    assert [holiday["date"] for holiday in saved] == [today, "2026-12-25"]
    with pytest.raises(Conflict) as closed:
        issue_ticket(db, "A", now=clock())
    assert closed.value.code == "closed"
    overview = services_overview(db, now=clock())
    assert {(s["is_open"], s["closed_reason"], tuple(s["hours"])) for s in overview} == {
        (False, "hours", ())
    }
    clock.advance(days=1)
    assert issue_ticket(db, "A", now=clock()).ticket.label == "A001"


@pytest.mark.parametrize(
    "holidays",
    [
        [{"date": "2026-02-30"}],
        [{"date": "30/04/2026"}],
        [{"date": "2026-04-30"}, {"date": "2026-04-30", "name": "again"}],
        [{"date": "2026-04-30", "when": "all day"}],
    ],
)
def test_holidays_refuse_bad_lists(
    db: Database, change: Change, holidays: list[dict[str, Any]]
) -> None:
    refused(db, InvalidInput, "holidays", lambda: settings.set_holidays(db, change, holidays))
