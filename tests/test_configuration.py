"""Editing the configuration: each change is checked, applied whole, and audited; a refused
change leaves every table (the audit log included) as it was."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.board import services_overview
from core.center import get_center, get_service, list_priority_categories
from core.configuration import Change, catalogue, floor, settings
from core.errors import Conflict, InvalidInput, NotFound, QueueError
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


# ---------- departments and services ----------


def test_departments_are_added_at_the_end_renamed_and_removed_when_empty(
    db: Database, change: Change
) -> None:
    catalogue.add_department(db, change, code="XD", name="Sở Xây dựng", name_en=None)
    catalogue.update_department(db, change, "XD", name="Sở Xây dựng mới", name_en="Building")

    rows = catalogue.list_department_rows(db)
    assert [(row["code"], row["services"]) for row in rows] == [("TP", 2), ("TC", 1), ("XD", 0)]
    assert rows[-1]["name"] == "Sở Xây dựng mới"
    catalogue.remove_department(db, change, "XD")
    assert [row["code"] for row in catalogue.list_department_rows(db)] == ["TP", "TC"]
    actions = [entry.action for entry in list_entries(db)]
    assert actions == ["department.remove", "department.update", "department.add"]


def test_a_department_with_services_cannot_be_removed(db: Database, change: Change) -> None:
    message = refused(
        db, Conflict, "department_in_use", lambda: catalogue.remove_department(db, change, "TP")
    )
    assert "A, B" in message


@pytest.mark.parametrize(
    ("code", "error", "error_code"),
    [("TP", Conflict, "duplicate"), ("Sở TP", InvalidInput, "code")],
)
def test_add_department_refuses_a_taken_or_bad_code(
    db: Database, change: Change, code: str, error: type[QueueError], error_code: str
) -> None:
    refused(
        db,
        error,
        error_code,
        lambda: catalogue.add_department(db, change, code=code, name="X", name_en=None),
    )


def test_an_unknown_department_is_not_found(db: Database, change: Change) -> None:
    refused(
        db,
        NotFound,
        "unknown_department",
        lambda: catalogue.update_department(db, change, "ZZ", name="X", name_en=None),
    )


def at_local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in center time in the week of Monday 30 November 2026 (day 0 = Monday)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=ZONE) + timedelta(days=day)


def test_a_service_with_weekly_hours_issues_only_in_its_sessions(
    db: Database, change: Change
) -> None:
    weekly = {"weekdays": ["07:00-11:30", "13:00-16:30"], "saturday": ["07:30-11:00"]}
    added = catalogue.add_service(
        db, change, code="E", name="Đất đai", department="TC", daily_quota=50, hours=weekly
    )

    assert added["hours"] == {
        "weekdays": ["07:00-11:30", "13:00-16:30"],
        "saturday": ["07:30-11:00"],
        "sunday": [],
    }
    assert added["schedule"]["friday"] == ["07:00-11:30", "13:00-16:30"]
    assert issue_ticket(db, "E", now=at_local(4, 13)).ticket.label == "E001"  # Friday
    assert issue_ticket(db, "E", now=at_local(5, 8)).ticket.label == "E001"  # Saturday
    for moment in (at_local(4, 12), at_local(5, 13), at_local(6, 9)):  # lunch, Sat pm, Sunday
        with pytest.raises(Conflict):
            issue_ticket(db, "E", now=moment)
    entry = last_entry(db)
    assert (entry.action, entry.target, entry.details["before"]) == ("service.add", "E", None)
    assert entry.details["after"]["daily_quota"] == 50


def test_the_same_hours_every_day_are_stored_as_the_every_day_list(
    db: Database, change: Change
) -> None:
    same = {day: ["08:00-11:00"] for day in ("weekdays", "saturday", "sunday")}

    catalogue.update_service(db, change, "D", name="Doanh nghiệp", department="TC", hours=same)

    assert get_service(db, "D").hours == (("08:00", "11:00"),)
    assert get_service(db, "D").week is None


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ({"weekdays": ["07:00-11:30", "11:00-12:00"]}, "overlap"),
        ({"monday": ["11:00-09:00"]}, "the end must come after the start"),
        ({"weekdays": [], "saturday": []}, "every day closed"),
        ({"holiday": ["07:00-08:00"]}, "unknown day"),
        (["7h-11h"], 'write "HH:MM-HH:MM"'),
    ],
)
def test_a_service_with_bad_hours_is_refused_with_the_reason(
    db: Database, change: Change, hours: Any, words: str
) -> None:
    message = refused(
        db,
        InvalidInput,
        "hours",
        lambda: catalogue.update_service(
            db, change, "D", name="Doanh nghiệp", department="TC", hours=hours
        ),
    )
    assert words in message


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"code": "a"}, InvalidInput, "code"),
        ({"code": "ABCD"}, InvalidInput, "code"),
        ({"code": "A"}, Conflict, "duplicate"),
        ({"code": "E", "department": "ZZ"}, InvalidInput, "unknown_department"),
        ({"code": "E", "target_wait_min": 0}, InvalidInput, "range"),
        ({"code": "E", "daily_quota": -1}, InvalidInput, "range"),
        ({"code": "E", "name": ""}, InvalidInput, "required"),
    ],
)
def test_add_service_refuses_bad_values(
    db: Database, change: Change, values: dict[str, Any], error: type[QueueError], code: str
) -> None:
    service = {"name": "Mới", "department": "TP", **values}
    refused(db, error, code, lambda: catalogue.add_service(db, change, **service))


def test_update_service_changes_it_and_logs_only_what_changed(db: Database, change: Change) -> None:
    catalogue.update_service(
        db,
        change,
        "B",
        name="Chứng thực",
        name_en="Certification",
        department="TC",
        target_wait_min=10,
        daily_quota=None,
        hours=None,
    )

    service = get_service(db, "B")
    assert (service.department, service.target_wait_min, service.daily_quota) == ("TC", 10, None)
    before, after = last_entry(db).details["before"], last_entry(db).details["after"]
    changed = {key for key in after if before[key] != after[key]}
    assert changed == {"name_en", "department", "target_wait_min", "daily_quota"}


def test_a_switched_off_service_leaves_the_kiosks_at_once(
    db: Database, change: Change, clock: Any
) -> None:
    catalogue.set_service_enabled(db, change, "B", False)

    assert [s["code"] for s in services_overview(db, now=clock())] == ["A", "D"]
    assert last_entry(db).action == "service.disable"
    catalogue.set_service_enabled(db, change, "B", True)
    assert [s["code"] for s in services_overview(db, now=clock())] == ["A", "B", "D"]


def test_a_service_is_removed_only_when_no_counter_serves_it_and_it_never_issued(
    db: Database, change: Change, clock: Any
) -> None:
    refused(db, Conflict, "service_in_use", lambda: catalogue.remove_service(db, change, "D"))
    floor.update_counter(db, change, 3, name=None, services=["A"])
    issue_ticket(db, "D", now=at_local(0, 8))
    refused(db, Conflict, "service_has_tickets", lambda: catalogue.remove_service(db, change, "D"))

    catalogue.add_service(db, change, code="X", name="Thử", department="TC")
    catalogue.remove_service(db, change, "X")
    with pytest.raises(NotFound):
        get_service(db, "X")
    assert last_entry(db).details["after"] is None
