"""Staff accounts and integration tokens: who may sign in, and what the database keeps."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import Conflict, InvalidInput, NotFound
from core.users import (
    User,
    authenticate,
    check_password,
    create_token,
    create_user,
    get_user,
    set_password,
    user_for_token,
)

PASSWORD = "mật-khẩu-dài"


def stored_hash(db: Database, username: str) -> str:
    return db.execute("SELECT password_hash FROM users WHERE username = ?", [username]).fetchone()[
        0
    ]


def test_create_user_stores_the_account_with_a_hashed_password(db: Database, clock: Any) -> None:
    user = create_user(db, "lan.nguyen", role="clerk", password=PASSWORD, now=clock())

    assert user == User(username="lan.nguyen", role="clerk", active=True, session_version=1)
    assert get_user(db, "lan.nguyen") == user
    stored = stored_hash(db, "lan.nguyen")
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored
    assert check_password(stored, PASSWORD) and not check_password(stored, PASSWORD + "x")


def test_two_users_with_one_password_get_different_hashes(db: Database, clock: Any) -> None:
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())
    create_user(db, "mai", role="clerk", password=PASSWORD, now=clock())

    assert stored_hash(db, "lan") != stored_hash(db, "mai")


@pytest.mark.parametrize("username", ["L", "Lan", "lan anh", "lan/1", "nguyễn", "x" * 33, ""])
def test_create_user_refuses_a_bad_username(db: Database, clock: Any, username: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_user(db, username, role="clerk", password=PASSWORD, now=clock())

    assert refused.value.code == "bad_username"
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_create_user_refuses_a_password_under_eight_characters(db: Database, clock: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_user(db, "lan", role="clerk", password="1234567", now=clock())

    assert refused.value.code == "weak_password"
    assert create_user(db, "lan", role="clerk", password="12345678", now=clock()).username == "lan"


def test_create_user_refuses_an_unknown_role(db: Database, clock: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_user(db, "lan", role="root", password=PASSWORD, now=clock())

    assert refused.value.code == "bad_role"


def test_create_user_refuses_a_username_taken_already(db: Database, clock: Any) -> None:
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())

    with pytest.raises(Conflict) as refused:
        create_user(db, "lan", role="admin", password="another-one", now=clock())

    assert refused.value.code == "user_exists"
    assert get_user(db, "lan").role == "clerk"
    assert authenticate(db, "lan", PASSWORD) is not None


def test_authenticate_gives_the_user_for_the_right_password(db: Database, clock: Any) -> None:
    create_user(db, "sup", role="supervisor", password=PASSWORD, now=clock())

    assert authenticate(db, "sup", PASSWORD) == User("sup", "supervisor", True, 1)


@pytest.mark.parametrize(
    ("username", "password"),
    [("sup", "wrong-password"), ("sup", ""), ("nobody", PASSWORD), ("SUP", PASSWORD)],
)
def test_authenticate_refuses_a_wrong_password_or_an_unknown_user(
    db: Database, clock: Any, username: str, password: str
) -> None:
    create_user(db, "sup", role="supervisor", password=PASSWORD, now=clock())

    assert authenticate(db, username, password) is None


def test_authenticate_refuses_a_disabled_user(db: Database, clock: Any) -> None:
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())
    db.execute("UPDATE users SET active = 0 WHERE username = 'lan'")

    assert authenticate(db, "lan", PASSWORD) is None
    assert get_user(db, "lan").active is False


def test_set_password_bumps_the_session_version_and_the_old_password_fails(
    db: Database, clock: Any
) -> None:
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())

    user = set_password(db, "lan", "mật-khẩu-mới")

    assert user.session_version == 2
    assert authenticate(db, "lan", PASSWORD) is None
    assert authenticate(db, "lan", "mật-khẩu-mới") == user
    assert set_password(db, "lan", "third-password").session_version == 3


def test_set_password_refuses_a_weak_password_and_keeps_the_old_one(
    db: Database, clock: Any
) -> None:
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())

    with pytest.raises(InvalidInput) as refused:
        set_password(db, "lan", "short")

    assert refused.value.code == "weak_password"
    assert authenticate(db, "lan", PASSWORD) == User("lan", "clerk", True, 1)


def test_set_password_of_an_unknown_user_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        set_password(db, "nobody", PASSWORD)


def test_check_password_refuses_a_malformed_hash() -> None:
    assert check_password("not-a-hash", PASSWORD) is False
    assert check_password("scrypt:x:8:1$salt$00", PASSWORD) is False


def test_a_token_signs_in_as_its_name_and_role(db: Database, clock: Any) -> None:
    token = create_token(db, "call-button", role="clerk", now=clock())

    assert len(token) >= 40
    assert user_for_token(db, token) == User("token:call-button", "clerk", True, 0)
    assert user_for_token(db, token[:-1]) is None
    assert user_for_token(db, "") is None


def test_only_the_hash_of_a_token_is_stored(db: Database, clock: Any) -> None:
    token = create_token(db, "dossiers", role="supervisor", now=clock())

    rows = db.execute("SELECT * FROM api_tokens").fetchall()

    assert len(rows) == 1
    assert rows[0][0] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in rows[0])


def test_two_tokens_differ(db: Database, clock: Any) -> None:
    first = create_token(db, "button-1", role="clerk", now=clock())
    second = create_token(db, "button-2", role="clerk", now=clock())

    assert first != second
    assert user_for_token(db, second) == User("token:button-2", "clerk", True, 0)


def test_create_token_refuses_a_taken_name_a_bad_name_and_a_bad_role(
    db: Database, clock: Any
) -> None:
    create_token(db, "button", role="clerk", now=clock())

    with pytest.raises(Conflict) as taken:
        create_token(db, "button", role="clerk", now=clock())
    with pytest.raises(InvalidInput) as bad_name:
        create_token(db, "Call Button", role="clerk", now=clock())
    with pytest.raises(InvalidInput) as bad_role:
        create_token(db, "printer", role="robot", now=clock())

    assert (taken.value.code, bad_name.value.code, bad_role.value.code) == (
        "token_exists",
        "bad_name",
        "bad_role",
    )
    assert db.execute("SELECT count(*) FROM api_tokens").fetchone()[0] == 1


def test_unknown_and_known_names_cost_one_scrypt_each(
    db: Database, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown name must not answer faster or slower: timing would tell who has an account."""
    import core.users

    create_user(db, "lan", role="clerk", password="right-password", now=clock())
    authenticate(db, "nobody", "warm-up")  # the decoy hash is made once, at the first unknown
    calls: list[str] = []
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args: Any, **kwargs: Any) -> bytes:
        calls.append("scrypt")
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(core.users.hashlib, "scrypt", counting_scrypt)
    authenticate(db, "lan", "wrong-password")
    known = len(calls)
    authenticate(db, "nobody", "wrong-password")
    assert known == 1 and len(calls) - known == 1
