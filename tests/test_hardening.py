"""What a stranger on the hall Wi-Fi, or a careless install, must not get away with: bodies
built to cost, periods beyond the calendar, a guessable secret key, a database anyone on the PC
can read. (The same abuse against a real gunicorn, timed: tests/test_abuse.py.)"""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from db import connect
from harness.server import ROOT, flask_command, serve
from security import BadPacketLog, WeakSecretKey
from server import create_app
from tests.conftest import SMALL_CENTER, sign_in

PUBLIC_POSTS = (
    "/api/tickets",
    "/api/tickets/dossier",
    "/api/ratings",
    "/api/appointments",
    "/api/session",
)

DEMO_CENTER = ROOT / "centers" / "can-tho.toml"
EDGES = ("from=0001-01-01&to=9999-12-31", "from=9999-12-31&to=9999-12-31", "from=0001-01-01")


# ---- bodies built to cost --------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_POSTS)
def test_a_body_of_90000_unknown_keys_is_refused_before_it_is_read(client: Any, path: str) -> None:
    body = json.dumps({f"{i:x}": 0 for i in range(90_000)}, separators=(",", ":"))
    answer = client.post(path, data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json == {
        "error": "invalid",
        "message": "The body holds more than 4096 keys and items; no request needs so many.",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"service": "A", "k": [[0] * 10] * 500},  # 5,000 values, few commas: counted when read
        {"service": "A", "k": [[[[[[[[[[[]]]]]]]]]]]},  # 11 levels
    ],
)
def test_a_body_too_large_or_too_deep_in_shape_is_refused(client: Any, body: Any) -> None:
    answer = client.post("/api/tickets", json=body)
    assert answer.status_code == 400
    assert answer.json["message"].startswith("The body ")


def test_a_bad_value_is_quoted_in_at_most_500_characters(client: Any) -> None:
    answer = client.post("/api/tickets", json={"service": "A", "priority": "x" * 900_000})
    assert answer.status_code == 400
    assert len(answer.json["message"]) <= 500  # was 900 kB: the value quoted whole
    assert answer.json["message"].startswith("priority")


def test_the_largest_real_body_is_still_taken(client: Any, admin: dict[str, str]) -> None:
    holidays = [
        {"date": f"2027-{month:02}-{day:02}", "name": f"Nghỉ lễ, ngày {day}"}
        for month in range(1, 13)
        for day in range(1, 29)
    ]
    answer = client.put("/api/admin/holidays", json={"holidays": holidays}, headers=admin)
    assert answer.status_code == 200, answer.json


# ---- periods beyond the calendar -------------------------------------------------------------


@pytest.mark.parametrize("query", EDGES)
def test_the_audit_log_refuses_days_beyond_the_calendar_with_a_message(
    client: Any, query: str
) -> None:
    sign_in(client, "chi")
    answer = client.get(f"/api/admin/audit?{query}")
    assert answer.status_code == 400, answer.json  # was 500: OverflowError
    assert answer.json["error"] == "invalid"
    assert "1970-01-01" in answer.json["message"]


@pytest.mark.parametrize("path", ["summary", "summary.csv", "staffing"])
@pytest.mark.parametrize("query", EDGES)
def test_the_reports_refuse_days_beyond_the_calendar_alike(
    client: Any, path: str, query: str
) -> None:
    sign_in(client, "chi")
    answer = client.get(f"/api/reports/{path}?{query}")
    assert answer.status_code == 400, answer.json
    assert answer.json["error"] == "bad_date"


def test_the_last_and_first_days_allowed_still_answer(client: Any) -> None:
    sign_in(client, "chi")
    assert client.get("/api/admin/audit?from=1970-01-01&to=9998-12-31").status_code == 200
    assert client.get("/api/reports/summary?from=9998-12-31&to=9998-12-31").status_code == 200


# ---- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "s3cret",
        "correct-horse-battery",
        "a" * 64,
        "ab" * 32,
        "0123456" * 5,
        "change-me-to-a-long-random-string-please",
        "your-secret-key-here-0123456789abcdef",
    ],
)
def test_a_guessable_secret_key_stops_the_server_from_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("QMS_SECRET_KEY", key)
    with pytest.raises(WeakSecretKey, match="(?s)QMS_SECRET_KEY .*secrets.token_hex"):
        create_app({"DATABASE": str(tmp_path / "qms.db")})


def test_a_random_secret_key_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    monkeypatch.setenv("QMS_SECRET_KEY", key)
    assert create_app({"DATABASE": str(tmp_path / "qms.db")}).config["SECRET_KEY"] == key


def test_a_test_apps_own_key_is_not_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_SECRET_KEY", "short")
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "q.db"), "SECRET_KEY": "t"})
    assert app.config["SECRET_KEY"] == "t"


@pytest.mark.slow
def test_gunicorn_refuses_to_start_with_a_weak_key_and_says_why(tmp_path: Path) -> None:
    flask_command(tmp_path / "qms.db", "load-config", str(DEMO_CENTER))
    with (
        pytest.raises(RuntimeError, match="QMS_SECRET_KEY is 8 characters long"),
        serve(tmp_path / "qms.db", tmp_path / "gunicorn.log", QMS_SECRET_KEY="password"),
    ):
        pass


