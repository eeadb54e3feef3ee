"""The center file: a good one loads whole, a wrong one names its fault and changes nothing."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlite_utils import Database

from core.center import (
    get_center,
    get_kiosk,
    get_service,
    list_counters,
    list_departments,
    list_priority_categories,
    list_services,
    load_center,
)
from core.counters import open_counter
from core.errors import CenterFileError, NotFound
from core.tickets import issue_ticket
from tests.conftest import SMALL_CENTER
from tests.helpers.configuration import configuration

# A reload of the test center (conftest's SMALL_CENTER) with names, counters and kiosks changed;
# it keeps the same services so that it can be loaded over it.
CHANGED_CENTER: dict[str, Any] = {
    "center": {"name": "Trung tâm mới", "language": "en", "timezone": "Asia/Bangkok"},
    "departments": [
        {"code": "TP", "name": "Sở Tư pháp mới", "name_en": "Justice (new)"},
        {"code": "TC", "name": "Sở Tài chính"},
        {"code": "XD", "name": "Sở Xây dựng"},
    ],
    "services": [
        {"code": "A", "name": "Hộ tịch và quốc tịch", "department": "TP", "target_wait_min": 20},
        {"code": "B", "name": "Chứng thực", "department": "TP", "daily_quota": 5},
        {"code": "D", "name": "Doanh nghiệp", "department": "XD", "hours": ["07:30-11:00"]},
    ],
    "counters": [
        {"number": 1, "name": "Quầy một", "services": ["B", "A"]},
        {"number": 2, "services": ["A"]},
        {"number": 4, "services": ["D", "A"]},
    ],
    "kiosks": [{"id": "k1", "name": "Sảnh chính", "printer": "dummy:", "paper": "58mm"}],
}


def changed(edit: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """CHANGED_CENTER with one edit applied to a copy."""
    data = copy.deepcopy(CHANGED_CENTER)
    edit(data)
    return data


def only_valid_printers(url: str) -> None:
    """A stand-in for the printer adapter's URL parser: it raises ValueError on a bad URL."""
    if not url.startswith(("dummy:", "tcp://")):
        raise ValueError(f"printer {url!r} has an unknown scheme")


def test_load_center_counts_what_it_loaded(db: Database) -> None:
    counts = load_center(db, CHANGED_CENTER, check_printer=only_valid_printers)

    assert counts == {"departments": 3, "services": 3, "counters": 3, "kiosks": 1}


def test_the_test_center_is_loaded_in_file_order(db: Database) -> None:
    assert [d.code for d in list_departments(db)] == ["TP", "TC"]
    assert [(s.code, s.department, s.enabled) for s in list_services(db)] == [
        ("A", "TP", True),
        ("B", "TP", True),
        ("D", "TC", True),
    ]
    assert [(c.number, c.name, c.services) for c in list_counters(db)] == [
        (1, "Quầy 1", ("A", "B")),
        (2, "Quầy 2", ("B", "A")),
        (3, "Quầy 3", ("D",)),
    ]
    service_d = get_service(db, "D")
    assert service_d.hours == (("07:00", "11:30"), ("13:00", "16:30"))
    assert service_d.target_wait_min == 15 and service_d.daily_quota is None
    assert get_service(db, "B").daily_quota == 3


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda data: data["services"][1].update(department="YT"),
            "services[2] (code 'B'): department 'YT' is not in [[departments]]",
            id="unknown department",
        ),
        pytest.param(
            lambda data: data["services"][2].update(code="A"),
            "services[3]: duplicate service code 'A'",
            id="duplicate service code",
        ),
        pytest.param(
            lambda data: data["departments"][2].update(code="TP"),
            "departments[3]: duplicate department code 'TP'",
            id="duplicate department code",
        ),
        pytest.param(
            lambda data: data["counters"][2].update(number=2),
            "counters[3]: duplicate counter number 2",
            id="duplicate counter",
        ),
        pytest.param(
            lambda data: data["counters"][1].update(services=["A", "Z"]),
            "counters[2] (number 2): service 'Z' is not in [[services]]",
            id="counter serving an unknown service",
        ),
        pytest.param(
            lambda data: data["counters"][0].update(services=["A", "A"]),
            "counters[1] (number 1): a service is listed twice",
            id="counter serving a service twice",
        ),
        pytest.param(
            lambda data: data["services"][2].update(hours=["25:00-26:00"]),
            "services[3] (code 'D'): bad hours '25:00-26:00'",
            id="hours past midnight",
        ),
        pytest.param(
            lambda data: data["services"][2].update(hours=["07:00-08:00", "11:00-09:00"]),
            "services[3] (code 'D'): bad hours '11:00-09:00'; the end must come after the start",
            id="hours ending before they start",
        ),
        pytest.param(
            lambda data: data["services"][2].update(hours=["7h-11h"]),
            "services[3] (code 'D'): bad hours '7h-11h'",
            id="hours not written HH:MM-HH:MM",
        ),
        pytest.param(
            lambda data: data["center"].update(timezone="Asia/Can_Tho"),
            "[center]: timezone 'Asia/Can_Tho' is not a known zone",
            id="bad timezone",
        ),
        pytest.param(
            lambda data: data["center"].update(language="fr"),
            "[center]: language 'fr' must be one of ['vi', 'en']",
            id="bad language",
        ),
        pytest.param(
            lambda data: data["kiosks"][0].update(printer="lpt://1"),
            "kiosks[1] (id 'k1'): printer 'lpt://1' has an unknown scheme",
            id="bad printer",
        ),
        pytest.param(
            lambda data: data["services"][0].update(code="a"),
            "services[1]: code 'a' must be 1-3 capital letters",
            id="lowercase service code",
        ),
        pytest.param(
            lambda data: data.update(counter=[]),
            "Unknown table(s) ['counter']",
            id="misspelt table",
        ),
        pytest.param(
            lambda data: data.update(priority={"policy": "fair"}),
            '[priority]: policy \'fair\' must be "strict" or "limit"',
            id="unknown priority policy",
        ),
        pytest.param(
            lambda data: data.update(services=[]),
            "[[services]] is missing",
            id="no services",
        ),
    ],
)
def test_a_wrong_center_file_names_the_item_and_changes_nothing(
    db: Database, edit: Callable[[dict[str, Any]], Any], message: str
) -> None:
    before = configuration(db)

    with pytest.raises(CenterFileError) as raised:
        load_center(db, changed(edit), check_printer=only_valid_printers)

    assert message in raised.value.message
    assert raised.value.status == 400
    assert configuration(db) == before
    assert get_center(db).name == "Trung tâm thử"
    assert get_service(db, "A").name == "Hộ tịch"
    assert [c.number for c in list_counters(db)] == [1, 2, 3]


