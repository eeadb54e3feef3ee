"""The summary report: one morning played with a fixed clock, then read per service, counter and
clerk, over the API as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter
from core.errors import InvalidInput
from core.models import timestamp
from core.reports import summary
from core.serving import cancel, finish, no_show, start
from core.tickets import issue_ticket
from tests.conftest import MORNING, sign_in

DAY = MORNING.date()  # 08:00 in Ho Chi Minh City is still the same date in UTC


def rate(db: Database, ticket_id: int, score: int, clock: Any) -> None:
    """A rating as the tablet leaves it (the ticket's service, counter, clerk and day)."""
    db.execute(
        "INSERT INTO ratings (ticket, score, at, day, service, counter, clerk)"
        " SELECT id, ?, ?, day, queue, counter, clerk FROM tickets WHERE id = ?",
        [score, timestamp(clock()), ticket_id],
    )


def play_a_morning(db: Database, clock: Any) -> None:
    """08:00 A001; 08:05 A002 (elderly); 08:10 D001 and B001; then counter 1 serves both A
    tickets (A002 first: 15 min wait, 9 min service; A001: 30 min wait, 10 min from the call),
    counter 3 calls D001, who does not come, and B001 is cancelled."""
    first = issue_ticket(db, "A", now=clock()).ticket
    clock.advance(minutes=5)
    elderly = issue_ticket(db, "A", now=clock(), priority="elderly").ticket
    clock.advance(minutes=5)
    issue_ticket(db, "D", now=clock())
    b = issue_ticket(db, "B", now=clock()).ticket
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 3, clerk="mai", now=clock())
    clock.advance(minutes=2)  # 08:12
    call_next(db, 3, clerk="mai", now=clock())
    no_show(db, 3, clerk="mai", now=clock())
    cancel(db, b.id, clerk="chi", now=clock(), reason="left")
    clock.advance(minutes=8)  # 08:20
    call_next(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=1)
    start(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=9)  # 08:30
    finish(db, 1, clerk="lan", now=clock())
    rate(db, elderly.id, 4, clock)
    call_next(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=10)
    finish(db, 1, clerk="lan", now=clock())
    rate(db, first.id, 2, clock)


def test_the_report_adds_up_a_morning(db: Database, clock: Any) -> None:
    play_a_morning(db, clock)

    report = summary(db, DAY, DAY)

    assert report["totals"] == {
        "issued": 4,
        "served": 2,
        "no_show": 1,
        "cancelled": 1,
        "expired": 0,
        "wait_mean_s": (15 * 60 + 30 * 60) // 2,
        "wait_p90_s": 30 * 60,
        "service_mean_s": (9 * 60 + 10 * 60) // 2,
        "service_p90_s": 10 * 60,
        "service_level": 0.5,  # A002 called right at its 15-minute target, A001 after 30
        "rating_mean": 3.0,
        "ratings": 2,
        "satisfied_share": 0.5,  # of four faces, 2 (neutral) is low
        "low_ratings": 1,
        "reasons": {},
    }
    services = {row["service"]: row for row in report["services"]}
    assert list(services) == ["A", "B", "D"]
    assert (services["A"]["issued"], services["A"]["served"], services["A"]["ratings"]) == (2, 2, 2)
    assert services["A"]["name"] == "Hộ tịch" and services["A"]["target_wait_min"] == 15
    assert (services["B"]["issued"], services["B"]["cancelled"]) == (1, 1)
    assert (services["D"]["no_show"], services["D"]["wait_mean_s"]) == (1, None)
    counters = {row["counter"]: row for row in report["counters"]}
    assert list(counters) == [1, 2, 3]
    assert (counters[1]["served"], counters[1]["rating_mean"]) == (2, 3.0)
    assert counters[2]["served"] == 0 and counters[2]["service_level"] is None
    assert counters[3]["no_show"] == 1
    clerks = {row["clerk"]: row for row in report["clerks"]}
    assert set(clerks) == {"lan", "mai"}
    assert (clerks["lan"]["served"], clerks["lan"]["service_p90_s"]) == (2, 600)
    assert clerks["mai"]["no_show"] == 1


