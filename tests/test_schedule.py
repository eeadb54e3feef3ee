"""Weekly hours and holidays: the two stored forms of `services.hours`, the center file's list
and table, and the holiday list, as the kiosks and the ticket issuing read them."""

from __future__ import annotations

import copy
import json
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from core.center import get_service, load_center
from core.errors import CenterFileError
from core.models import Service
from core.schedule import (
    holiday_dates,
    hours_by_day,
    hours_for_file,
    list_holidays,
    parse_holidays,
    parse_hours,
)
from core.tickets import is_within_hours
from tests.conftest import SMALL_CENTER

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 11, 30)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in center time in the week of Monday 30 November 2026 (0 = Monday)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=ZONE) + timedelta(days=day)


def service_with(hours: Any) -> Service:
    return Service.from_row(
        {
            "code": "X",
            "name": "X",
            "name_en": None,
            "department": "TP",
            "target_wait_min": 15,
            "daily_quota": None,
            "hours": json.dumps(parse_hours(hours)),
            "enabled": 1,
        }
    )


def test_a_list_is_the_same_hours_every_day_and_empty_means_no_limit() -> None:
    assert parse_hours(["13:00-16:30", "07:00-11:30"]) == [["07:00", "11:30"], ["13:00", "16:30"]]
    assert parse_hours([]) == [] and parse_hours(None) == []
    assert is_within_hours(service_with([]), ZONE, at(6, 3))
    always_morning = service_with(["07:00-11:30"])
    assert is_within_hours(always_morning, ZONE, at(6, 8))  # Sunday too
    assert not is_within_hours(always_morning, ZONE, at(6, 11, 30))  # the end is exclusive


def test_a_table_names_weekdays_and_a_day_it_leaves_out_is_closed() -> None:
    stored = parse_hours(
        {"weekdays": ["07:00-11:30", "13:00-16:30"], "friday": ["07:00-11:30"], "saturday": []}
    )

    assert stored["friday"] == [["07:00", "11:30"]]
    assert stored["saturday"] == [] and stored["sunday"] == []
    service = service_with({"weekdays": ["07:00-11:30", "13:00-16:30"], "friday": ["07:00-11:30"]})
    assert is_within_hours(service, ZONE, at(3, 14))  # Thursday afternoon
    assert not is_within_hours(service, ZONE, at(4, 14))  # Friday afternoon
    assert not is_within_hours(service, ZONE, at(5, 8))  # Saturday


def test_a_holiday_closes_a_service_even_without_hours() -> None:
    holidays = frozenset({MONDAY.isoformat()})

    assert not is_within_hours(service_with([]), ZONE, at(0, 9), holidays=holidays)
    assert is_within_hours(service_with([]), ZONE, at(1, 9), holidays=holidays)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"weekdays": ["07:00-11:30"], "someday": []}, "unknown day(s) ['someday']"),
        ({"monday": "07:00-11:30"}, "monday: hours must be a list"),
        (
            {"saturday": ["07:00-09:00", "08:00-10:00"]},
            "saturday: hours 07:00-09:00 and 08:00-10:00",
        ),
        ({"weekdays": []}, "leave every day closed"),
        ("07:00-11:30", "must be a list"),
        (["24:00-24:30"], "times run 00:00 to 24:00"),
    ],
)
def test_bad_hours_say_what_is_wrong(hours: Any, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_hours(hours)
    assert message in str(refused.value)


def test_a_week_is_written_back_as_the_center_file_table() -> None:
    weekly = json.dumps(parse_hours({"weekdays": ["07:00-11:30"], "saturday": ["08:00-10:00"]}))

    assert hours_for_file(weekly) == {
        "weekdays": ["07:00-11:30"],
        "saturday": ["08:00-10:00"],
        "sunday": [],
    }
    uneven = json.dumps(parse_hours({"weekdays": ["07:00-11:30"], "friday": ["07:00-10:00"]}))
    assert list(hours_for_file(uneven)) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    assert hours_for_file('[["07:00", "11:30"]]') == ["07:00-11:30"]
    assert hours_by_day("[]") is None
    assert hours_by_day('[["07:00", "11:30"]]')["sunday"] == ["07:00-11:30"]  # type: ignore[index]


def center_with(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMALL_CENTER)
    edit(data)
    return data


def test_the_center_file_takes_a_services_hours_table(db: Database) -> None:
    load_center(
        db,
        center_with(
            lambda data: data["services"][2].update(
                hours={"weekdays": ["07:00-11:30", "13:00-16:30"], "saturday": ["07:30-11:00"]}
            )
        ),
    )

    service = get_service(db, "D")
    assert service.hours == ()
    assert service.week is not None
    assert service.week[5] == (("07:30", "11:00"),) and service.week[6] == ()


def test_the_center_file_names_the_service_whose_hours_table_is_wrong(db: Database) -> None:
    wrong = center_with(lambda data: data["services"][2].update(hours={"sunday": ["9-10"]}))

    with pytest.raises(CenterFileError) as refused:
        load_center(db, wrong)
    assert refused.value.message.startswith("services[3] (code 'D'): sunday: bad hours '9-10'")


def test_the_center_file_holidays_replace_the_list_and_absent_keep_it(db: Database) -> None:
    load_center(
        db,
        center_with(
            lambda data: data.update(
                holidays=[{"date": date(2026, 9, 2), "name": "Quốc khánh"}, {"date": "2026-04-30"}]
            )
        ),
    )
    assert list_holidays(db) == [
        {"date": "2026-04-30", "name": ""},
        {"date": "2026-09-02", "name": "Quốc khánh"},
    ]

    load_center(db, SMALL_CENTER)
    assert holiday_dates(db) == frozenset({"2026-04-30", "2026-09-02"})


@pytest.mark.parametrize(
    ("holidays", "message"),
    [
        ([{"date": datetime(2026, 9, 2, 8, 0)}], "must be a real day"),
        ([{"date": "2026-13-01"}], "must be a real day"),
        ([{"date": "20260902"}], "must be a real day"),
        ([{"date": "2026-09-02"}, {"date": "2026-09-02"}], "listed twice"),
        ([{"date": "2026-09-02", "name": "x" * 101}], "at most 100"),
        ({"date": "2026-09-02"}, "must be a list"),
    ],
)
def test_bad_holidays_say_what_is_wrong(holidays: Any, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_holidays(holidays)
    assert message in str(refused.value)


def test_the_schema_refuses_hours_that_are_not_a_json_list_or_mapping(db: Database) -> None:
    with pytest.raises(
        sqlite3.IntegrityError, match="services.hours must be a JSON list or mapping"
    ):
        db.execute("UPDATE services SET hours = '07:00-11:30' WHERE code = 'A'")
