"""Dossier codes (mã hồ sơ): a center's pattern refused when it could run long, a code read at
the finish and carried by the ticket, its events and its rating, and the kiosk's ticket for a
visitor back for the result (POST /api/tickets/dossier)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from core.center import get_center, load_center
from core.dossiers import MAX_VARYING, check_pattern, dossier_service, read_dossier
from core.errors import CenterFileError, InvalidInput, NotFound
from core.events import ticket_events
from core.ratings import rate_ticket
from core.serving import finish
from tests.conftest import SMALL_CENTER, sign_in
from tests.helpers.queues import serving_at_counter_1

CODE = "000.00.12.H13-261205-0001"
PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$"


def use_pattern(db: Database, pattern: str | None) -> None:
    db.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('dossier_pattern', ?)",
        [pattern or ""],
    )


# ---- the pattern ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [PATTERN, r"[A-Z0-9.-]+", r"H\d{2}(-\d+)?", r"(\d{2}\.)+\d+", r"^(\d{3}|H\d{2})-\d+$"],
)
def test_patterns_that_cannot_run_long_are_taken(pattern: str) -> None:
    assert check_pattern(pattern).pattern == pattern


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(a+)+$", "repeats inside a repetition"),
        (r"(\d*)*x", "repeats inside a repetition"),
        (r"(ab|a)+", "repeats alternatives"),
        (r"(\d)\1", "back-references"),
        (r"(?=\d)\d+", "look-arounds"),
        (r"\d*" * (MAX_VARYING + 1), f"at most {MAX_VARYING}"),
        (r"(\d+){30}", "30 parts of varying length"),
        (r"[0-9", "is not a valid regular expression"),
        ("x" * 201, "longer than 200"),
    ],
)
def test_patterns_that_could_backtrack_without_end_are_refused_saying_why(
    pattern: str, why: str
) -> None:
    with pytest.raises(ValueError) as refused:
        check_pattern(pattern)
    assert why in str(refused.value)


def test_a_center_file_with_a_bad_pattern_is_refused_naming_the_key_and_changes_nothing(
    db: Database,
) -> None:
    bad = {**SMALL_CENTER, "center": {**SMALL_CENTER["center"], "dossier_pattern": "(a+)+$"}}
    with pytest.raises(CenterFileError) as refused:
        load_center(db, bad)
    assert "dossier_pattern" in refused.value.message
    assert "repeats inside a repetition" in refused.value.message
    assert get_center(db).dossier_pattern is None


# ---- reading a code ---------------------------------------------------------------------------


def test_a_code_is_trimmed_blank_is_none_and_the_pattern_must_match_whole() -> None:
    assert read_dossier(f"  {CODE}\n", None) == CODE
    assert read_dossier("   ", PATTERN) is None and read_dossier(None, PATTERN) is None
    assert read_dossier(CODE, PATTERN) == CODE
    for wrong in (CODE + "9", "X" + CODE, "000.00.12.H13-261205"):
        with pytest.raises(InvalidInput) as refused:
            read_dossier(wrong, PATTERN)
        assert refused.value.code == "bad_dossier"


@pytest.mark.parametrize("text", ["a" * 65, "HS 001", "HS<script>", "mã-hồ-sơ", "x\x00y"])
def test_a_code_beyond_64_plain_characters_is_refused_even_without_a_pattern(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_dossier(text, None)
    assert refused.value.code == "bad_dossier"


# ---- the finish carries it --------------------------------------------------------------------


def test_the_code_given_at_the_finish_reaches_the_ticket_its_event_and_its_rating(
    db: Database, clock: Any
) -> None:
    use_pattern(db, PATTERN)
    serving_at_counter_1(db, clock)
    with pytest.raises(InvalidInput):
        finish(db, 1, clerk="lan", now=clock(), dossier="HS-1")  # not this center's codes
    done = finish(db, 1, clerk="lan", now=clock(), dossier=f" {CODE} ")
    assert done.dossier == CODE
    assert ticket_events(db, done.id)[-1]["data"] == {"dossier": CODE}
    rating = rate_ticket(db, done.id, 1, None, now=clock(), reasons=["papers_unclear"])
    assert rating.dossier == CODE
    rated = ticket_events(db, done.id)[-1]
    assert (rated["kind"], rated["data"]["dossier"], rated["data"]["low"]) == ("rated", CODE, True)
    assert dossier_service(db, CODE) == "A"
    with pytest.raises(NotFound):
        dossier_service(db, "000.00.12.H13-261205-0002")


def test_the_finish_answers_400_for_a_code_not_of_the_center_and_keeps_the_ticket(
    app: Any, client: Any
) -> None:
    from db import connect

    database = connect(app.config["DATABASE"])
    use_pattern(database, PATTERN)
    database.conn.close()
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=headers)
    refused = client.post("/api/counters/1/finish", json={"dossier": "HS-1"}, headers=headers)
    assert (refused.status_code, refused.json["error"]) == (400, "bad_dossier")
    too_long = client.post("/api/counters/1/finish", json={"dossier": "1" * 65}, headers=headers)
    assert too_long.status_code == 400
    assert client.get("/api/counters/1", headers=headers).json["ticket"]["status"] == "called"
    done = client.post("/api/counters/1/finish", json={"dossier": CODE}, headers=headers)
    assert done.status_code == 200 and done.json["ticket"]["dossier"] == CODE


# ---- the kiosk: back for the result -----------------------------------------------------------


def finished_with(client: Any, service: str, code: str) -> dict[str, Any]:
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    issued = client.post("/api/tickets", json={"service": service}).json
    client.post("/api/counters/1/next", headers=headers)
    answer = client.post("/api/counters/1/finish", json={"dossier": code}, headers=headers)
    assert answer.status_code == 200
    return dict(issued)


def test_a_receipt_scanned_at_the_kiosk_gives_a_ticket_of_the_service_that_took_it(
    app: Any, client: Any
) -> None:
    received = finished_with(client, "B", CODE)
    kiosk = app.test_client()
    answer = kiosk.post("/api/tickets/dossier", json={"dossier": f"{CODE}\n", "kiosk": "k1"})
    assert answer.status_code == 201
    ticket = answer.json
    assert (ticket["service"], ticket["dossier"], ticket["label"]) == ("B", CODE, "B002")
    assert ticket["track_url"].startswith("/t/")
    # nothing of the visit that handed the dossier in: not its label, clerk or time
    assert received["label"] not in answer.get_data(as_text=True)
    assert "an" not in {str(value) for value in ticket.values()}
    # the new ticket carries the code to the counter, which finishes with it by default
    headers = sign_in(client, "an")
    client.post("/api/counters/1/next", headers=headers)
    held = client.get("/api/counters/1", headers=headers).json["ticket"]
    assert (held["label"], held["dossier"]) == ("B002", CODE)
    done = client.post("/api/counters/1/finish", json={}, headers=headers).json["ticket"]
    assert done["dossier"] == CODE


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"dossier": "000.00.12.H13-261205-0404"}, 404, "unknown_dossier"),
        ({"dossier": "   "}, 400, "bad_dossier"),
        ({"dossier": "HS 1"}, 400, "bad_dossier"),
        ({"dossier": "1" * 65}, 400, "invalid"),
        ({"dossier": 42}, 400, "invalid"),
        ({}, 400, "invalid"),
        ({"dossier": CODE, "service": "A"}, 400, "invalid"),
    ],
)
def test_the_kiosk_door_refuses_unknown_and_malformed_codes(
    app: Any, client: Any, body: dict[str, Any], status: int, error: str
) -> None:
    finished_with(client, "A", CODE)
    answer = app.test_client().post("/api/tickets/dossier", json=body)
    assert (answer.status_code, answer.json["error"]) == (status, error)


def test_the_kiosk_door_is_rate_limited_like_the_ticket_door(database_path: Any) -> None:
    from db import connect
    from server import create_app

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"}
    )
    load_center(connect(database_path), SMALL_CENTER)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/tickets/dossier", json={"dossier": CODE}).status_code == 404
    limited = client.post("/api/tickets/dossier", json={"dossier": CODE})
    assert (limited.status_code, limited.json["error"]) == (429, "rate_limited")