def test_the_report_reads_only_its_period(db: Database, clock: Any) -> None:
    play_a_morning(db, clock)
    clock.advance(days=1)
    issue_ticket(db, "A", now=clock())

    assert summary(db, DAY, DAY)["totals"]["issued"] == 4
    assert summary(db, DAY + timedelta(days=1), DAY + timedelta(days=1))["totals"]["issued"] == 1
    assert summary(db, DAY, DAY + timedelta(days=1))["totals"]["issued"] == 5
    empty = summary(db, DAY - timedelta(days=7), DAY - timedelta(days=1))
    assert empty["totals"]["issued"] == 0 and empty["totals"]["wait_p90_s"] is None


def test_a_period_backwards_or_over_a_year_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="ends before"):
        summary(db, DAY, DAY - timedelta(days=1))
    with pytest.raises(InvalidInput, match="366"):
        summary(db, DAY - timedelta(days=366), DAY)
    assert summary(db, DAY - timedelta(days=365), DAY)["totals"]["issued"] == 0


def test_supervisors_read_the_summary_over_http(app: Any, client: Any, clock: Any) -> None:
    from db import connect

    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")

    today = client.get("/api/reports/summary")
    same = client.get(f"/api/reports/summary?from={DAY}&to={DAY}")

    assert today.status_code == 200 and today.json == same.json
    assert today.json["from"] == today.json["to"] == DAY.isoformat()
    assert today.json["totals"]["served"] == 2
    bad = client.get("/api/reports/summary?from=30/11/2026")
    assert bad.status_code == 400 and bad.json["error"] == "bad_date"
    backwards = client.get(f"/api/reports/summary?from={DAY}&to={DAY - timedelta(days=1)}")
    assert backwards.status_code == 400 and backwards.json["error"] == "bad_period"


def test_the_summary_downloads_as_a_spreadsheet(app: Any, client: Any, clock: Any) -> None:
    from db import connect

    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")

    answer = client.get(f"/api/reports/summary.csv?from={DAY}&to={DAY}")

    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert f"report-{DAY}-{DAY}.csv" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["table"] for row in table].count("service") == 3
    total = table[0]
    assert (total["table"], total["issued"], total["service_level"]) == ("total", "4", "0.5")
    service_a = next(row for row in table if row["key"] == "A")
    assert service_a["name"] == "Hộ tịch" and service_a["rating_mean"] == "3.0"
    assert next(row for row in table if row["key"] == "D")["wait_mean_s"] == ""


def test_clerks_may_not_read_reports(client: Any) -> None:
    sign_in(client, "an")

    assert client.get("/api/reports/summary").status_code == 403
    assert client.get("/api/reports/summary.csv").status_code == 403


def test_a_report_of_today_is_the_center_day(app: Any, client: Any, clock: Any) -> None:
    clock.moment = MORNING.replace(hour=17, minute=30)  # 00:30 the next day in the center
    client.post("/api/tickets", json={"service": "A"})
    sign_in(client, "chi")

    report = client.get("/api/reports/summary").json

    assert report["from"] == (DAY + timedelta(days=1)).isoformat()
    assert report["totals"]["issued"] == 1
    assert date.fromisoformat(report["to"]) == DAY + timedelta(days=1)


def test_the_reports_page_shows_the_period_in_minutes_and_seconds(
    app: Any, client: Any, clock: Any
) -> None:
    from db import connect

    database = connect(app.config["DATABASE"])
    play_a_morning(database, clock)
    database.conn.close()
    sign_in(client, "chi")

    answer = client.get(f"/admin/reports?from={DAY}&to={DAY}")

    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert '<span class="stat-value" id="total-issued">4</span>' in html
    assert "22:30" in html  # the mean wait of 15 and 30 minutes
    assert "50%" in html and '<span class="stat-value" id="total-satisfied">50%</span>' in html
    assert f"/api/reports/summary.csv?from={DAY}&amp;to={DAY}" in html
    assert "Hôm qua" in html and "Tháng trước" in html


def test_the_reports_page_explains_a_bad_period(client: Any) -> None:
    sign_in(client, "chi")

    unreadable = client.get("/admin/reports?from=hôm-qua").get_data(as_text=True)
    backwards = client.get(f"/admin/reports?from={DAY}&to={DAY - timedelta(days=3)}")

    assert "Không hiểu ngày đã nhập" in unreadable
    assert "ngày kết thúc sau ngày bắt đầu" in backwards.get_data(as_text=True)


def test_durations_read_as_minutes_and_seconds() -> None:
    from admin.reports_page import duration

    assert [duration(None), duration(5), duration(754), duration(3725)] == [
        "–",
        "0:05",
        "12:34",
        "1:02:05",
    ]
