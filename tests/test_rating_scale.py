"""Ratings that count: the center's scale (three levels by default, or four faces), the reasons
of a low rating, the visitor's phone rating by its track token, once, and the low rating pushed
to the supervisors' monitor at once (never to the clerks' terminals)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.center import get_center, load_center
from core.errors import Conflict, InvalidInput, NotFound
from core.ratings import (
    PHONE_RATING_WINDOW,
    find_rating,
    is_low,
    level_on,
    rate_by_token,
    rate_ticket,
    rating_offer,
)
from core.serving import finish
from core.vocabulary import RATING_REASONS
from realtime import socketio
from tests.conftest import SMALL_CENTER, sign_in
from tests.helpers.pushes import pushed, received_until
from tests.helpers.queues import serving_at_counter_1


def use_scale(db: Database, scale: int) -> None:
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('rating_scale', ?)", [scale])


def finished(db: Database, clock: Any) -> Any:
    serving_at_counter_1(db, clock)
    clock.advance(minutes=3)
    return finish(db, 1, clerk="lan", now=clock())


# ---- the scale --------------------------------------------------------------------------------


def test_a_center_without_a_scale_rates_on_the_three_levels(db: Database) -> None:
    plain = {**SMALL_CENTER, "center": {"name": "Trung tâm", "timezone": "Asia/Ho_Chi_Minh"}}
    db.execute("DELETE FROM settings WHERE key = 'rating_scale'")
    load_center(db, plain)
    assert get_center(db).rating_scale == 3


def test_on_three_levels_a_fourth_is_refused_and_only_the_lowest_is_low(
    db: Database, clock: Any
) -> None:
    use_scale(db, 3)
    ticket = finished(db, clock)
    with pytest.raises(InvalidInput) as refused:
        rate_ticket(db, ticket.id, 4, None, now=clock())
    assert refused.value.code == "bad_score"
    assert "very_satisfied" in refused.value.message
    rating = rate_ticket(db, ticket.id, 2, None, now=clock())
    assert (rating.scale, rating.level, rating.low) == (3, "satisfied", False)
    assert [is_low(score, 3) for score in (1, 2, 3)] == [True, False, False]
    assert [is_low(score, 4) for score in (1, 2, 3, 4)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("score", "scale", "to_scale", "level"),
    [
        (4, 4, 3, 3),  # very satisfied stays very satisfied
        (3, 4, 3, 2),
        (2, 4, 3, 1),  # neutral is low on four faces, so "Không hài lòng" on three
        (1, 4, 3, 1),
        (3, 3, 4, 4),
        (2, 3, 4, 3),
        (1, 3, 4, 1),
        (2, 3, 3, 2),
    ],
)
def test_a_score_converts_between_scales_keeping_what_is_low(
    score: int, scale: int, to_scale: int, level: int
) -> None:
    assert level_on(score, scale, to_scale) == level
    assert is_low(level, to_scale) == is_low(score, scale)


# ---- reasons ----------------------------------------------------------------------------------


def test_a_low_rating_keeps_its_reasons_in_the_order_given(db: Database, clock: Any) -> None:
    ticket = finished(db, clock)
    reasons = ["clerk_attitude", "waited_too_long"]
    rating = rate_ticket(db, ticket.id, 2, " Chờ lâu ", now=clock(), reasons=reasons)
    assert (rating.reasons, rating.comment, rating.low) == (tuple(reasons), "Chờ lâu", True)
    assert find_rating(db, ticket.id) == rating
    assert db.execute("SELECT reasons FROM ratings").fetchone() == (
        '["clerk_attitude", "waited_too_long"]',
    )


@pytest.mark.parametrize(
    ("score", "reasons"),
    [
        (1, ["slow"]),  # not a reason of the vocabulary
        (1, ["other", "other"]),
        (3, ["waited_too_long"]),  # a satisfied visitor gives no reasons
    ],
)
def test_unknown_repeated_or_unasked_reasons_are_refused(
    db: Database, clock: Any, score: int, reasons: list[str]
) -> None:
    ticket = finished(db, clock)
    with pytest.raises(InvalidInput) as refused:
        rate_ticket(db, ticket.id, score, None, now=clock(), reasons=reasons)
    assert refused.value.code == "bad_reason"
    assert find_rating(db, ticket.id) is None
    assert len(RATING_REASONS) == 5


# ---- the phone, by its track token ------------------------------------------------------------


def test_the_phone_rates_by_token_once_within_a_day_of_the_finish(db: Database, clock: Any) -> None:
    assert PHONE_RATING_WINDOW == timedelta(hours=24)
    ticket = finished(db, clock)
    assert rating_offer(db, ticket, now=clock()) == {"rated": False, "open": True, "scale": 4}
    clock.advance(hours=23, minutes=59)  # past the tablet's 30 minutes, within the day
    rating = rate_by_token(db, ticket.token, 4, None, now=clock())
    assert (rating.ticket, rating.source) == (ticket.id, "phone")
    assert rating_offer(db, ticket, now=clock()) == {"rated": True, "open": False, "scale": 4}
    with pytest.raises(Conflict) as refused:
        rate_by_token(db, ticket.token, 1, None, now=clock())
    assert refused.value.code == "already_rated"
    with pytest.raises(NotFound):
        rate_by_token(db, "not-a-token", 4, None, now=clock())


def test_the_phone_may_not_rate_after_a_day(db: Database, clock: Any) -> None:
    ticket = finished(db, clock)
    clock.advance(hours=24, minutes=1)
    assert rating_offer(db, ticket, now=clock()) == {"rated": False, "open": False, "scale": 4}
    with pytest.raises(Conflict) as refused:
        rate_by_token(db, ticket.token, 4, None, now=clock())
    assert refused.value.code == "too_late" and "more than 24 hours ago" in refused.value.message


def served_over_api(client: Any) -> dict[str, Any]:
    """A visitor takes a ticket (answered with its track link) and is served at counter 1."""
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    issued = client.post("/api/tickets", json={"service": "A"}).json
    client.post("/api/counters/1/next", headers=headers)
    assert client.post("/api/counters/1/finish", headers=headers).status_code == 200
    return dict(issued)


def test_the_phone_rates_its_ticket_once_by_token_without_session_or_csrf(
    app: Any, client: Any
) -> None:
    issued = served_over_api(client)
    token = issued["track_url"].removeprefix("/t/")
    phone = app.test_client()
    assert phone.get(f"/api/tickets/{token}").json["rating"] == {
        "rated": False,
        "open": True,
        "scale": 4,
    }
    body = {"token": token, "score": 1, "reasons": ["waited_too_long"], "comment": "Lâu quá"}
    answer = phone.post("/api/ratings", json=body)
    assert answer.status_code == 201
    assert answer.json["ticket"] == issued["id"]
    assert (answer.json["low"], answer.json["reasons"]) == (True, ["waited_too_long"])
    again = phone.post("/api/ratings", json={"token": token, "score": 4})
    assert (again.status_code, again.json["error"]) == (409, "already_rated")
    assert phone.get(f"/api/tickets/{token}").json["rating"]["rated"] is True


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"token": "not-a-token", "score": 4}, 404, "not_found"),
        ({"score": 4}, 400, "invalid"),  # neither the ticket nor its token
        ({"ticket": 1, "token": "x", "score": 4}, 400, "invalid"),
        ({"token": "", "score": 4}, 400, "invalid"),
        ({"token": "x" * 65, "score": 4}, 400, "invalid"),
        ({"token": "x", "score": 4, "reasons": "waited_too_long"}, 400, "invalid"),
        ({"token": "x", "score": 1, "reasons": ["rude"]}, 400, "invalid"),
    ],
)
def test_a_rating_that_names_no_ticket_rightly_is_refused(
    app: Any, client: Any, body: dict[str, Any], status: int, error: str
) -> None:
    served_over_api(client)
    answer = app.test_client().post("/api/ratings", json=body)
    assert (answer.status_code, answer.json["error"]) == (status, error)


def test_the_track_page_asks_for_a_rating_once_the_ticket_is_finished(
    app: Any, client: Any
) -> None:
    issued = served_over_api(client)
    html = client.get(issued["track_url"]).get_data(as_text=True)
    assert 'id="rate"' in html and 'data-ratings-url="/api/ratings"' in html
    for words in ("Rất hài lòng", "Hài lòng", "Bình thường", "Chưa hài lòng", "Chờ quá lâu"):
        assert words in html
    assert '"rating": {"open": true, "rated": false, "scale": 4}' in html


# ---- the monitor ------------------------------------------------------------------------------


def test_a_low_rating_reaches_the_supervisors_monitor_at_once_and_no_clerk(
    app: Any, client: Any
) -> None:
    issued = served_over_api(client)
    supervisor = app.test_client()
    sign_in(supervisor, "chi")
    monitor = socketio.test_client(app, namespace="/counter", flask_test_client=supervisor)
    terminal = socketio.test_client(app, namespace="/counter", flask_test_client=client)
    received_until(monitor, "/counter", "board")
    received_until(terminal, "/counter", "board")
    token = issued["track_url"].removeprefix("/t/")
    phone = app.test_client()
    body = {"token": token, "score": 1, "reasons": ["clerk_attitude"], "comment": "Cán bộ gắt"}
    assert phone.post("/api/ratings", json=body).status_code == 201

    [low] = pushed(monitor, "/counter", "low_rating")
    assert (low["label"], low["ticket"], low["service"], low["counter"], low["clerk"]) == (
        issued["label"],
        issued["id"],
        "A",
        1,
        "an",
    )
    assert (low["level"], low["reasons"], low["comment"]) == (
        "unsatisfied",
        ["clerk_attitude"],
        "Cán bộ gắt",
    )
    assert [m["name"] for m in terminal.get_received("/counter")] == []

    # a satisfied visitor pushes nothing to the monitor
    second = served_over_api(client)
    good = {"token": second["track_url"].removeprefix("/t/"), "score": 4}
    assert phone.post("/api/ratings", json=good).status_code == 201
    assert [m["name"] for m in monitor.get_received("/counter")].count("low_rating") == 0
    monitor.disconnect(namespace="/counter")
    terminal.disconnect(namespace="/counter")


# ---- the admin sets them ----------------------------------------------------------------------


def test_the_admin_sets_the_scale_and_the_dossier_pattern_and_a_bad_one_is_refused(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    pattern = r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$"
    body = {"name": "Trung tâm thử", "rating_scale": 3, "dossier_pattern": pattern}
    answer = client.put("/api/admin/center", json=body, headers=admin)
    assert answer.status_code == 200
    assert (answer.json["rating_scale"], answer.json["dossier_pattern"]) == (3, pattern)
    renamed = client.put("/api/admin/center", json={"name": "Trung tâm mới"}, headers=admin)
    assert renamed.json["rating_scale"] == 3  # left out: kept
    for wrong, code in (
        ({"rating_scale": 5}, "rating_scale"),
        ({"rating_scale": "3"}, "rating_scale"),
        ({"dossier_pattern": "(a+)+$"}, "dossier_pattern"),
    ):
        refused = client.put("/api/admin/center", json={"name": "X", **wrong}, headers=admin)
        assert (refused.status_code, refused.json["error"]) == (400, code), wrong
    html = client.get("/admin/center").get_data(as_text=True)
    assert 'name="rating_scale" value="3" data-type="int" checked' in html
    assert 'name="dossier_pattern" value="^\\d{3}' in html
    tablet = client.get("/counter/rating?counter=1").get_data(as_text=True)
    assert 'data-scale="3"' in tablet and "Không hài lòng" in tablet and "Bình thường" not in tablet
    assert tablet.count('data-low="true"') == 1 and tablet.count('class="reason"') == 5