def test_a_file_dropping_a_priority_category_in_use_fails_midway_and_changes_nothing(
    db: Database, clock: Any
) -> None:
    issue_ticket(db, "A", now=clock(), priority="pregnant")
    before = configuration(db)
    only_elderly = changed(
        lambda data: data.update(
            priority={"categories": [{"code": "elderly", "name": "Người cao tuổi"}]}
        )
    )

    with pytest.raises(CenterFileError, match="pregnant is on tickets already"):
        load_center(db, only_elderly)

    # Settings and departments were written before the check failed: the rollback undid them.
    assert configuration(db) == before
    assert get_center(db).language == "vi"


def test_the_printer_check_accepts_a_good_printer_and_the_kiosk_is_stored(db: Database) -> None:
    load_center(db, CHANGED_CENTER, check_printer=only_valid_printers)

    assert get_kiosk(db, "k1") == {
        "id": "k1",
        "name": "Sảnh chính",
        "printer": "dummy:",
        "paper": "58mm",
    }


def test_reloading_a_changed_file_updates_names_settings_and_counters(db: Database) -> None:
    load_center(db, CHANGED_CENTER)

    center = get_center(db)
    assert (center.name, center.language, center.timezone) == (
        "Trung tâm mới",
        "en",
        "Asia/Bangkok",
    )
    assert [(d.code, d.name, d.name_en) for d in list_departments(db)] == [
        ("TP", "Sở Tư pháp mới", "Justice (new)"),
        ("TC", "Sở Tài chính", None),
        ("XD", "Sở Xây dựng", None),
    ]
    service_a = get_service(db, "A")
    assert (service_a.name, service_a.target_wait_min) == ("Hộ tịch và quốc tịch", 20)
    assert get_service(db, "B").daily_quota == 5
    service_d = get_service(db, "D")
    assert (service_d.department, service_d.hours) == ("XD", (("07:30", "11:00"),))
    # Counter 3 had no history, so it is gone; counter 4 is new; counter 1 changed its order.
    assert [(c.number, c.name, c.services) for c in list_counters(db)] == [
        (1, "Quầy một", ("B", "A")),
        (2, "Quầy 2", ("A",)),
        (4, "Quầy 4", ("D", "A")),
    ]


def test_reloading_keeps_a_removed_counter_that_has_history(db: Database, clock: Any) -> None:
    open_counter(db, 3, clerk="lan", now=clock())

    load_center(db, CHANGED_CENTER)

    kept = {c.number: c for c in list_counters(db)}
    assert sorted(kept) == [1, 2, 3, 4]
    assert kept[3].services == ()


def test_a_priority_policy_in_the_file_sets_the_limit_and_strict_means_none(db: Database) -> None:
    assert get_center(db).priority_max_in_row == 2

    load_center(db, changed(lambda data: data.update(priority={"max_in_row": 3})))
    assert get_center(db).priority_max_in_row == 3

    load_center(db, changed(lambda data: data.update(priority={"policy": "strict"})))
    assert get_center(db).priority_max_in_row is None


def test_priority_categories_in_the_file_replace_the_defaults(db: Database) -> None:
    assert [c["code"] for c in list_priority_categories(db)] == ["elderly", "disabled", "pregnant"]

    load_center(
        db,
        changed(
            lambda data: data.update(
                priority={
                    "categories": [
                        {"code": "veteran", "name": "Người có công"},
                        {"code": "elderly", "name": "Người già"},
                    ]
                }
            )
        ),
    )

    assert [(c["code"], c["name"]) for c in list_priority_categories(db)] == [
        ("veteran", "Người có công"),
        ("elderly", "Người già"),
    ]


