"""The reports a manager opens: per department, by weekday and hour, and the Excel workbook
read back with openpyxl, its figures equal to the JSON's, numbers as numbers, Vietnamese intact.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlite_utils import Database

from core.hours_report import hours_report
from core.reports import summary
from db import connect
from tests.conftest import sign_in
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
