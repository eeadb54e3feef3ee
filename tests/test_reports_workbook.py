"""The reports a manager opens: per department, by weekday and hour, and the Excel workbook
read back with openpyxl, its figures equal to the JSON's, numbers as numbers, Vietnamese intact.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from sqlite_utils import Database

from core.calling import call_next
from core.center import load_center
from core.counters import close_counter, open_counter, pause_counter
from core.hours_report import hours_report
from core.priority_report import priority_impact
from core.reports import summary
from core.serving import finish
from core.tickets import issue_ticket
from core.utilisation import clerk_time
from db import connect
from tests.conftest import SMALL_CENTER, sign_in
from tests.test_reports import DAY, play_a_morning


def test_the_summary_adds_up_each_department(db: Database, clock: Any) -> None:
    play_a_morning(db, clock)

    departments = {row["department"]: row for row in summary(db, DAY, DAY)["departments"]}

    assert list(departments) == ["TP", "TC"]
    justice, finance = departments["TP"], departments["TC"]
    assert justice["name"] == "Sở Tư pháp"
    assert (justice["issued"], justice["served"], justice["cancelled"]) == (3, 2, 1)
    assert justice["wait_mean_s"] == (15 * 60 + 30 * 60) // 2 and justice["ratings"] == 2
    assert (finance["issued"], finance["no_show"], finance["served"]) == (1, 1, 0)


def test_the_hours_count_the_visitors_of_each_weekday_and_hour(db: Database, clock: Any) -> None:
    play_a_morning(db, clock)  # Monday 30 November, 08:00-08:10 in Ho Chi Minh City

    hours = hours_report(db, DAY, DAY)

    assert hours["days"] == {"0": 1} and hours["hours"] == [8]
    assert hours["cells"] == [
        {
            "weekday": 0,
            "hour": 8,
            "issued": 4,
            "issued_per_day": 4.0,
            "served": 2,
            "wait_mean_s": (15 * 60 + 30 * 60) // 2,
        }
    ]


def test_the_workbook_holds_the_summary_as_numbers(app: Any, client: Any, clock: Any) -> None:
    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")
    query = f"?from={DAY}&to={DAY}"
    report = client.get("/api/reports/summary" + query).json

    answer = client.get("/api/reports/summary.xlsx" + query)

    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    assert f"report-{DAY}-{DAY}.xlsx" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Tổng hợp", "Dịch vụ", "Sở ngành", "Quầy", "Cán bộ", "Theo giờ"]
    services = {row[0]: row for row in book["Dịch vụ"].iter_rows(min_row=2, values_only=True)}
    a = next(row for row in report["services"] if row["service"] == "A")
    assert services["A"][1] == "Hộ tịch"
    assert services["A"][2:4] == (a["issued"], a["served"])
    assert services["A"][6] == round(a["wait_mean_s"] / 60, 1) == 22.5
    assert services["A"][9] == a["service_level"] == 0.5
    assert book["Dịch vụ"]["J2"].number_format == "0%"
    departments = [row[:3] for row in book["Sở ngành"].iter_rows(min_row=2, values_only=True)]
    assert departments == [("TP", "Sở Tư pháp", 3), ("TC", "Sở Tài chính", 1)]
    clerks = {row[0]: row for row in book["Cán bộ"].iter_rows(min_row=2, values_only=True)}
    assert clerks["lan"][2] == 2 and clerks["mai"][3] == 1
    hours = list(book["Theo giờ"].iter_rows(min_row=2, values_only=True))
    assert hours == [("Thứ Hai", 8, 4, 4.0, 2, 22.5)]
    total = list(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))[0]
    assert total[2] == report["totals"]["issued"] == 4


def test_the_hours_over_http_and_who_may_read_them(client: Any) -> None:
    assert client.get("/api/reports/hours").status_code == 401
    sign_in(client, "an")
    assert client.get("/api/reports/hours").status_code == 403
    assert client.get("/api/reports/summary.xlsx").status_code == 403
    sign_in(client, "chi")
    assert client.get("/api/reports/hours?from=2026-13-01").status_code == 400
    answer = client.get("/api/reports/hours")
    assert answer.status_code == 200 and answer.json["cells"] == []


def test_the_reports_page_shows_departments_the_heat_map_and_the_workbook(
    app: Any, client: Any, clock: Any
) -> None:
    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")

    html = client.get(f"/admin/reports?from={DAY}&to={DAY}&lang=vi").get_data(as_text=True)

    assert 'id="report-departments"' in html and "Sở Tài chính" in html
    assert 'id="report-hours"' in html and '<tr data-weekday="0"><th scope="row">Thứ Hai' in html
    assert 'class="number heat-5" data-hour="8"' in html  # the busiest (and only) hour
    assert f"/api/reports/summary.xlsx?from={DAY}&amp;to={DAY}" in html


def test_each_clerks_time_serving_paused_and_idle_while_others_wait(
    db: Database, clock: Any
) -> None:
    play_a_morning(db, clock)  # counters 1 (lan) and 3 (mai) opened at 08:10; now 08:40
    pause_counter(db, 1, clerk="lan", now=clock(), reason="nghỉ")
    clock.advance(minutes=2)
    open_counter(db, 1, clerk="lan", now=clock())  # resumed at 08:42
    clock.advance(minutes=3)
    close_counter(db, 1, clerk="lan", now=clock())  # 08:45
    close_counter(db, 3, clerk="mai", now=clock())

    clerks = {row["clerk"]: row for row in clerk_time(db, DAY, DAY)["clerks"]}

    # lan: at the counter 08:10-08:40 and 08:42-08:45, serving 08:20-08:40; A001 and A002
    # waited from 08:00 and 08:05, so 08:10-08:20 was idle while others waited
    assert clerks["lan"] == {
        "clerk": "lan",
        "open_s": 33 * 60,
        "serving_s": 20 * 60,
        "paused_s": 2 * 60,
        "idle_while_waiting_s": 10 * 60,
        "utilisation": round(20 / 33, 3),
    }
    # mai: D001 waited 08:10-08:12, then did not come; nothing else for counter 3
    assert clerks["mai"]["open_s"] == 35 * 60 and clerks["mai"]["serving_s"] == 0
    assert clerks["mai"]["idle_while_waiting_s"] == 2 * 60


def test_the_minutes_priority_added_to_the_regular_visitors(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())  # 08:00, serving A
    issue_ticket(db, "A", now=clock())
    call_next(db, 1, clerk="lan", now=clock())  # R1, at once
    clock.advance(minutes=1)
    issue_ticket(db, "A", now=clock())  # R2 at 08:01
    clock.advance(minutes=1)
    for _ in range(2):
        issue_ticket(db, "A", now=clock(), priority="elderly")  # P1, P2 at 08:02
    for _ in range(3):  # each visit takes 10 minutes: P1, P2, then R2 at 08:30
        clock.advance(minutes=8 if _ == 0 else 10)
        finish(db, 1, clerk="lan", now=clock())
        call_next(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=10)
    finish(db, 1, clerk="lan", now=clock())

    impact = priority_impact(db, DAY, DAY)

    # R2 waited 29 minutes; without priority it would have been called at 08:10, after 9
    assert (impact["tickets"], impact["priority"], impact["priority_share"]) == (4, 2, 0.5)
    assert impact["regular_wait_min"] == (0 + 29) / 2
    assert impact["regular_wait_without_priority_min"] == (0 + 9) / 2
    assert impact["minutes_added"] == 10.0


def test_the_reports_page_shows_the_clerks_time_and_the_cost_of_priority(
    app: Any, client: Any, clock: Any
) -> None:
    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")

    html = client.get(f"/admin/reports?from={DAY}&to={DAY}&lang=vi").get_data(as_text=True)
    year = client.get("/admin/reports?from=2026-01-01&to=2026-12-31&lang=vi")

    assert 'id="report-clerk-time"' in html and '<tr data-clerk="lan">' in html
    assert "25% người dân được phục vụ ưu tiên (1 trên 4)." in html
    assert "Hãy chọn khoảng thời gian từ một tháng" in year.get_data(as_text=True)


def test_the_hours_of_a_center_whose_offset_is_not_whole_hours(db: Database) -> None:
    load_center(db, {**SMALL_CENTER, "center": {"name": "Pune", "timezone": "Asia/Kolkata"}})
    # 08:40 and 09:10 in India (UTC+5:30) are 03:10 and 03:40 UTC: one UTC hour, two local ones
    for utc in (
        datetime(2026, 11, 30, 3, 10, tzinfo=UTC),
        datetime(2026, 11, 30, 3, 40, tzinfo=UTC),
    ):
        issue_ticket(db, "A", now=utc)

    cells = hours_report(db, DAY, DAY)["cells"]

    assert [(cell["hour"], cell["issued"]) for cell in cells] == [(8, 1), (9, 1)]
