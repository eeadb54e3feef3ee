"""Staff accounts as an admin manages them: create, switch off and on, reset a password,
change a role. Each change is audited; a password is never logged.

Two guards keep the center administrable: nobody switches off or demotes their own account
(a slip would lock them out mid-change), and the last active admin stays an active admin.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.configuration import Change, audited
from core.errors import Conflict, InvalidInput
from core.rows import rows
from core.sessions import end_user_sessions
from core.users import ROLES, create_user, get_user, set_password


def list_users(db: Database) -> list[dict[str, Any]]:
    """Every account, by role then name; active ones first; with the services it may serve."""
    from core.configuration.skills import all_skills

    skills = all_skills(db)
    return [
        {**row, "active": bool(row["active"]), "services": skills.get(row["username"], [])}
        for row in rows(
            db,
            "SELECT username, display_name, role, active, created_at FROM users"
            " ORDER BY active DESC, CASE role WHEN 'admin' THEN 0 WHEN 'supervisor' THEN 1"
            " ELSE 2 END, username",
        )
    ]


def _account(db: Database, username: str) -> dict[str, Any]:
    user = get_user(db, username)
    name = db.execute("SELECT display_name FROM users WHERE username = ?", [username]).fetchone()
    return {
        "username": user.username,
        "display_name": name[0],
        "role": user.role,
        "active": user.active,
    }


def _active_admins(db: Database) -> int:
    return int(
        db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]
    )


def _not_yourself(change: Change, username: str, what: str) -> None:
    if change.actor == username:
        raise Conflict(f"You cannot {what} your own account; ask another admin.", code="self")


def add_user(
    db: Database,
    change: Change,
    *,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
) -> dict[str, Any]:
    """Create an account (usernames 2-32 of a-z 0-9 . _ -, passwords 8 characters or more)."""
    with audited(db, change, "user.create", username) as note:
        create_user(
            db,
            username,
            role=role,
            password=password,
            now=change.now,
            display_name=display_name,
        )
        note.after = _account(db, username)
    return dict(note.after)


def set_user_active(db: Database, change: Change, username: str, active: bool) -> dict[str, Any]:
    """Switch an account off (signed out at its next request) or on again.

    Switching off also ends the account's sessions for good, so switching it on again later
    does not revive a session left open on some counter PC.
    """
    if not active:
        _not_yourself(change, username, "switch off")
    action = "user.enable" if active else "user.disable"
    with audited(db, change, action, username) as note:
        note.before = _account(db, username)
        if not active and note.before["role"] == "admin" and note.before["active"]:
            if _active_admins(db) <= 1:
                raise Conflict(
                    "This is the last active admin; make another admin first.", code="last_admin"
                )
        db.execute(
            "UPDATE users SET active = ?, session_version = session_version + ? WHERE username = ?",
            [int(active), 0 if active else 1, username],
        )
        if not active:
            end_user_sessions(db, username, now=change.now, why="disabled")
        note.after = _account(db, username)
    return dict(note.after)


def change_role(db: Database, change: Change, username: str, role: str) -> dict[str, Any]:
    """Give an account another role; it applies from the account's next request."""
    if role not in ROLES:
        raise InvalidInput(f"The role must be one of {', '.join(ROLES)}.", code="bad_role")
    _not_yourself(change, username, "change the role of")
    with audited(db, change, "user.role", username) as note:
        note.before = _account(db, username)
        if note.before["role"] == "admin" and role != "admin" and note.before["active"]:
            if _active_admins(db) <= 1:
                raise Conflict(
                    "This is the last active admin; make another admin first.", code="last_admin"
                )
        db.execute("UPDATE users SET role = ? WHERE username = ?", [role, username])
        note.after = _account(db, username)
    return dict(note.after)


def reset_password(db: Database, change: Change, username: str, password: str) -> dict[str, Any]:
    """Set a new password; the account is signed out everywhere (its session version moves)."""
    with audited(db, change, "user.password", username) as note:
        note.before = {"username": username, "signed_out": False}
        set_password(db, username, password)
        end_user_sessions(db, username, now=change.now, why="password")
        note.after = {"username": username, "signed_out": True}
    return _account(db, username)


def note_unlock(db: Database, change: Change, username: str, locked_from: list[str]) -> None:
    """Log that an admin lifted the sign-in lockouts of a name (from these addresses).

    The locks live outside the database (in memory, or Redis with several workers): the API
    lifts them, then this records it; a name that was not locked is logged too, since the admin
    meant to let it in.
    """
    get_user(db, username)  # 404 for a name that is no account
    with audited(db, change, "user.unlock", username) as note:
        note.before = {"username": username, "locked_from": locked_from}
        note.after = {"username": username, "locked_from": []}


def note_address_unlock(
    db: Database, change: Change, address: str, locked_until: str | None
) -> None:
    """Log that an admin lifted the sign-in lock of an address (every name from it).

    As with a name, the lock lives outside the database and the API lifts it first; an address
    that held no lock (it lapsed meanwhile) changes nothing and is not logged.
    """
    with audited(db, change, "user.unlock_address", address) as note:
        note.before = {"address": address, "locked_until": locked_until}
        note.after = {"address": address, "locked_until": None}


def set_display_name(
    db: Database, change: Change, username: str, display_name: str | None
) -> dict[str, Any]:
    """Set the name shown over the counter the account works at (None: no name is shown).

    It is public: the screen over the counter shows it to the hall, as a name plate would.
    """
    with audited(db, change, "user.name", username) as note:
        note.before = _account(db, username)
        db.execute("UPDATE users SET display_name = ? WHERE username = ?", [display_name, username])
        note.after = _account(db, username)
    return dict(note.after)
