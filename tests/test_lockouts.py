"""Sign-in lockouts: wrong passwords lock a name from the address they came from, many names
tried from one address lock it for every name, a success does not wash the count clean, and an
admin sees the locks and lifts them, by name or by address, audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import CLERK_PASSWORD, sign_in
from tests.helpers.passwords import WRONG, try_password


def test_five_wrong_passwords_lock_the_username_for_five_minutes(app: Any, clock: Any) -> None:
    guesser, clerk, other = app.test_client(), app.test_client(), app.test_client()
    for _ in range(5):
        assert try_password(guesser, "an", WRONG).status_code == 401
    locked = try_password(clerk, "an", CLERK_PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert locked.json["error"] == "too_many_failures"
    assert "5 minute" in locked.json["message"]
    assert locked.headers["Retry-After"] == "300"
    assert try_password(other, "binh", CLERK_PASSWORD).status_code == 200  # only that name

    clock.advance(minutes=4)
    assert try_password(clerk, "an", CLERK_PASSWORD).status_code == 429
    assert try_password(guesser, "an", WRONG).status_code == 429  # refused, and not counted
    clock.advance(minutes=1)
    assert try_password(clerk, "an", CLERK_PASSWORD).status_code == 200


def test_an_unknown_username_locks_the_same_way(client: Any) -> None:
    answers = [try_password(client, "ghost", WRONG) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [401] * 5 + [429]
    assert answers[-1].json["error"] == "too_many_failures"


def test_failures_count_within_ten_minutes_and_a_success_clears_them(
    client: Any, clock: Any
) -> None:
    for _ in range(4):
        assert try_password(client, "an", WRONG).status_code == 401
    clock.advance(minutes=10)
    for _ in range(4):
        assert try_password(client, "an", WRONG).status_code == 401
    assert try_password(client, "an", CLERK_PASSWORD).status_code == 200
    for _ in range(4):
        assert try_password(client, "an", WRONG).status_code == 401
    assert try_password(client, "an", CLERK_PASSWORD).status_code == 200


def test_a_locked_username_keeps_the_session_it_has(app: Any) -> None:
    clerk, guesser = app.test_client(), app.test_client()
    sign_in(clerk, "an")
    for _ in range(6):
        try_password(guesser, "an", WRONG)
    assert try_password(guesser, "an", CLERK_PASSWORD).status_code == 429
    assert clerk.get("/api/counters/1").status_code == 200


def test_one_address_gets_ten_tries_a_minute(database_path: Any) -> None:
    from server import create_app

    app = create_app({"TESTING": True, "DATABASE": str(database_path), "SECRET_KEY": "s"})
    client = app.test_client()
    statuses = [try_password(client, f"name{n}", WRONG).status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    answer = try_password(client, "other", WRONG)
    assert answer.status_code == 429 and answer.json["error"] == "rate_limited"


# ---- lockouts by name and address --------------------------------------------------------------


def from_address(app: Any, address: str) -> Any:
    device = app.test_client()
    device.environ_base["REMOTE_ADDR"] = address
    return device


def test_a_strangers_wrong_passwords_lock_the_name_from_his_address_only(
    app: Any, clock: Any
) -> None:
    """Was: five wrong passwords every five minutes kept `an` locked for everyone, all day."""
    stranger, counter_pc = from_address(app, "10.0.0.66"), from_address(app, "10.0.0.5")
    for _round in range(3):  # each time the lock lapses, the stranger locks it again
        for _ in range(5):
            assert try_password(stranger, "an", WRONG).status_code == 401
        assert try_password(stranger, "an", CLERK_PASSWORD).status_code == 429
        assert try_password(counter_pc, "an", CLERK_PASSWORD).status_code == 200
        clock.advance(minutes=5)


def test_an_address_trying_many_names_is_locked_for_every_name(app: Any, clock: Any) -> None:
    stranger, counter_pc = from_address(app, "10.0.0.66"), from_address(app, "10.0.0.5")
    statuses = [try_password(stranger, f"name{n}", WRONG).status_code for n in range(20)]
    assert statuses == [401] * 20
    answer = try_password(stranger, "an", CLERK_PASSWORD)  # a name it never tried
    assert answer.status_code == 429 and "from this device" in answer.json["message"]
    assert answer.headers["Retry-After"] == "900"
    assert try_password(counter_pc, "an", CLERK_PASSWORD).status_code == 200
    clock.advance(minutes=15)
    assert try_password(stranger, "an", CLERK_PASSWORD).status_code == 200


def test_a_success_does_not_wash_an_addresses_count_clean(app: Any) -> None:
    stranger = from_address(app, "10.0.0.66")
    for round_ in range(4):
        for n in range(5 if round_ < 3 else 4):
            assert try_password(stranger, f"x{round_}{n}", WRONG).status_code == 401
        assert try_password(stranger, "binh", CLERK_PASSWORD).status_code == 200
    assert try_password(stranger, "ghost", WRONG).status_code == 401  # the 20th failure
    assert try_password(stranger, "binh", CLERK_PASSWORD).status_code == 429


def test_an_admin_sees_the_locks_and_unlocks_a_name_and_it_is_audited(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    first, second = from_address(app, "10.0.0.66"), from_address(app, "10.0.0.67")
    for device in (first, second):
        for _ in range(5):
            try_password(device, "an", WRONG)
    for n in range(15):  # with its 5 on `an`, the address's 20th failure locks it
        try_password(first, f"name{n}", WRONG)
    locks = client.get("/api/admin/lockouts").json
    assert {(lock["username"], lock["address"]) for lock in locks} == {
        ("an", "10.0.0.66"),
        ("an", "10.0.0.67"),
        (None, "10.0.0.66"),
    }
    assert all(0 < lock["locked_for_s"] <= 900 for lock in locks)

    answer = client.post("/api/admin/users/an/unlock", json={"reason": "an forgot"}, headers=admin)
    assert answer.status_code == 200, answer.json
    assert answer.json == {"username": "an", "unlocked_from": ["10.0.0.66", "10.0.0.67"]}
    assert try_password(second, "an", CLERK_PASSWORD).status_code == 200
    assert try_password(first, "an", CLERK_PASSWORD).status_code == 429  # the address stays
    audit = client.get("/api/admin/audit?kind=users").json
    entries = audit["entries"] if isinstance(audit, dict) else audit
    unlock = next(entry for entry in entries if entry["action"] == "user.unlock")
    assert (unlock["actor"], unlock["target"], unlock["reason"]) == ("root", "an", "an forgot")
    assert unlock["details"]["before"]["locked_from"] == ["10.0.0.66", "10.0.0.67"]


def audit_entries(client: Any) -> list[dict[str, Any]]:
    audit = client.get("/api/admin/audit?kind=users").json
    return list(audit["entries"] if isinstance(audit, dict) else audit)


def lock_the_address(device: Any) -> None:
    """Five wrong passwords on `an` (locking the name from here), then fifteen other names: the
    address's 20th failure locks it for every name."""
    for _ in range(5):
        try_password(device, "an", WRONG)
    for n in range(15):
        try_password(device, f"name{n}", WRONG)


