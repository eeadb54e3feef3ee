"""Visitors' ratings: core.ratings on a real SQLite file, POST /api/ratings, the rating tablet's
page, and the `rate` push a tablet hears when its counter finishes a ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.counters import open_counter
from core.errors import Conflict, InvalidInput, NotFound
from core.models import Ticket
from core.ratings import RATING_WINDOW, find_rating, rate_ticket
from core.serving import finish, no_show, start, transfer
from tests.conftest import sign_in
from tests.helpers.paired import tablet as paired_tablet
from tests.helpers.paired import tablet_socket
from tests.helpers.pushes import pushed, received_until
from tests.helpers.queues import MONDAY, at, issue, serving_at_counter_1

# ---- core ---------------------------------------------------------------------------------


def finished_at_counter_1(db: Database, clock: Any) -> Ticket:
    serving_at_counter_1(db, clock)
    clock.advance(minutes=4)
    return finish(db, 1, clerk="lan", now=clock())


def test_rating_a_finished_ticket_keeps_its_service_counter_clerk_and_day(
    db: Database, clock: Any
) -> None:
    ticket = finished_at_counter_1(db, clock)
    clock.advance(seconds=20)
    rating = rate_ticket(db, ticket.id, 4, "  Cán bộ nhiệt tình.  ", now=clock())
    assert (rating.ticket, rating.score, rating.comment) == (ticket.id, 4, "Cán bộ nhiệt tình.")
    assert (rating.service, rating.counter, rating.clerk, rating.day) == ("A", 1, "lan", MONDAY)
    assert rating.at == at(clock)
    stored = db.execute("SELECT * FROM ratings").fetchall()
    kept = (ticket.id, 4, "Cán bộ nhiệt tình.", at(clock), MONDAY, "A", 1, "lan")
    assert stored == [(*kept, 4, None, "tablet", None)]  # four faces, no reasons, no dossier
    assert find_rating(db, ticket.id) == rating


@pytest.mark.parametrize("comment", [None, "", "   \n\t "])
def test_a_blank_comment_is_stored_as_null(db: Database, clock: Any, comment: str | None) -> None:
    ticket = finished_at_counter_1(db, clock)
    assert rate_ticket(db, ticket.id, 2, comment, now=clock()).comment is None
    assert db.execute("SELECT comment FROM ratings").fetchone() == (None,)


def test_only_a_finished_ticket_can_be_rated(db: Database, clock: Any) -> None:
    open_counter(db, 1, clerk="lan", now=clock())
    ticket, absent = issue(db, clock), issue(db, clock)

    def refusal() -> str:
        with pytest.raises(Conflict) as refused:
            rate_ticket(db, ticket.id, 4, None, now=clock())
        return refused.value.code

    assert refusal() == "not_finished"  # waiting
    call_next(db, 1, clerk="lan", now=clock())
    assert refusal() == "not_finished"  # called
    start(db, 1, clerk="lan", now=clock())
    assert refusal() == "not_finished"  # serving
    finish(db, 1, clerk="lan", now=clock())
    call_next(db, 1, clerk="lan", now=clock())
    no_show(db, 1, clerk="lan", now=clock())
    with pytest.raises(Conflict) as refused:
        rate_ticket(db, absent.id, 1, None, now=clock())
    assert refused.value.code == "not_finished"  # a no-show was never served
    assert rate_ticket(db, ticket.id, 3, None, now=clock()).score == 3
    assert db.execute("SELECT ticket FROM ratings").fetchall() == [(ticket.id,)]


def test_a_ticket_is_rated_once_and_the_first_answer_stays(db: Database, clock: Any) -> None:
    ticket = finished_at_counter_1(db, clock)
    rate_ticket(db, ticket.id, 4, "Tốt", now=clock())
    with pytest.raises(Conflict) as refused:
        rate_ticket(db, ticket.id, 1, "Không tốt", now=clock())
    assert refused.value.code == "already_rated"
    assert db.execute("SELECT score, comment FROM ratings").fetchall() == [(4, "Tốt")]


def test_a_ticket_can_be_rated_up_to_30_minutes_after_its_finish(db: Database, clock: Any) -> None:
    assert RATING_WINDOW == timedelta(minutes=30)
    first = finished_at_counter_1(db, clock)
    clock.advance(minutes=30)
    assert rate_ticket(db, first.id, 3, None, now=clock()).score == 3

    issue(db, clock)
    call_next(db, 1, clerk="lan", now=clock())
    late = finish(db, 1, clerk="lan", now=clock())
    clock.advance(minutes=31)
    with pytest.raises(Conflict) as refused:
        rate_ticket(db, late.id, 4, None, now=clock())
    assert refused.value.code == "too_late"
    assert find_rating(db, late.id) is None


@pytest.mark.parametrize("score", [0, 5, -1, 40, True])
def test_a_score_outside_1_to_4_is_refused(db: Database, clock: Any, score: int) -> None:
    ticket = finished_at_counter_1(db, clock)
    with pytest.raises(InvalidInput):
        rate_ticket(db, ticket.id, score, None, now=clock())
    assert find_rating(db, ticket.id) is None


def test_a_comment_over_1000_characters_is_refused(db: Database, clock: Any) -> None:
    ticket = finished_at_counter_1(db, clock)
    with pytest.raises(InvalidInput):
        rate_ticket(db, ticket.id, 4, "ý" * 1001, now=clock())
    assert rate_ticket(db, ticket.id, 4, "ý" * 1000, now=clock()).comment == "ý" * 1000


def test_an_unknown_ticket_is_not_found(db: Database, clock: Any) -> None:
    with pytest.raises(NotFound):
        rate_ticket(db, 999, 4, None, now=clock())


def test_a_transferred_ticket_is_rated_for_the_service_and_counter_that_served_it(
    db: Database, clock: Any
) -> None:
    serving_at_counter_1(db, clock)
    moved = transfer(db, 1, "B", clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    call_next(db, 2, clerk="mai", now=clock())
    done = finish(db, 2, clerk="mai", now=clock())
    assert (done.id, done.service, done.queue) == (moved.id, "A", "B")
    rating = rate_ticket(db, done.id, 1, None, now=clock())
    assert (rating.service, rating.counter, rating.clerk) == ("B", 2, "mai")


# ---- the API ------------------------------------------------------------------------------


def finish_one(
    client: Any, number: int = 1, service: str = "A", clerk: str = "an"
) -> dict[str, Any]:
    """A clerk issues, calls and finishes a ticket at a counter; answers the finished ticket."""
    headers = sign_in(client, clerk)
    client.post(f"/api/counters/{number}/open", headers=headers)
    assert client.post("/api/tickets", json={"service": service}).status_code == 201
    assert client.post(f"/api/counters/{number}/next", headers=headers).status_code == 200
    answer = client.post(f"/api/counters/{number}/finish", headers=headers)
    assert answer.status_code == 200
    return dict(answer.json["ticket"])


def test_the_tablet_rates_a_finished_ticket_without_session_or_csrf(
    app: Any, client: Any, clock: Any, database_path: Any
) -> None:
    ticket = finish_one(client)
    tablet = app.test_client()
    answer = tablet.post(
        "/api/ratings",
        json={"ticket": ticket["id"], "score": 4, "comment": "Nhanh, chu đáo"},
        headers=paired_tablet(app, 1),
    )
    assert answer.status_code == 201
    assert answer.json == {
        "ticket": ticket["id"],
        "score": 4,
        "scale": 4,
        "level": "very_satisfied",
        "low": False,
        "reasons": [],
        "comment": "Nhanh, chu đáo",
        "dossier": None,
        "at": at(clock),
    }
    from db import connect

    database = connect(database_path)
    row = database.execute("SELECT service, counter, clerk, day FROM ratings").fetchall()
    database.conn.close()
    assert row == [(ticket["queue"], 1, "an", ticket["day"])] == [("A", 1, "an", MONDAY)]


def test_the_api_refuses_tickets_not_finished_rated_twice_or_too_late(
    app: Any, client: Any, clock: Any
) -> None:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    waiting = client.post("/api/tickets", json={"service": "A"}).json
    tablet, paired = app.test_client(), paired_tablet(app, 1)

    def rate(ticket_id: int, score: int = 3) -> tuple[int, str]:
        answer = tablet.post(
            "/api/ratings", json={"ticket": ticket_id, "score": score}, headers=paired
        )
        return answer.status_code, answer.json.get("error", "")

    assert rate(waiting["id"]) == (409, "not_finished")
    client.post("/api/counters/1/next", headers=headers)
    assert rate(waiting["id"]) == (409, "not_finished")  # called
    client.post("/api/counters/1/finish", headers=headers)
    assert rate(waiting["id"], 4)[0] == 201
    assert rate(waiting["id"], 1) == (409, "already_rated")

    late = finish_one(client)
    clock.advance(minutes=31)
    assert rate(late["id"]) == (409, "too_late")
    assert rate(999) == (404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"ticket": 1, "score": 0},
        {"ticket": 1, "score": 5},
        {"ticket": 1, "score": "4"},
        {"ticket": 1, "score": 3.5},
        {"ticket": 1},
        {"score": 4},
        {"ticket": 0, "score": 4},
        {"ticket": 1, "score": 4, "comment": "x" * 1001},
        {"ticket": 1, "score": 4, "comment": ["tốt"]},
        {"ticket": 1, "score": 4, "counter": 1},
        {"ticket": 1, "score": 4, "clerk": "an"},
        [1, 4],
    ],
)
def test_bad_rating_bodies_are_400(app: Any, client: Any, body: Any) -> None:
    ticket = finish_one(client)
    assert ticket["id"] == 1
    paired = paired_tablet(app, 1)
    answer = app.test_client().post("/api/ratings", json=body, headers=paired)
    assert (answer.status_code, answer.json["error"]) == (400, "invalid")
    good = app.test_client().post("/api/ratings", json={"ticket": 1, "score": 4}, headers=paired)
    assert good.status_code == 201


def test_ratings_are_rate_limited_per_address_apart_from_tickets(database_path: Any) -> None:
    from core.center import load_center
    from db import connect
    from server import create_app
    from tests.conftest import SMALL_CENTER

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"}
    )
    load_center(connect(database_path), SMALL_CENTER)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/tickets", json={"service": "A"}).status_code == 201
    assert client.post("/api/tickets", json={"service": "A"}).status_code == 429
    # the tickets' count is spent; the ratings' is their own
    for _ in range(2):  # refused (no paired tablet), and counted all the same
        assert client.post("/api/ratings", json={"ticket": 1, "score": 4}).status_code == 403
    limited = client.post("/api/ratings", json={"ticket": 1, "score": 4})
    assert limited.status_code == 429 and limited.json["error"] == "rate_limited"
    other = app.test_client()
    answer = other.post(
        "/api/ratings", json={"ticket": 1, "score": 4}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert answer.status_code == 403  # another address has its own count


def test_the_openapi_document_describes_the_rating_route(client: Any) -> None:
    operation = client.get("/api/openapi.json").json["paths"]["/api/ratings"]["post"]
    assert {"201", "400", "404", "409", "429"} <= set(operation["responses"])
    assert "501" not in operation["responses"]
    assert operation["security"] == []
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/Rating")


# ---- the tablet's page and socket -----------------------------------------------------------


def test_the_tablet_page_shows_its_counter_and_the_four_answers(client: Any) -> None:
    answer = client.get("/counter/rating?counter=3")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'data-counter="3"' in html and 'data-ratings-url="/api/ratings"' in html
    assert "Quầy 3" in html  # idle, the tablet shows the face of the screen over its counter
    assert '<span class="face-counter-number" data-length="1">3</span>' in html
    for words in ("Rất hài lòng", "Hài lòng", "Bình thường", "Chưa hài lòng"):
        assert f'<span class="score-words">{words}</span>' in html
    assert "/counter/static/rating.js" in html and "/static/vendor/socket.io.min.js" in html
    english = client.get("/counter/rating?counter=3&lang=en").get_data(as_text=True)
    assert "Very satisfied" in english and "Counter 3" in english


@pytest.mark.parametrize(
    ("query", "status", "problem"),
    [
        ("counter=9", 404, "Trung tâm không có quầy “9”."),
        ("counter=tu-phap", 404, "Trung tâm không có quầy “tu-phap”."),
        ("counter=%C2%B2", 404, "Trung tâm không có quầy “²”."),
        ("counter=" + "9" * 40, 404, "Trung tâm không có quầy"),
        ("", 400, "Địa chỉ trang chưa cho biết máy tính bảng này đặt ở quầy nào."),
        ("counter=", 400, "Địa chỉ trang chưa cho biết"),
    ],
)
def test_a_tablet_without_a_known_counter_is_told_how_to_write_its_address(
    client: Any, query: str, status: int, problem: str
) -> None:
    answer = client.get(f"/counter/rating?{query}")
    assert answer.status_code == status
    html = answer.get_data(as_text=True)
    assert problem in html
    assert "http://localhost/counter/rating?counter=1" in html  # the example to copy
    assert '<a href="/counter/rating?counter=2">Quầy 2</a>' in html
    assert "rating.js" not in html


def test_a_hostile_counter_in_the_address_shows_as_text(client: Any) -> None:
    html = client.get("/counter/rating?counter=%3Cscript%3Ex").get_data(as_text=True)
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_the_home_page_lists_the_rating_tablet(client: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/counter/rating"' in html and "Máy đánh giá tại quầy" in html


def test_a_tablet_hears_its_counter_finish_and_the_visitor_rates_that_ticket(
    app: Any, client: Any
) -> None:
    tablet_token = paired_tablet(app, 1)
    tablet = tablet_socket(app, 1, tablet_token["X-Device-Token"], query_string="counter=1")
    other_token = paired_tablet(app, 2)
    other = tablet_socket(app, 2, other_token["X-Device-Token"])
    assert received_until(tablet, "/rating", "state") == [
        {"name": "state", "args": [{"counter": 1}], "namespace": "/rating"}
    ]
    received_until(other, "/rating", "state")
    ticket = finish_one(client, number=1)
    assert pushed(tablet, "/rating", "rate") == [{"ticket": ticket["id"], "label": "A001"}]
    answer = app.test_client().post(
        "/api/ratings", json={"ticket": ticket["id"], "score": 1}, headers=tablet_token
    )
    assert answer.status_code == 201

    # Counter 2's finish must reach its own tablet after anything about counter 1 would have.
    elsewhere = finish_one(app.test_client(), number=2, clerk="binh")
    assert received_until(other, "/rating", "rate") == [
        {
            "name": "rate",
            "args": [{"ticket": elsewhere["id"], "label": "A002"}],
            "namespace": "/rating",
        }
    ]
    # The rating and counter 2's finish pushed nothing to counter 1's tablet: its next push is
    # its counter's next finish.
    again = finish_one(client, number=1)
    assert received_until(tablet, "/rating", "rate") == [
        {"name": "rate", "args": [{"ticket": again["id"], "label": "A003"}], "namespace": "/rating"}
    ]
    tablet.disconnect(namespace="/rating")
    other.disconnect(namespace="/rating")
