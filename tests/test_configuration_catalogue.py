"""Editing the catalogue, departments and services with their weekly hours: each change is
checked, applied whole, and audited; a refused change leaves every table as it was."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.board import services_overview
from core.center import get_service
from core.configuration import Change, catalogue, floor
from core.errors import Conflict, InvalidInput, NotFound, QueueError
from core.tickets import issue_ticket
from tests.helpers.configuration import ZONE, last_entry, refused


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
