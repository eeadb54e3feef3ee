"""Staff accounts as an admin manages them: audited, never logging a password, and never
locking the center out of its own administration."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.configuration import Change
from core.configuration.staff import (
    add_user,
    change_role,
    list_users,
    reset_password,
    set_user_active,
)
from core.errors import Conflict, InvalidInput, NotFound, QueueError
from core.users import authenticate, create_user, get_user
from tests.helpers.configuration import refused

PASSWORD = "first-password-1"


@pytest.fixture
def staffed(db: Database, clock: Any) -> Database:
    create_user(db, "root", role="admin", password=PASSWORD, now=clock())
    create_user(db, "lan", role="clerk", password=PASSWORD, now=clock())
    return db


@pytest.fixture
def change(clock: Any) -> Change:
    return Change(actor="root", now=clock())


def audit_text(db: Database) -> str:
    return json.dumps([row for row in db.query("SELECT * FROM audit_log")], ensure_ascii=False)


def test_add_user_creates_the_account_and_logs_it_without_the_password(
    staffed: Database, change: Change
) -> None:
    add_user(staffed, change, username="binh.tran", role="supervisor", password="secret-pass-9")

    assert authenticate(staffed, "binh.tran", "secret-pass-9") is not None
    entry = list_entries(staffed, kind="users")[0]
    assert (entry.action, entry.target, entry.details["after"]) == (
        "user.create",
        "binh.tran",
        {"username": "binh.tran", "display_name": None, "role": "supervisor", "active": True},
    )
    assert "secret-pass-9" not in audit_text(staffed)


@pytest.mark.parametrize(
    ("username", "role", "password", "error", "code"),
    [
        ("lan", "clerk", "long-enough-1", Conflict, "user_exists"),
        ("Lan Anh", "clerk", "long-enough-1", InvalidInput, "bad_username"),
        ("anh", "boss", "long-enough-1", InvalidInput, "bad_role"),
        ("anh", "clerk", "short", InvalidInput, "weak_password"),
    ],
)
def test_add_user_refuses_bad_accounts(
    staffed: Database,
    change: Change,
    username: str,
    role: str,
    password: str,
    error: type[QueueError],
    code: str,
) -> None:
    refused(
        staffed,
        error,
        code,
        lambda: add_user(staffed, change, username=username, role=role, password=password),
    )


def test_switching_an_account_off_signs_it_out_and_on_again_keeps_it_out(
    staffed: Database, change: Change
) -> None:
    version = get_user(staffed, "lan").session_version

    set_user_active(staffed, change, "lan", False)
    assert authenticate(staffed, "lan", PASSWORD) is None
    set_user_active(staffed, change, "lan", True)

    user = get_user(staffed, "lan")
    assert user.active and user.session_version == version + 1  # old sessions stay ended
    assert [e.action for e in list_entries(staffed, kind="users")] == [
        "user.enable",
        "user.disable",
    ]


def test_nobody_switches_off_or_demotes_their_own_account(
    staffed: Database, change: Change
) -> None:
    refused(staffed, Conflict, "self", lambda: set_user_active(staffed, change, "root", False))
    refused(staffed, Conflict, "self", lambda: change_role(staffed, change, "root", "clerk"))


def test_the_last_active_admin_stays_an_active_admin(staffed: Database, clock: Any) -> None:
    other = Change(actor="lan", now=clock())  # e.g. a bearer token of another name

    refused(staffed, Conflict, "last_admin", lambda: set_user_active(staffed, other, "root", False))
    refused(staffed, Conflict, "last_admin", lambda: change_role(staffed, other, "root", "clerk"))
    create_user(staffed, "second", role="admin", password=PASSWORD, now=clock())
    change_role(staffed, other, "root", "supervisor")
    assert get_user(staffed, "root").role == "supervisor"


def test_change_role_is_logged_with_before_and_after(staffed: Database, change: Change) -> None:
    change_role(staffed, change, "lan", "supervisor")

    entry = list_entries(staffed, kind="users")[0]
    assert (entry.details["before"]["role"], entry.details["after"]["role"]) == (
        "clerk",
        "supervisor",
    )
    refused(staffed, InvalidInput, "bad_role", lambda: change_role(staffed, change, "lan", "boss"))
    refused(staffed, NotFound, "not_found", lambda: change_role(staffed, change, "nobody", "clerk"))


def test_reset_password_signs_out_everywhere_and_logs_no_password(
    staffed: Database, change: Change
) -> None:
    version = get_user(staffed, "lan").session_version

    reset_password(staffed, change, "lan", "brand-new-pass-2")

    assert get_user(staffed, "lan").session_version == version + 1
    assert authenticate(staffed, "lan", "brand-new-pass-2") is not None
    assert authenticate(staffed, "lan", PASSWORD) is None
    assert list_entries(staffed, kind="users")[0].action == "user.password"
    assert "brand-new-pass-2" not in audit_text(staffed)
    refused(
        staffed,
        InvalidInput,
        "weak_password",
        lambda: reset_password(staffed, change, "lan", "short"),
    )


def test_list_users_shows_active_admins_first_and_no_secret(staffed: Database) -> None:
    users = list_users(staffed)

    assert [(u["username"], u["role"], u["active"]) for u in users] == [
        ("root", "admin", True),
        ("lan", "clerk", True),
    ]
    assert all("password_hash" not in user for user in users)