# ---- files only the server's user may read ----------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_files_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh" / "qms.db"
    database = connect(path)
    database.execute("CREATE TABLE t (x)")
    database.execute("INSERT INTO t VALUES (1)")
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    try:
        assert {file.name: oct(mode(file)) for file in files} == {
            file.name: "0o600" for file in files
        }  # was 0o644: the password hashes readable by every account on the PC
    finally:
        database.conn.close()


def test_opening_an_existing_database_leaves_its_mode_alone(tmp_path: Path) -> None:
    path = tmp_path / "qms.db"
    connect(path).conn.close()
    path.chmod(0o640)  # an admin's own choice, e.g. for a backup group
    connect(path).conn.close()
    assert mode(path) == 0o640


def test_the_generated_secret_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    from server import _instance_secret

    key = _instance_secret(tmp_path / "instance")
    assert len(key) == 64
    assert mode(tmp_path / "instance" / "secret_key") == 0o600


# ---- malformed socket packets in the log ------------------------------------------------------


def record_of(error: BaseException) -> logging.LogRecord:
    return logging.LogRecord(
        "engineio.server",
        logging.ERROR,
        __file__,
        1,
        "message handler error",
        None,
        (type(error), error, error.__traceback__),
    )


def packet_error() -> BaseException:
    from socketio.packet import Packet

    try:
        Packet(encoded_packet="2/display,not json")
    except ValueError as error:
        return error
    raise AssertionError("the packet was taken")


def test_a_malformed_packet_is_logged_as_one_line_a_few_times_a_minute() -> None:
    now = [0.0]
    log = BadPacketLog(per_minute=3, clock=lambda: now[0])
    records = [record_of(packet_error()) for _ in range(5)]
    kept = [log.filter(record) for record in records]
    assert kept == [True, True, True, False, False]
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None
    assert records[0].getMessage().startswith("refused a malformed Socket.IO packet: JSONDecode")
    now[0] = 61.0
    later = record_of(packet_error())
    assert log.filter(later)
    assert "(2 more in the minute before were not logged)" in later.getMessage()


def test_an_error_in_our_own_handler_keeps_its_traceback() -> None:
    try:
        raise KeyError("a bug of ours")
    except KeyError as error:
        record = record_of(error)
    assert BadPacketLog().filter(record)
    assert record.exc_info is not None and record.levelno == logging.ERROR


# ---- one address cannot empty a day's quota ---------------------------------------------------


@pytest.fixture
def capped(database_path: Path, clock: Any) -> Any:
    """An app with the ticket door's limits on: 1,000 a minute, 5 a day per client."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(database_path),
            "SECRET_KEY": "test-secret",
            "TICKET_RATE_LIMIT": "1000/minute",
            "TICKET_DAILY_LIMIT": 5,
        }
    )
    app.extensions["qms.clock"] = clock
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    database.conn.close()
    return app


def take(app: Any, address: str, count: int, **headers: str) -> list[int]:
    device = app.test_client()
    device.environ_base["REMOTE_ADDR"] = address
    return [
        device.post("/api/tickets", json={"service": "A"}, headers=headers).status_code
        for _ in range(count)
    ]


def test_one_address_takes_at_most_the_days_cap_of_tickets(capped: Any) -> None:
    """Was: 150 tickets in 5 minutes from one address, a service's whole daily quota."""
    stranger = capped.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    answers = [stranger.post("/api/tickets", json={"service": "A"}) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [201] * 5 + [429]
    assert answers[-1].json["error"] == "daily_limit"
    assert "information desk" in answers[-1].json["message"]
    assert take(capped, "10.0.0.67", 1) == [201]  # the next visitor's phone, or a kiosk


def test_a_paired_device_is_counted_by_its_own_key_not_its_address(capped: Any) -> None:
    from tests.helpers.paired import HEADER, pair

    first, second = pair(capped, "tablet", 1), pair(capped, "tablet", 2)  # behind one router
    assert take(capped, "10.0.0.5", 5, **{HEADER: first}) == [201] * 5
    assert take(capped, "10.0.0.5", 2, **{HEADER: second}) == [201] * 2
    assert take(capped, "10.0.0.5", 1, **{HEADER: first}) == [429]


def test_the_daily_cap_is_lifted_by_off_and_for_integration_tokens(
    capped: Any, database_path: Path, clock: Any
) -> None:
    from core.users import create_token

    database = connect(database_path)
    token = create_token(database, "dossier", role="clerk", now=clock())
    database.conn.close()
    bearer = {"Authorization": f"Bearer {token}"}
    assert take(capped, "10.0.0.8", 7, **bearer) == [201] * 7
    capped.config["TICKET_DAILY_LIMIT"] = "off"
    assert take(capped, "10.0.0.9", 7) == [201] * 7


@pytest.mark.parametrize("value", ["lots", "0", "-5", "10/day"])
def test_a_daily_cap_that_is_not_a_number_stops_the_server_from_starting(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(ValueError, match="QMS_TICKET_DAILY_LIMIT must be a whole number"):
        create_app(
            {"TESTING": True, "DATABASE": str(tmp_path / "q.db"), "TICKET_DAILY_LIMIT": value}
        )
