"""Integration tokens as an admin manages them: list, create, revoke. Each change is audited.

A token lets a program (a hardware call button, a dossier system) act with a role, without a
session. Its secret is handed back once, to the admin who made it, and never kept: the table holds
only its SHA-256 (core.users), and the audit log only its name and role, so neither the database
nor the log can give a working token away.

Revoking deletes the row. Bearer requests look the token up on every request (api/auth.py), so
the very next request with it is refused; the audit log keeps what it was and who revoked it.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from core.configuration import Change, audited
from core.errors import NotFound
from core.rows import rows
from core.users import create_token


def list_tokens(db: Database) -> list[dict[str, Any]]:
    """Every token's name, role and creation time, by name; never its secret or its hash."""
    return rows(db, "SELECT name, role, created_at FROM api_tokens ORDER BY name")


def _token(db: Database, name: str) -> dict[str, Any]:
    for row in rows(db, "SELECT name, role, created_at FROM api_tokens WHERE name = ?", [name]):
        return row
    raise NotFound(f"No integration token named {name!r}.")


def add_token(db: Database, change: Change, *, name: str, role: str) -> dict[str, Any]:
    """Make a token; answer its name, role, creation time and the secret (shown this once)."""
    with audited(db, change, "token.create", name) as note:
        secret = create_token(db, name, role=role, now=change.now)
        note.after = {"name": name, "role": role}
    return {**_token(db, name), "token": secret}


def revoke_token(db: Database, change: Change, name: str) -> dict[str, Any]:
    """Remove a token, so programs using it are refused from their next request on."""
    with audited(db, change, "token.revoke", name) as note:
        revoked = _token(db, name)
        note.before = {"name": name, "role": revoked["role"]}
        db.execute("DELETE FROM api_tokens WHERE name = ?", [name])
    return revoked
