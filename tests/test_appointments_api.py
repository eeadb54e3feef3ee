"""The booking routes over HTTP (design.md section 9): each answer, and each refusal with its code.

The app is the tests' real one on a tmp SQLite file, with the booking center of
tests/test_appointments.py loaded (service D: two visitors per 30-minute slot); the clock stands
on Monday 2026-11-30 at 08:00 in Ho Chi Minh City.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from db import connect
from tests.conftest import Clock, sign_in
from tests.test_appointments import BOOKING_CENTER, HOLIDAY, TUESDAY, at

BOOKING = {
    "service": "D",
    "date": TUESDAY.isoformat(),
    "start": "09:00",
    "name": "Nguyễn Văn An",
    "phone": "0912345678",
}


@pytest.fixture
def client(app: Any) -> Any:
    database = connect(app.config["DATABASE"])
    load_center(database, BOOKING_CENTER)
    database.conn.close()
    return app.test_client()


def booked(client: Any, **changes: Any) -> dict[str, Any]:
    answer = client.post("/api/appointments", json={**BOOKING, **changes})
    assert answer.status_code == 201, answer.json
    return dict(answer.json)


def refusal(answer: Any) -> tuple[int, str]:
    assert set(answer.json) == {"error", "message"} and answer.json["message"]
    return answer.status_code, answer.json["error"]


def test_the_slots_of_a_day_with_their_free_places(client: Any) -> None:
    booked(client)

    answer = client.get(f"/api/appointments/slots?service=D&date={TUESDAY}")

    assert answer.status_code == 200
    assert answer.json[0] == {"start": "07:00", "end": "07:30", "capacity": 2, "free": 2}
    nine = next(slot for slot in answer.json if slot["start"] == "09:00")
    assert nine["free"] == 1


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (f"service=Z&date={TUESDAY}", 404, "unknown_service"),
        (f"service=A&date={TUESDAY}", 404, "no_bookings"),
        ("service=D&date=tomorrow", 400, "bad_date"),
        ("service=D", 400, "bad_date"),
        (f"service=D&date={TUESDAY + timedelta(days=20)}", 409, "too_far"),
        (f"service=D&date={TUESDAY - timedelta(days=2)}", 409, "past"),
    ],
)
def test_slots_refused(client: Any, query: str, status: int, code: str) -> None:
    assert refusal(client.get(f"/api/appointments/slots?{query}")) == (status, code)


def test_a_booking_answers_its_code_and_slot(client: Any) -> None:
    answer = booked(client)

    assert set(answer) == {"code", "service", "date", "start", "end", "status"}
    assert (answer["start"], answer["end"], answer["status"]) == ("09:00", "09:30", "booked")
    assert len(answer["code"]) == 6


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"date": (TUESDAY + timedelta(days=20)).isoformat()}, 409, "too_far"),
        ({"date": HOLIDAY.isoformat()}, 409, "closed"),
        ({"date": (TUESDAY - timedelta(days=1)).isoformat(), "start": "07:30"}, 409, "past"),
        ({"service": "Z"}, 404, "unknown_service"),
        ({"service": "A"}, 404, "no_bookings"),
        ({"start": "09:05"}, 400, "no_such_slot"),
        ({"date": "2026-13-01"}, 400, "bad_date"),
        ({"phone": "hello"}, 400, "bad_phone"),
        ({"phone": "091234"}, 400, "bad_phone"),
        ({"phone": "+1 555 123 4567"}, 400, "bad_phone"),
        ({"name": "A" * 101}, 400, "invalid"),
        ({"name": "   "}, 400, "invalid"),
        ({"id_number": "07912345"}, 400, "bad_id"),
        ({"comment": "hi"}, 400, "invalid"),
    ],
)
def test_a_wrong_booking_is_refused(
    client: Any, changes: dict[str, Any], status: int, code: str
) -> None:
    answer = client.post("/api/appointments", json={**BOOKING, **changes})

    assert refusal(answer) == (status, code)


def test_a_full_slot_and_a_second_booking_of_a_phone_are_refused(client: Any) -> None:
    booked(client, phone="0911111111", id_number="079123456789")
    booked(client, phone="0922222222")

    full = client.post("/api/appointments", json={**BOOKING, "phone": "0933333333"})
    same_phone = client.post(
        "/api/appointments", json={**BOOKING, "start": "10:00", "phone": "+84911111111"}
    )
    same_id = client.post(
        "/api/appointments",
        json={**BOOKING, "start": "10:00", "phone": "0944444444", "id_number": "079123456789"},
    )

    assert refusal(full) == (409, "slot_full")
    assert refusal(same_phone) == (409, "already_booked")
    assert refusal(same_id) == (409, "already_booked")


def test_a_booking_is_found_by_its_code_with_the_name_masked(client: Any) -> None:
    code = booked(client)["code"]

    answer = client.get(f"/api/appointments/{code.lower()}")

    assert answer.status_code == 200
    assert answer.json["name"] == "Ng*** V** A" and "phone" not in answer.json
    assert "0912345678" not in answer.text
    assert refusal(client.get("/api/appointments/ZZZZZZ")) == (404, "unknown_booking")


def test_cancelling_needs_the_bookings_phone(client: Any) -> None:
    code = booked(client)["code"]
    path = f"/api/appointments/{code}/cancel"

    assert refusal(client.post(path, json={"phone": "0999999999"})) == (403, "wrong_phone")
    assert refusal(client.post(path, json={"phone": "12"})) == (400, "bad_phone")
    assert refusal(client.post(path, json={})) == (400, "invalid")
    cancelled = client.post(path, json={"phone": "+84 912 345 678"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert refusal(client.post(path, json={"phone": "0912345678"})) == (409, "cancelled")
    assert refusal(
        client.post("/api/appointments/ZZZZZZ/cancel", json={"phone": "0912345678"})
    ) == (
        404,
        "unknown_booking",
    )


def test_check_in_answers_a_ticket_of_the_service(client: Any, clock: Clock) -> None:
    code = booked(client)["code"]
    path = f"/api/appointments/{code}/check-in"
    at(clock, TUESDAY, "08:29")
    assert refusal(client.post(path, json={})) == (409, "too_early")

    at(clock, TUESDAY, "08:45")
    answer = client.post(path, json={"kiosk": "k1"})

    assert answer.status_code == 201, answer.json
    assert answer.json["label"] == "D001" and answer.json["service"] == "D"
    assert answer.json["appointment"] == code
    assert answer.json["slot"] == {"start": "09:00", "end": "09:30"}
    assert answer.json["track_url"].startswith("/t/") and "print" in answer.json
    assert client.get(answer.json["track_url"]).status_code == 200
    assert refusal(client.post(path, json={})) == (409, "used")
    assert client.get(f"/api/appointments/{code}").json["status"] == "checked_in"


def test_a_check_in_reaches_the_hall_like_any_ticket(app: Any, client: Any, clock: Clock) -> None:
    from realtime import socketio
    from tests.helpers.pushes import payloads, received_until

    code = booked(client)["code"]
    at(clock, TUESDAY, "09:00")
    hall = socketio.test_client(app, namespace="/display", flask_test_client=client)
    hall.get_received("/display")  # the snapshot on connect

    assert client.post(f"/api/appointments/{code}/check-in", json={}).status_code == 201

    boards = payloads(received_until(hall, "/display", "board"), "board")
    assert boards[-1]["waiting"]["D"] == 1
    hall.disconnect(namespace="/display")


def test_check_in_after_the_grace_period_is_expired(client: Any, clock: Clock) -> None:
    code = booked(client)["code"]
    at(clock, TUESDAY, "09:16")

    assert refusal(client.post(f"/api/appointments/{code}/check-in", json={})) == (409, "expired")
    assert client.get(f"/api/appointments/{code}").json["status"] == "expired"


def test_the_id_card_finds_the_holders_booking(client: Any, clock: Clock) -> None:
    from tests.test_identity import ELDER

    code = booked(client, id_number="001050012345")["code"]
    at(clock, TUESDAY, "08:45")

    answer = client.post("/api/appointments/check-in", json={"id_qr": ELDER, "kiosk": "k1"})

    assert answer.status_code == 201, answer.json
    assert answer.json["appointment"] == code and answer.json["label"] == "D001"
    # born in 1950: the card also says the holder is elderly, as a walk-in's card would
    assert answer.json["priority"] == "elderly"
    assert answer.json["priority_source"] == "id_card"
    assert client.get(f"/api/appointments/{code}").json["status"] == "checked_in"
    again = client.post("/api/appointments/check-in", json={"id_qr": ELDER})
    assert refusal(again) == (404, "no_booking")  # used: the card serves for a walk-in now


def test_a_card_without_a_booking_or_not_a_card_is_refused(client: Any, clock: Clock) -> None:
    from tests.test_identity import YOUNG

    booked(client, id_number="001050012345")
    at(clock, TUESDAY, "08:45")
    path = "/api/appointments/check-in"

    assert refusal(client.post(path, json={"id_qr": YOUNG})) == (404, "no_booking")
    assert refusal(client.post(path, json={"id_qr": "not|a|card"})) == (400, "bad_id_qr")
    assert client.post(path, json={}).status_code == 400


def test_a_card_read_at_a_code_check_in_goes_on_the_ticket(client: Any, clock: Clock) -> None:
    from tests.test_identity import ELDER

    code = booked(client)["code"]
    at(clock, TUESDAY, "08:45")

    answer = client.post(f"/api/appointments/{code}/check-in", json={"id_qr": ELDER})

    assert answer.status_code == 201, answer.json
    assert (answer.json["priority"], answer.json["priority_source"]) == ("elderly", "id_card")


def test_the_clerks_list_of_the_day(app: Any, client: Any, clock: Clock) -> None:
    code = booked(client)["code"]
    assert refusal(client.get(f"/api/appointments?date={TUESDAY}")) == (401, "unauthorized")
    headers = sign_in(client, "an")

    listed = client.get(f"/api/appointments?date={TUESDAY}", headers=headers)
    at(clock, TUESDAY, "10:00")
    headers = sign_in(client, "an")  # a new shift
    today = client.get("/api/appointments", headers=headers)

    assert listed.status_code == 200
    assert [(b["code"], b["phone"], b["status"]) for b in listed.json] == [
        (code, "0912345678", "booked")
    ]
    assert [b["status"] for b in today.json] == ["expired"]  # the list expires what is due
    bad = client.get("/api/appointments?date=soon", headers=headers)
    assert refusal(bad) == (400, "bad_date")


def test_admins_set_the_booking_window_and_it_is_audited(
    client: Any, admin: dict[str, str]
) -> None:
    answer = client.put(
        "/api/admin/appointments",
        json={"days_ahead": 30, "early_min": 10, "grace_min": 5, "reason": "Tết"},
        headers=admin,
    )

    assert answer.json == {"days_ahead": 30, "early_min": 10, "grace_min": 5}
    entries = client.get("/api/admin/audit", headers=admin).json["entries"]
    assert entries[0]["action"] == "appointments.update" and entries[0]["reason"] == "Tết"
    far = client.get(f"/api/appointments/slots?service=D&date={TUESDAY + timedelta(days=20)}")
    assert far.status_code == 200
    wrong = client.put("/api/admin/appointments", json={"days_ahead": 0}, headers=admin)
    assert refusal(wrong) == (400, "range")


def test_clerks_may_not_set_the_booking_window(client: Any) -> None:
    headers = sign_in(client, "an")

    answer = client.put("/api/admin/appointments", json={"days_ahead": 3}, headers=headers)

    assert refusal(answer) == (403, "forbidden")


def test_the_public_booking_routes_are_limited_per_address(database_path: Path) -> None:
    from server import create_app

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"}
    )
    database = connect(database_path)
    load_center(database, BOOKING_CENTER)
    database.conn.close()
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/appointments/ABCDEF").status_code == 404
    limited = client.get("/api/appointments/ABCDEF")
    assert refusal(limited) == (429, "rate_limited")
    # the bookings' own count is apart from the lookups'
    answer = client.post("/api/appointments", json={**BOOKING, "date": "2099-01-01"})
    assert answer.status_code == 409


def test_the_booking_page_lists_the_services_that_take_bookings(client: Any) -> None:
    page = client.get("/book/")

    assert page.status_code == 200
    assert "Đặt lịch hẹn" in page.text and '"code": "D"' in page.text
    assert '"code": "A"' not in page.text  # A takes no bookings
    assert "2026-12-14" in page.text and "2026-12-15" not in page.text  # 14 days ahead
    assert "Book a time" in client.get("/book/?lang=en").text


def test_the_qr_code_encodes_booking_codes_only(client: Any) -> None:
    svg = client.get("/book/qr.svg?code=ABCD23")

    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert client.get("/book/qr.svg?code=http://evil.example").status_code == 400
    assert client.get("/book/qr.svg?code=ABCD10").status_code == 400
