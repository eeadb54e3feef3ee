"""Signing in with a password that may be wrong, as the sessions and lockout tests do."""

from __future__ import annotations

from typing import Any

WRONG = "not-the-password"


def try_password(client: Any, username: str, password: str) -> Any:
    """POST /api/session with these credentials; answer the response, whatever it is."""
    return client.post("/api/session", json={"username": username, "password": password})