def test_an_admin_lifts_an_address_lock_and_it_is_audited_while_its_name_locks_stay(
    app: Any, client: Any, admin: dict[str, str], clock: Any
) -> None:
    hall_pc = from_address(app, "10.0.0.66")
    lock_the_address(hall_pc)
    assert try_password(hall_pc, "binh", CLERK_PASSWORD).status_code == 429
    listed = client.get("/api/admin/lockouts").json
    address_lock = next(lock for lock in listed if lock["username"] is None)
    ends = datetime.fromisoformat(address_lock["locked_until"])
    assert ends == clock() + timedelta(minutes=15)

    answer = client.post(
        "/api/admin/lockouts/unlock",
        json={"address": "10.0.0.66", "reason": "the hall PC"},
        headers=admin,
    )

    assert answer.status_code == 200, answer.json
    assert answer.json == {
        "address": "10.0.0.66",
        "was_locked": True,
        "locked_until": address_lock["locked_until"],
    }
    assert try_password(hall_pc, "binh", CLERK_PASSWORD).status_code == 200
    assert try_password(hall_pc, "an", CLERK_PASSWORD).status_code == 429  # its name lock stays
    remaining = {
        (lock["username"], lock["address"]) for lock in client.get("/api/admin/lockouts").json
    }
    assert remaining == {("an", "10.0.0.66")}
    entries = audit_entries(client)
    lifted = [entry for entry in entries if entry["action"] == "user.unlock_address"]
    assert [(e["actor"], e["target"], e["reason"]) for e in lifted] == [
        ("root", "10.0.0.66", "the hall PC")
    ]
    assert lifted[0]["details"]["before"]["locked_until"] == address_lock["locked_until"]
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "Gỡ khóa đăng nhập của thiết bị" in audit_page and "10.0.0.66" in audit_page

    again = client.post("/api/admin/lockouts/unlock", json={"address": "10.0.0.66"}, headers=admin)
    assert again.json == {"address": "10.0.0.66", "was_locked": False, "locked_until": None}
    entries = audit_entries(client)
    assert len([e for e in entries if e["action"] == "user.unlock_address"]) == 1