def without_service_a(data: dict[str, Any]) -> None:
    data["services"] = [service for service in data["services"] if service["code"] != "A"]
    for counter in data["counters"]:
        counter["services"] = [code for code in counter["services"] if code != "A"] or ["B"]


def test_a_removed_service_with_tickets_is_kept_disabled(db: Database, clock: Any) -> None:
    issued = issue_ticket(db, "A", now=clock()).ticket

    load_center(db, changed(without_service_a))

    service_a = get_service(db, "A")
    assert service_a.enabled is False
    assert service_a.name == "Hộ tịch"
    assert [s.code for s in list_services(db) if s.enabled] == ["B", "D"]
    ticket_row = db.execute("SELECT service, label FROM tickets WHERE id = ?", [issued.id])
    assert ticket_row.fetchone() == ("A", "A001")
    with pytest.raises(NotFound):
        issue_ticket(db, "A", now=clock())


def test_a_disabled_service_is_enabled_again_when_the_file_brings_it_back(
    db: Database, clock: Any
) -> None:
    issue_ticket(db, "A", now=clock())
    load_center(db, changed(without_service_a))

    load_center(db, CHANGED_CENTER)

    assert get_service(db, "A").enabled is True
    assert issue_ticket(db, "A", now=clock()).ticket.label == "A002"


def test_a_removed_service_without_tickets_is_deleted(db: Database) -> None:
    load_center(db, changed(without_service_a))

    assert [s.code for s in list_services(db)] == ["B", "D"]
    with pytest.raises(NotFound):
        get_service(db, "A")


def test_the_center_day_follows_the_timezone_the_file_gives(db: Database) -> None:
    half_past_midnight_in_vietnam = datetime.fromisoformat("2026-11-30T17:30:00+00:00")
    assert get_center(db).day(half_past_midnight_in_vietnam) == "2026-12-01"

    load_center(db, changed(lambda data: data["center"].update(timezone="Europe/London")))

    assert get_center(db).day(half_past_midnight_in_vietnam) == "2026-11-30"


def test_displays_name_counters_or_departments_that_exist(db: Database) -> None:
    from core.center import display_scope

    center = {
        **SMALL_CENTER,
        "displays": [
            {"id": "tp", "name": "Khu Tư pháp", "departments": ["TP"]},
            {"id": "q3", "counters": [3]},
        ],
    }
    load_center(db, center)
    assert display_scope(db, "tp") == {
        "name": "Khu Tư pháp",
        "counters": None,
        "services": ["A", "B"],
    }
    assert display_scope(db, "q3") == {"name": None, "counters": [3], "services": ["D"]}
    assert display_scope(db, "nowhere") is None
    for wrong, message in [
        ({"id": "x", "counters": [9]}, r"counters \[9\] are not in the center file"),
        ({"id": "x", "departments": ["ZZ"]}, r"departments \['ZZ'\]"),
        ({"id": "x", "zone": 1}, "unknown key"),
        ({"id": "x y"}, "must be a short name"),
    ]:
        with pytest.raises(CenterFileError, match=message):
            load_center(db, {**SMALL_CENTER, "displays": [wrong]})
    assert display_scope(db, "tp") is not None  # a refused file changed nothing


def test_staff_skills_load_replace_and_export(db: Database) -> None:
    from core.center_file import current_center_file
    from core.configuration.skills import all_skills
    from db.export import export_center

    load_center(
        db, changed(lambda d: d.update(staff=[{"username": "lan", "services": ["B", "A"]}]))
    )
    assert all_skills(db) == {"lan": ["A", "B"]}  # in the center's order of services
    assert [member.stored() for member in current_center_file(db).staff or []] == [
        {"username": "lan", "services": ["A", "B"]}
    ]
    exported = tomllib.loads(export_center(db))
    assert exported["staff"] == [{"username": "lan", "services": ["A", "B"]}]
    load_center(db, SMALL_CENTER)  # left out: the skills stay
    assert all_skills(db) == {"lan": ["A", "B"]}
    load_center(db, changed(lambda d: d.update(staff=[{"username": "minh", "services": ["D"]}])))
    assert all_skills(db) == {"minh": ["D"]}


def test_a_staff_member_naming_an_unknown_service_is_refused_by_name(db: Database) -> None:
    wrong = changed(lambda d: d.update(staff=[{"username": "lan", "services": ["A", "X"]}]))
    with pytest.raises(CenterFileError) as refused:
        load_center(db, wrong)
    assert refused.value.message == "staff[1] (username 'lan'): service 'X' is not in [[services]]."
    twice = changed(
        lambda d: d.update(staff=[{"username": "lan"}, {"username": "lan", "services": ["A"]}])
    )
    with pytest.raises(CenterFileError, match="duplicate staff member username 'lan'"):
        load_center(db, twice)
