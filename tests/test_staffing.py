"""Staffing advice: Erlang C against known values, then the advice read from seeded history (tickets
written straight into the table with explicit times), over the API and on the admin page."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import InvalidInput
from core.models import timestamp
from core.staffing import (
    MAX_COUNTERS,
    counters_needed,
    default_period,
    erlang_c,
    share_within,
    staffing_advice,
)
from tests.conftest import MORNING, sign_in

MONDAY = MORNING.date()  # 2026-11-30
WEEK = [MONDAY + timedelta(days=offset) for offset in range(5)]


def erlang_c_by_factorials(servers: int, load: float) -> float:
    """The textbook formula, to check the recurrence against for small loads."""
    below = sum(load**k / math.factorial(k) for k in range(servers))
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (below + top)


def seed(
    db: Database,
    service: str,
    days: list[date],
    *,
    per_hour: int,
    utc_hour: int = 1,
    service_minutes: float = 6,
    status: str = "done",
) -> None:
    """`per_hour` tickets of a service in one UTC hour of each day, spread evenly, each served
    for `service_minutes` from its start (a minute after the call, two after the issue)."""
    ticket_id = db.execute("SELECT coalesce(max(id), 0) FROM tickets").fetchone()[0]
    rows = []
    for day in days:
        numbered = db.execute(
            "SELECT coalesce(max(number), 0) FROM tickets WHERE service = ? AND day = ?",
            [service, day.isoformat()],
        ).fetchone()[0]
        for index in range(per_hour):
            ticket_id += 1
            number = numbered + index + 1
            issued = datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC) + timedelta(
                seconds=index * 3600 / per_hour
            )
            called = issued + timedelta(minutes=2)
            started = called + timedelta(minutes=1)
            finished = started + timedelta(minutes=service_minutes)
            served = status == "done"
            rows.append(
                (
                    ticket_id,
                    f"seed-{ticket_id}",
                    service,
                    service,
                    day.isoformat(),
                    number,
                    f"{service}{number:03d}",
                    status,
                    timestamp(issued),
                    timestamp(called) if served else None,
                    timestamp(started) if served else None,
                    timestamp(finished) if served else None,
                )
            )
    db.conn.executemany(
        "INSERT INTO tickets (id, token, service, queue, day, number, label, status, issued_at,"
        " called_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.conn.commit()


def advice_of(advice: dict[str, Any], service: str) -> dict[str, Any]:
    return next(row for row in advice["services"] if row["service"] == service)


def counters_by_hour(advice: dict[str, Any], service: str) -> dict[int, int]:
    return {cell["hour"]: cell["counters"] for cell in advice_of(advice, service)["hours"]}


def test_erlang_c_matches_known_values() -> None:
    assert erlang_c(3, 2) == pytest.approx(4 / 9)
    assert erlang_c(2, 1) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # one counter: the chance it is busy
    for servers, load in ((5, 3.7), (13, 10), (20, 17.5)):
        assert erlang_c(servers, load) == pytest.approx(erlang_c_by_factorials(servers, load))
    assert erlang_c(2, 2) == 1.0 and erlang_c(4, 0) == 0.0
    with pytest.raises(ValueError):
        erlang_c(0, 1)


def test_erlang_c_stays_exact_where_factorials_overflow() -> None:
    chance = erlang_c(200, 190)  # 190**200 is beyond a float
    assert 0 < chance < 1
    assert erlang_c(201, 190) < chance


def test_the_textbook_call_center_needs_14_agents() -> None:
    """100 calls in half an hour, 3 minutes each, 80 % answered within 20 s: 10 erlangs."""
    assert share_within(13, 100 / 1800, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    assert share_within(14, 100 / 1800, 180, 20) == pytest.approx(0.8884, abs=1e-4)
    need = counters_needed(200, 180, 20, 0.8)
    assert (need.counters, need.capped) == (14, False)
    assert need.within_target == pytest.approx(0.8884, abs=1e-4)


def test_no_visitors_need_no_counter_and_a_flood_is_capped() -> None:
    assert counters_needed(0, 300, 900, 0.8).counters == 0
    flood = counters_needed(2000, 300, 900, 0.8)  # 167 erlangs
    assert (flood.counters, flood.capped) == (MAX_COUNTERS, True)


def test_the_default_period_is_the_last_four_weeks_to_yesterday() -> None:
    assert default_period(date(2026, 12, 29)) == (date(2026, 12, 1), date(2026, 12, 28))


def test_more_arrivals_need_more_counters(db: Database) -> None:
    seed(db, "A", WEEK, per_hour=4)
    seed(db, "D", WEEK, per_hour=40)

    advice = staffing_advice(db, WEEK[0], WEEK[-1])

    quiet, busy = counters_by_hour(advice, "A")[8], counters_by_hour(advice, "D")[8]
    assert advice["days"] == 5 and advice["hours"] == [8]
    assert advice_of(advice, "D")["hours"][0]["arrivals_per_hour"] == 40
    assert quiet == 1 and busy == 5  # 4 erlangs of D at 6 minutes each need a fifth counter
    assert advice_of(advice, "D")["hours"][0]["within_target"] >= 0.8
    assert advice["totals"] == [{"hour": 8, "counters": quiet + busy}]


def test_a_longer_target_wait_needs_fewer_counters(db: Database) -> None:
    seed(db, "A", WEEK, per_hour=40)  # 4 erlangs: at least 5 counters, whatever the target
    db.execute("UPDATE services SET target_wait_min = 2 WHERE code = 'A'")
    short = counters_by_hour(staffing_advice(db, WEEK[0], WEEK[-1]), "A")[8]
    db.execute("UPDATE services SET target_wait_min = 15 WHERE code = 'A'")
    longer = counters_by_hour(staffing_advice(db, WEEK[0], WEEK[-1]), "A")[8]

    assert (short, longer) == (6, 5)


def test_hours_are_the_center_s_local_hours(db: Database) -> None:
    day = [MONDAY]
    seed(db, "A", day, per_hour=1, utc_hour=1)  # issued 01:00 UTC, 08:00 in Ho Chi Minh City
    db.execute(
        "UPDATE tickets SET issued_at = ? WHERE service = 'A'",
        [timestamp(datetime(2026, 11, 30, 1, 30, tzinfo=UTC))],
    )
    seed(db, "B", day, per_hour=2, utc_hour=6)  # 13:00 local

    advice = staffing_advice(db, MONDAY, MONDAY)

    assert advice["hours"] == [8, 13]
    assert counters_by_hour(advice, "A") == {8: 1, 13: 0}
    assert counters_by_hour(advice, "B") == {8: 0, 13: 1}


def test_arrivals_are_a_mean_over_the_days_the_center_worked(db: Database) -> None:
    seed(db, "A", WEEK[:2], per_hour=10)  # Monday and Tuesday only
    seed(db, "B", WEEK, per_hour=1, utc_hour=2)  # the center worked all week

    advice = staffing_advice(db, WEEK[0], WEEK[-1] + timedelta(days=2))  # and the weekend

    assert advice["days"] == 5
    assert advice_of(advice, "A")["hours"][0]["arrivals_per_hour"] == 4.0  # 20 over 5 days
    assert advice_of(advice, "A")["arrivals_per_day"] == 4.0


def test_service_time_is_the_mean_of_served_tickets_or_a_flagged_default(db: Database) -> None:
    seed(db, "A", WEEK, per_hour=2, service_minutes=10)
    seed(db, "B", WEEK[:1], per_hour=4, service_minutes=10)  # 4 served: too few to trust
    seed(db, "D", WEEK, per_hour=3, status="no_show")  # they came, none was served

    advice = staffing_advice(db, WEEK[0], WEEK[-1])

    service_a, service_b, service_d = (advice_of(advice, code) for code in "ABD")
    assert (service_a["service_mean_s"], service_a["service_time_default"]) == (600, False)
    assert (service_b["service_mean_s"], service_b["service_times_known"]) == (300, 4)
    assert service_b["service_time_default"] and service_d["service_time_default"]
    assert service_d["hours"][0]["arrivals_per_hour"] == 3 and service_d["hours"][0]["counters"]


def test_an_hour_needing_more_than_its_counters_is_marked(db: Database) -> None:
    seed(db, "D", WEEK, per_hour=40)  # only counter 3 serves D

    service_d = advice_of(staffing_advice(db, WEEK[0], WEEK[-1]), "D")

    assert service_d["counters_able"] == 1
    assert service_d["hours"][0]["short_of_counters"] is True
    assert advice_of(staffing_advice(db, WEEK[0], WEEK[-1]), "A")["counters_able"] == 2


def test_disabled_services_get_no_advice_and_bad_periods_are_refused(db: Database) -> None:
    seed(db, "B", WEEK, per_hour=3, utc_hour=9)
    db.execute("UPDATE services SET enabled = 0 WHERE code = 'B'")

    advice = staffing_advice(db, WEEK[0], WEEK[-1])

    assert [row["service"] for row in advice["services"]] == ["A", "D"]
    assert advice["hours"] == []
    with pytest.raises(InvalidInput, match="ends before"):
        staffing_advice(db, WEEK[1], WEEK[0])
    with pytest.raises(InvalidInput, match="366"):
        staffing_advice(db, WEEK[0] - timedelta(days=366), WEEK[0])
    with pytest.raises(InvalidInput):
        staffing_advice(db, WEEK[0], WEEK[-1], service_level=1.0)


def seed_in_app(app: Any) -> None:
    from db import connect

    database = connect(app.config["DATABASE"])
    seed(database, "A", WEEK, per_hour=30)
    seed(database, "D", WEEK, per_hour=2, utc_hour=3)
    database.conn.close()


def test_supervisors_read_the_advice_over_http(app: Any, client: Any, clock: Any) -> None:
    seed_in_app(app)
    clock.moment = MORNING + timedelta(days=7)  # the next Monday: the week is in the last 28 days
    sign_in(client, "chi")

    default = client.get("/api/reports/staffing")
    week = client.get(f"/api/reports/staffing?from={WEEK[0]}&to={WEEK[-1]}")

    assert default.status_code == 200 and week.status_code == 200
    assert (default.json["from"], default.json["to"]) == ("2026-11-09", "2026-12-06")
    assert default.json["services"] == week.json["services"]
    assert counters_by_hour(week.json, "A") == {8: 4, 10: 0}
    bad = client.get("/api/reports/staffing?from=30/11/2026")
    assert bad.status_code == 400 and bad.json["error"] == "bad_date"
    backwards = client.get(f"/api/reports/staffing?from={WEEK[1]}&to={WEEK[0]}")
    assert backwards.status_code == 400 and backwards.json["error"] == "bad_period"


def test_clerks_may_not_read_the_advice(client: Any) -> None:
    assert client.get("/api/reports/staffing").status_code == 401
    sign_in(client, "an")

    assert client.get("/api/reports/staffing").status_code == 403
    assert client.get("/admin/staffing").status_code == 403


def test_the_staffing_page_shows_counters_per_service_and_hour(
    app: Any, client: Any, clock: Any
) -> None:
    from tests.helpers.pages import render

    seed_in_app(app)
    sign_in(client, "chi")

    html, page = render(client, f"/admin/staffing?from={WEEK[0]}&to={WEEK[-1]}&lang=vi")

    assert page.first("table", id="staffing-advice")
    assert "08:00" in html and "10:00" in html and "09:00" not in html
    cells = [
        (attributes.get("data-hour"), attributes.get("class"))
        for tag, attributes in page.tags
        if tag == "td" and attributes.get("data-hour")
    ]
    assert ("8", "number short") in cells  # A needs 4 at 08:00; counters 1 and 2 serve it
    assert "cần 4 quầy, 2 quầy phục vụ được" in html
    assert "Erlang C" in html and "80%" in html
    assert page.first("p", id="default-service-times")  # B had no one served
    assert page.first("link", href="/admin/static/staffing.css")


def test_the_staffing_page_explains_a_bad_period(client: Any) -> None:
    sign_in(client, "chi")

    unreadable = client.get("/admin/staffing?from=hôm-qua").get_data(as_text=True)
    backwards = client.get(f"/admin/staffing?from={WEEK[1]}&to={WEEK[0]}").get_data(as_text=True)

    assert "Không hiểu ngày đã nhập" in unreadable
    assert "ngày kết thúc sau ngày bắt đầu" in backwards
    assert 'id="staffing-advice"' not in backwards
