"""What a visitor gives away by taking a ticket: an ID card read at the kiosk leaves only a keyed
hash of its number and the birth year, and the hall learns whether a ticket is priority, never
why (a visitor's pregnancy or disability is not the hall's business). Staff keep the category."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from core.identity import id_hash
from db import connect
from realtime import socketio
from tests.conftest import sign_in
from tests.helpers.pushes import pushed, received_until

NUMBER, NAME, ADDRESS = "001050012345", "Nguyễn Văn An", "Số 12 Hàng Bạc, Phường Hàng Đào"
ELDER_QR = f"{NUMBER}|012345678|{NAME}|15031950|Nam|{ADDRESS}, Quận Hoàn Kiếm, Hà Nội|20042021"
YOUNG_QR = "092190001234||Trần Thị Bích Ngọc|02091990|Nữ|Khu vực 3, Phường An Khánh|10082022"


def issue(client: Any, **body: Any) -> Any:
    return client.post("/api/tickets", json={"service": "A", **body})


def stored(app: Any, sql: str) -> list[tuple[Any, ...]]:
    database = connect(app.config["DATABASE"])
    try:
        return [tuple(row) for row in database.execute(sql).fetchall()]
    finally:
        database.conn.close()


# --- the ID card at the kiosk ---------------------------------------------------------------


def test_an_elderly_card_makes_an_elderly_ticket_checked_by_the_card(app: Any, client: Any) -> None:
    answer = issue(client, id_qr=ELDER_QR)

    assert answer.status_code == 201, answer.json
    assert answer.json["priority"] == "elderly"
    assert answer.json["priority_source"] == "id_card" and answer.json["birth_year"] == 1950
    assert stored(app, "SELECT priority, priority_source, id_hash, birth_year FROM tickets") == [
        ("elderly", "id_card", id_hash(NUMBER, b"test-secret"), 1950)
    ]


def test_a_young_card_keeps_the_priority_the_visitor_chose(client: Any) -> None:
    pregnant = issue(client, priority="pregnant", id_qr=YOUNG_QR)
    regular = issue(client, id_qr=YOUNG_QR)

    assert pregnant.status_code == regular.status_code == 201
    assert (pregnant.json["priority"], pregnant.json["priority_source"]) == ("pregnant", "kiosk")
    assert (regular.json["priority"], regular.json["priority_source"]) == (None, None)
    assert regular.json["birth_year"] == 1990


def test_an_elderly_card_outranks_a_regular_choice_not_a_declared_one(client: Any) -> None:
    assert issue(client, priority="disabled", id_qr=ELDER_QR).json["priority"] == "elderly"
    assert issue(client, priority="disabled").json["priority_source"] == "kiosk"


def test_the_age_is_the_centers_elderly_age(app: Any, client: Any, admin: dict[str, str]) -> None:
    changed = client.put(
        "/api/admin/priority/policy",
        json={"policy": "limit", "max_in_row": 2, "elderly_age": 80, "reason": "test"},
        headers=admin,
    )
    assert changed.status_code == 200 and changed.json["elderly_age"] == 80

    assert issue(client, id_qr=ELDER_QR).json["priority"] is None  # 76 is under 80


def test_a_clerks_change_of_priority_is_the_clerks(app: Any, client: Any) -> None:
    ticket = issue(client, id_qr=YOUNG_QR).json
    headers = sign_in(client, "an")

    client.post(
        f"/api/tickets/{ticket['id']}/priority",
        json={"priority": "disabled", "reason": "xe lăn"},
        headers=headers,
    )

    assert stored(app, "SELECT priority, priority_source FROM tickets") == [("disabled", "clerk")]


def test_staff_see_who_made_a_ticket_priority(app: Any, client: Any) -> None:
    by_card = issue(client, id_qr=ELDER_QR).json
    headers = sign_in(client, "an")

    seen = client.get(f"/api/tickets/label/{by_card['label']}", headers=headers)

    assert seen.status_code == 200, seen.json
    ticket = seen.json["ticket"]
    assert (ticket["priority"], ticket["priority_source"]) == ("elderly", "id_card")


@pytest.mark.parametrize(
    ("id_qr", "says"),
    [
        (ELDER_QR.replace(NUMBER, NUMBER[:-1]), "12 digits"),
        (ELDER_QR.replace("15031950", "31021950"), "not a real day"),
        (ELDER_QR + "|more", "8 parts"),
        (ELDER_QR * 3, "300 characters"),
        (12345, "QR code"),
    ],
)
def test_a_malformed_card_is_refused_in_words_and_takes_no_number(
    app: Any, client: Any, id_qr: Any, says: str
) -> None:
    answer = issue(client, id_qr=id_qr)

    assert answer.status_code == 400 and answer.json["error"] == "bad_id_qr"
    assert says in answer.json["message"]
    assert NAME not in answer.text and NUMBER[:9] not in answer.text and "Hàng" not in answer.text
    assert issue(client).json["label"] == "A001"


def test_nothing_personal_of_a_card_is_stored_or_logged(
    app: Any, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)

    assert issue(client, id_qr=ELDER_QR).status_code == 201
    assert issue(client, id_qr=ELDER_QR.replace("15031950", "31021950")).status_code == 400
    client.post("/api/counters/1/next", headers=headers)
    client.post("/api/counters/1/finish", headers=headers)

    database = Path(app.config["DATABASE"])
    files = [database, database.with_name(database.name + "-wal")]
    written = b"".join(path.read_bytes() for path in files if path.exists())
    assert b"elderly" in written  # the search reads what the tickets were written to
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    for secret in (NAME, NUMBER, "Hàng Bạc", "15031950", "012345678"):
        assert secret.encode() not in written, secret
        assert secret not in logged, secret


# --- public pushes and pages: whether priority, never why ------------------------------------


@pytest.fixture
def sockets(app: Any, client: Any) -> Any:
    clerk = app.test_client()
    headers = sign_in(clerk, "an")
    display = socketio.test_client(app, namespace="/display")
    counter = socketio.test_client(app, namespace="/counter", flask_test_client=clerk)
    ticket = issue(client, priority="pregnant").json
    track = socketio.test_client(
        app, namespace="/track", query_string=f"token={ticket['track_url'].removeprefix('/t/')}"
    )
    yield {"clerk": (clerk, headers), "display": display, "counter": counter, "track": track}
    for socket, namespace in ((display, "/display"), (counter, "/counter"), (track, "/track")):
        socket.disconnect(namespace=namespace)


def call_the_ticket(sockets: Any) -> None:
    clerk, headers = sockets["clerk"]
    clerk.post("/api/counters/1/open", headers=headers)
    assert clerk.post("/api/counters/1/next", headers=headers).status_code == 200


def test_the_hall_hears_that_a_call_is_priority_not_why(sockets: Any) -> None:
    call_the_ticket(sockets)

    received = received_until(sockets["display"], "/display", "board", count=3)
    called = [event["args"][0] for event in received if event["name"] == "called"]
    boards = [event["args"][0] for event in received if event["name"] == "board"]
    assert [call["priority"] for call in called] == [True]
    assert boards[-1]["calls"][0]["priority"] is True
    assert "pregnant" not in repr(received)


def test_the_phone_hears_its_call_as_priority_not_why(sockets: Any) -> None:
    call_the_ticket(sockets)

    assert [call["priority"] for call in pushed(sockets["track"], "/track", "called")] == [True]


def test_a_display_that_connects_gets_a_board_without_categories(app: Any, sockets: Any) -> None:
    call_the_ticket(sockets)
    late = socketio.test_client(app, namespace="/display")

    boards = pushed(late, "/display", "board")

    assert boards[0]["calls"][0]["priority"] is True
    late.disconnect(namespace="/display")


def test_clerks_keep_the_category(sockets: Any) -> None:
    call_the_ticket(sockets)

    boards = pushed(sockets["counter"], "/counter", "board", count=2)

    assert boards[-1]["calls"][0]["priority"] == "pregnant"


def test_the_track_page_and_api_say_priority_not_why(client: Any) -> None:
    ticket = issue(client, priority="pregnant").json
    token = ticket["track_url"].removeprefix("/t/")

    state = client.get(f"/api/tickets/{token}").json
    page = client.get(f"/t/{token}").text
    english = client.get(f"/t/{token}?lang=en").text

    assert state["priority"] is True and "pregnant" not in repr(state)
    assert "Ưu tiên" in page and "Phụ nữ có thai" not in page and "pregnant" not in page
    assert "Priority" in english and "Pregnant" not in english
    regular = issue(client).json["track_url"].removeprefix("/t/")
    assert client.get(f"/api/tickets/{regular}").json["priority"] is False