def test_a_lifted_address_starts_counting_again_from_nothing(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    hall_pc = from_address(app, "10.0.0.66")
    lock_the_address(hall_pc)
    client.post("/api/admin/lockouts/unlock", json={"address": "10.0.0.66"}, headers=admin)
    for n in range(19):  # the old count is gone: nineteen more are not twenty
        assert try_password(hall_pc, f"other{n}", WRONG).status_code == 401
    assert try_password(hall_pc, "binh", CLERK_PASSWORD).status_code == 200


@pytest.mark.parametrize("address", ["", "10.0.0.66; rm", "x" * 65, "10.0.0.*"])
def test_an_address_to_unlock_must_look_like_one(
    client: Any, admin: dict[str, str], address: str
) -> None:
    answer = client.post("/api/admin/lockouts/unlock", json={"address": address}, headers=admin)
    assert answer.status_code == 400
    assert client.post("/api/admin/lockouts/unlock", json={}, headers=admin).status_code == 400


def test_only_an_admin_unlocks_and_only_a_real_account(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    clerk = app.test_client()
    headers = sign_in(clerk, "an")
    assert clerk.post("/api/admin/users/binh/unlock", json={}, headers=headers).status_code == 403
    assert clerk.get("/api/admin/lockouts").status_code == 403
    answer = clerk.post(
        "/api/admin/lockouts/unlock", json={"address": "10.0.0.66"}, headers=headers
    )
    assert answer.status_code == 403
    answer = client.post("/api/admin/users/ghost/unlock", json={}, headers=admin)
    assert answer.status_code == 404


def test_the_staff_accounts_page_shows_a_locked_name_with_its_unlock_button(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    stranger = from_address(app, "10.0.0.66")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "/api/admin/users/an/unlock" not in page
    for _ in range(5):
        try_password(stranger, "an", WRONG)
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'data-action-url="/api/admin/users/an/unlock"' in page
    assert "/api/admin/users/binh/unlock" not in page
    assert 'title="10.0.0.66"' in page


def test_the_staff_accounts_page_lists_the_locks_with_their_ends_and_unlock_buttons(
    app: Any, client: Any, admin: dict[str, str], clock: Any
) -> None:
    assert 'id="sign-in-locks"' not in client.get("/admin/users").get_data(as_text=True)
    lock_the_address(from_address(app, "10.0.0.66"))

    page = client.get("/admin/users").get_data(as_text=True)

    assert 'id="sign-in-locks"' in page and "Các khóa đăng nhập đang áp dụng" in page
    assert 'data-action-url="/api/admin/lockouts/unlock"' in page
    assert 'data-action-body=\'{"address": "10.0.0.66"}\'' in page
    ends = (clock() + timedelta(minutes=15)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"<td>{ends:%H:%M}</td>" in page
    assert "Mọi tên đăng nhập" in page
