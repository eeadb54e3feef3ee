"""What visitors said, in the reports: low ratings and their reasons per service, counter and
clerk, ratings given on four faces before the center moved to three levels, the comments and
dossiers listed, the per-dossier figure, and the spreadsheets (core/rating_report.py and the
supervisors' routes)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter
from core.models import timestamp
from core.rating_report import dossier_ratings, rating_list
from core.ratings import rate_ticket
from core.reports import summary
from core.serving import finish
from core.tickets import issue_ticket
from tests.conftest import MORNING, sign_in

DAY = MORNING.date()
FIRST, SECOND = "000.00.12.H13-261130-0001", "000.00.12.H13-261130-0002"


def serve(db: Database, clock: Any, service: str, counter: int, dossier: str | None) -> int:
    clock.advance(minutes=5)
    ticket = issue_ticket(db, service, now=clock()).ticket
    called = call_next(db, counter, clerk={1: "lan", 2: "mai"}[counter], now=clock())
    assert called is not None and called[0].id == ticket.id
    clock.advance(minutes=5)
    finish(db, counter, clerk={1: "lan", 2: "mai"}[counter], now=clock(), dossier=dossier)
    return ticket.id


def play_a_day(db: Database, clock: Any) -> dict[str, int]:
    """Four visits rated: one on four faces before the center moved to three levels (neutral),
    then on three: FIRST handed in and rated low, FIRST's result taken and rated well, SECOND
    rated low; only the low ones say why, one of them with a comment Excel would run."""
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    old = serve(db, clock, "A", 1, None)
    db.execute(  # as a rating of four faces was stored before migration m010
        "INSERT INTO ratings (ticket, score, at, day, service, counter, clerk)"
        " SELECT id, 2, ?, day, queue, counter, clerk FROM tickets WHERE id = ?",
        [timestamp(clock()), old],
    )
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('rating_scale', '3')")
    handed_in = serve(db, clock, "A", 1, FIRST)
    rate_ticket(
        db,
        handed_in,
        1,
        '=HYPERLINK("x")',
        now=clock(),
        reasons=["waited_too_long", "clerk_attitude"],
    )
    result = serve(db, clock, "A", 1, FIRST)
    rate_ticket(db, result, 3, None, now=clock())
    other = serve(db, clock, "B", 2, SECOND)
    rate_ticket(db, other, 1, "Giấy tờ không rõ", now=clock(), reasons=["papers_unclear"])
    return {"old": old, "handed_in": handed_in, "result": result, "other": other}


def test_the_summary_speaks_three_levels_and_counts_the_old_neutral_as_low(
    db: Database, clock: Any
) -> None:
    play_a_day(db, clock)
    report = summary(db, DAY, DAY)
    assert report["rating_scale"] == 3
    totals = report["totals"]
    assert (totals["ratings"], totals["low_ratings"], totals["satisfied_share"]) == (4, 3, 0.25)
    assert totals["rating_mean"] == 1.5  # levels 1 (neutral of four), 1, 3, 1 on three
    assert totals["reasons"] == {"clerk_attitude": 1, "papers_unclear": 1, "waited_too_long": 1}
    clerks = {row["clerk"]: row for row in report["clerks"]}
    assert (clerks["lan"]["ratings"], clerks["lan"]["low_ratings"]) == (3, 2)
    assert clerks["lan"]["reasons"] == {"clerk_attitude": 1, "waited_too_long": 1}
    assert (clerks["mai"]["low_ratings"], clerks["mai"]["reasons"]) == (1, {"papers_unclear": 1})
    services = {row["service"]: row for row in report["services"]}
    assert (services["B"]["satisfied_share"], services["A"]["satisfied_share"]) == (0.0, 0.333)
    # per dossier, each once by its latest rating: FIRST's result was rated well, SECOND low
    assert report["dossiers"] == {"rated": 2, "satisfied": 1, "satisfied_share": 0.5}


def test_the_list_gives_each_rating_with_its_words_newest_first(db: Database, clock: Any) -> None:
    ids = play_a_day(db, clock)
    said = rating_list(db, DAY, DAY, only_said=True)
    assert said["total"] == 2 and said["scale"] == 3
    newest, older = said["ratings"]
    assert (newest["ticket"], newest["label"], newest["clerk"], newest["counter"]) == (
        ids["other"],
        "B001",
        "mai",
        2,
    )
    assert (newest["level"], newest["reasons"], newest["dossier"]) == (
        "unsatisfied",
        ["papers_unclear"],
        SECOND,
    )
    assert older["ticket"] == ids["handed_in"] and older["comment"] == '=HYPERLINK("x")'
    low = rating_list(db, DAY, DAY, only_low=True)
    assert [rating["ticket"] for rating in low["ratings"]] == [
        ids["other"],
        ids["handed_in"],
        ids["old"],
    ]
    old = low["ratings"][-1]
    assert (old["score"], old["scale"], old["level"]) == (2, 4, "unsatisfied")
    paged = rating_list(db, DAY, DAY, limit=1, offset=1)
    assert paged["total"] == 4 and [r["ticket"] for r in paged["ratings"]] == [ids["result"]]


def test_ratings_per_dossier_come_by_dossier_then_in_time_order(db: Database, clock: Any) -> None:
    ids = play_a_day(db, clock)
    order = [(r["dossier"], r["ticket"]) for r in dossier_ratings(db, DAY, DAY)]
    assert order == [
        (FIRST, ids["handed_in"]),
        (FIRST, ids["result"]),
        (SECOND, ids["other"]),
        (None, ids["old"]),
    ]


def played(app: Any, clock: Any) -> dict[str, int]:
    from db import connect

    database = connect(app.config["DATABASE"])
    ids = play_a_day(database, clock)
    database.conn.close()
    return ids


def test_supervisors_read_the_ratings_and_their_spreadsheet_per_dossier(
    app: Any, client: Any, clock: Any
) -> None:
    ids = played(app, clock)
    sign_in(client, "chi")
    low = client.get(f"/api/reports/ratings?from={DAY}&to={DAY}&low=1").json
    assert low["total"] == 3 and low["ratings"][0]["ticket"] == ids["other"]
    assert client.get("/api/reports/ratings?limit=x").status_code == 400
    assert client.get("/api/reports/ratings?limit=5001").status_code == 400

    answer = client.get(f"/api/reports/ratings.csv?from={DAY}&to={DAY}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert f"ratings-{DAY}-{DAY}.csv" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(row["dossier"], row["label"], row["level"]) for row in rows] == [
        (FIRST, "A002", "unsatisfied"),
        (FIRST, "A003", "very_satisfied"),
        (SECOND, "B001", "unsatisfied"),
        ("", "A001", "unsatisfied"),
    ]
    assert rows[0]["reasons"] == "waited_too_long clerk_attitude"
    assert rows[0]["comment"] == '\'=HYPERLINK("x")'  # text in Excel, never a formula
    assert (rows[0]["clerk"], rows[0]["counter"], rows[0]["low"]) == ("lan", "1", "1")

    summary_csv = client.get(f"/api/reports/summary.csv?from={DAY}&to={DAY}")
    table = list(csv.DictReader(io.StringIO(summary_csv.get_data(as_text=True)[1:])))
    total = table[0]
    assert (total["satisfied_share"], total["low_ratings"]) == ("0.25", "3")
    assert (total["reason_waited_too_long"], total["reason_other"]) == ("1", "0")


def test_the_ratings_workbook_holds_the_csvs_rows_with_numbers_dates_and_text(
    app: Any, client: Any, clock: Any
) -> None:
    played(app, clock)
    sign_in(client, "chi")
    query = f"?from={DAY}&to={DAY}"
    text = client.get("/api/reports/ratings.csv" + query).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    listed = {r["ticket"]: r for r in client.get("/api/reports/ratings" + query).json["ratings"]}

    answer = client.get("/api/reports/ratings.xlsx" + query)

    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    assert f"ratings-{DAY}-{DAY}.xlsx" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Đánh giá"]
    sheet = book["Đánh giá"]
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("Mã hồ sơ", "Mã phiếu", "Số thứ tự", "Ngày")
    assert len(header) == len(rows[0]) == 15 and len(lines) == len(rows) == 4
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for line, row in zip(lines, rows, strict=True):
        cells = dict(zip(rows[0].keys(), line, strict=True))
        rating = listed[int(row["ticket"])]
        assert cells["dossier"] == (row["dossier"] or None)
        assert (cells["ticket"], cells["counter"]) == (int(row["ticket"]), int(row["counter"]))
        assert (cells["score"], cells["scale"], cells["low"]) == (
            rating["score"],
            rating["scale"],
            int(rating["low"]),
        )
        assert cells["day"] == datetime.combine(date.fromisoformat(row["day"]), time())
        moment = datetime.fromisoformat(row["at"]).astimezone(zone).replace(tzinfo=None)
        assert abs((cells["at"] - moment).total_seconds()) < 0.001  # local time, as Excel keeps
        assert (cells["label"], cells["level"], cells["clerk"]) == (
            row["label"],
            row["level"],
            row["clerk"],
        )
        assert cells["reasons"] == (row["reasons"] or None)
        assert cells["comment"] == (rating["comment"] or None)
    assert sheet["L2"].value == 1 and sheet["L2"].data_type == "n"  # low: sums count them
    assert sheet["D2"].number_format == "dd/mm/yyyy" and sheet["D2"].is_date
    assert sheet["N2"].value == '=HYPERLINK("x")' and sheet["N2"].data_type == "s"  # never run


def test_clerks_may_not_read_what_visitors_said(app: Any, client: Any, clock: Any) -> None:
    played(app, clock)
    sign_in(client, "an")
    assert client.get("/api/reports/ratings").status_code == 403
    assert client.get("/api/reports/ratings.csv").status_code == 403
    assert client.get("/api/reports/ratings.xlsx").status_code == 403


def test_the_reports_page_lists_reasons_comments_and_dossiers(
    app: Any, client: Any, clock: Any
) -> None:
    ids = played(app, clock)
    sign_in(client, "chi")
    html = client.get(f"/admin/reports?from={DAY}&to={DAY}").get_data(as_text=True)
    assert '<span class="stat-value" id="total-satisfied">25%</span>' in html
    assert '<span class="stat-value" id="total-dossiers">50%</span>' in html
    assert "Rất hài lòng / Hài lòng / Không hài lòng" in html
    assert f'<tr data-ticket="{ids["other"]}" data-alert="true">' in html
    assert "Giấy tờ không rõ" in html and SECOND in html
    assert "Hướng dẫn hồ sơ chưa rõ" in html  # the reason in words, per row and per clerk
    assert "=HYPERLINK(&#34;x&#34;)" in html  # a comment is shown as text
    assert f"/api/reports/ratings.csv?from={DAY}&amp;to={DAY}" in html
    assert f"/api/reports/ratings.xlsx?from={DAY}&amp;to={DAY}" in html
