"""Integration tokens as an admin manages them: core.configuration.tokens, /api/admin/tokens and
the /admin/tokens page. The secret is answered once and found nowhere after (list, page, audit
log); a new token works as Bearer with its role; a revoked one is refused at the next request."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.configuration import Change, tokens
from core.errors import Conflict, InvalidInput, NotFound
from core.users import user_for_token
from db import connect
from tests.conftest import sign_in
from tests.helpers.configuration import last_entry
from tests.helpers.pages import Page, assert_no_inline_code, render, section_links

HOSTILE = "<img src=x onerror=alert(1)>\"'"

# ---------- core ----------


def test_add_token_answers_the_secret_once_and_the_list_never_shows_it(
    db: Database, change: Change
) -> None:
    made = tokens.add_token(db, change, name="call-button-3", role="clerk")

    assert (made["name"], made["role"], made["created_at"][:16]) == (
        "call-button-3",
        "clerk",
        "2026-11-30T01:00",
    )
    assert user_for_token(db, made["token"]) is not None
    listed = tokens.list_tokens(db)
    assert listed == [{"name": "call-button-3", "role": "clerk", "created_at": made["created_at"]}]
    assert hashlib.sha256(made["token"].encode()).hexdigest() not in str(listed)


def test_the_audit_log_says_who_made_and_revoked_a_token_never_its_secret(
    db: Database, change: Change
) -> None:
    secret = tokens.add_token(db, change, name="dossiers", role="supervisor")["token"]
    made = last_entry(db)
    tokens.revoke_token(db, Change(actor="lan", now=change.now, reason="replaced"), "dossiers")
    revoked = last_entry(db)

    assert (made.actor, made.action, made.target, made.reason) == (
        "root",
        "token.create",
        "dossiers",
        "test",
    )
    assert made.details == {"before": None, "after": {"name": "dossiers", "role": "supervisor"}}
    assert (revoked.actor, revoked.action, revoked.target, revoked.reason) == (
        "lan",
        "token.revoke",
        "dossiers",
        "replaced",
    )
    assert revoked.details == {"before": {"name": "dossiers", "role": "supervisor"}, "after": None}
    logged = str(db.execute("SELECT * FROM audit_log").fetchall())
    assert secret not in logged and hashlib.sha256(secret.encode()).hexdigest() not in logged


def test_a_revoked_token_opens_nothing_and_its_name_is_free_again(
    db: Database, change: Change
) -> None:
    secret = tokens.add_token(db, change, name="button", role="clerk")["token"]

    revoked = tokens.revoke_token(db, change, "button")

    assert (revoked["name"], revoked["role"]) == ("button", "clerk")
    assert user_for_token(db, secret) is None and tokens.list_tokens(db) == []
    assert tokens.add_token(db, change, name="button", role="admin")["token"] != secret


@pytest.mark.parametrize(
    ("error", "code", "name", "role"),
    [
        (Conflict, "token_exists", "button", "clerk"),
        (InvalidInput, "bad_name", "Call Button", "clerk"),
        (InvalidInput, "bad_role", "printer", "robot"),
    ],
)
def test_a_refused_token_changes_nothing_not_even_the_log(
    db: Database, change: Change, error: type[Exception], code: str, name: str, role: str
) -> None:
    tokens.add_token(db, change, name="button", role="clerk")
    entries = len(list_entries(db))

    with pytest.raises(error) as raised:
        tokens.add_token(db, change, name=name, role=role)

    assert raised.value.code == code  # type: ignore[attr-defined]
    assert len(tokens.list_tokens(db)) == 1 and len(list_entries(db)) == entries


def test_revoking_an_unknown_token_is_not_found_and_logs_nothing(
    db: Database, change: Change
) -> None:
    with pytest.raises(NotFound):
        tokens.revoke_token(db, change, "nobody")
    assert list_entries(db) == []


# ---------- API ----------


def make(client: Any, headers: dict[str, str], name: str, role: str) -> str:
    answer = client.post("/api/admin/tokens", json={"name": name, "role": role}, headers=headers)
    assert answer.status_code == 201, answer.json
    return str(answer.json["token"])


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_an_admin_makes_a_token_sees_it_once_and_the_list_holds_no_secret(
    client: Any, admin: dict[str, str]
) -> None:
    answer = client.post(
        "/api/admin/tokens", json={"name": "call-button-1", "role": "clerk"}, headers=admin
    )
    listed = client.get("/api/admin/tokens")

    assert answer.status_code == 201
    assert set(answer.json) == {"name", "role", "created_at", "token"}
    assert len(answer.json["token"]) >= 40
    assert listed.json == [
        {"name": "call-button-1", "role": "clerk", "created_at": answer.json["created_at"]}
    ]
    assert answer.json["token"] not in listed.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("clerk", (200, 403, 403)), ("supervisor", (200, 200, 403)), ("admin", (200, 200, 200))],
)
def test_a_new_token_works_as_bearer_with_its_role(
    app: Any, client: Any, admin: dict[str, str], role: str, expected: tuple[int, ...]
) -> None:
    secret = make(client, admin, f"program-{role}", role)
    program = app.test_client()  # no session cookie: the token alone

    statuses = tuple(
        program.get(path, headers=bearer(secret)).status_code
        for path in ("/api/counters", "/api/admin/audit", "/api/admin/tokens")
    )

    assert statuses == expected


def test_a_revoked_token_is_refused_at_the_next_request(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    secret = make(client, admin, "call-button-2", "clerk")
    program = app.test_client()
    assert program.get("/api/counters", headers=bearer(secret)).status_code == 200

    revoked = client.delete("/api/admin/tokens/call-button-2", headers=admin)
    refused = program.get("/api/counters", headers=bearer(secret))

    assert revoked.status_code == 204 and revoked.get_data() == b""
    assert (refused.status_code, refused.json["error"]) == (401, "unauthorized")
    assert client.get("/api/admin/tokens").json == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "call-button-1", "role": "clerk"}, "token_exists"),
        ({"name": "Call Button", "role": "clerk"}, "bad_name"),
        ({"name": "x", "role": "clerk"}, "bad_name"),
        ({"name": "ok-name", "role": "robot"}, "bad_role"),
        ({"name": 7, "role": "clerk"}, "invalid"),
        ({"name": "ok-name"}, "invalid"),
        ({"name": "ok-name", "role": "clerk", "token": "chosen"}, "invalid"),
    ],
)
def test_a_taken_or_bad_name_or_role_is_refused_in_words(
    client: Any, admin: dict[str, str], body: dict[str, Any], code: str
) -> None:
    make(client, admin, "call-button-1", "clerk")

    answer = client.post("/api/admin/tokens", json=body, headers=admin)

    assert answer.status_code == (409 if code == "token_exists" else 400)
    assert answer.json["error"] == code and answer.json["message"]
    assert [token["name"] for token in client.get("/api/admin/tokens").json] == ["call-button-1"]


def test_revoking_an_unknown_token_is_404(client: Any, admin: dict[str, str]) -> None:
    answer = client.delete("/api/admin/tokens/nobody", headers=admin)

    assert (answer.status_code, answer.json["error"]) == (404, "not_found")


def test_the_audit_log_shows_who_made_and_revoked_a_token_over_http(
    client: Any, admin: dict[str, str]
) -> None:
    answer = client.post(
        "/api/admin/tokens",
        json={"name": "dossiers", "role": "supervisor", "reason": "one-stop system"},
        headers=admin,
    )
    client.delete("/api/admin/tokens/dossiers", json={"reason": "replaced"}, headers=admin)

    log = client.get("/api/admin/audit")
    entries = [(e["actor"], e["action"], e["target"], e["reason"]) for e in log.json["entries"]]
    assert entries[:2] == [
        ("root", "token.revoke", "dossiers", "replaced"),
        ("root", "token.create", "dossiers", "one-stop system"),
    ]
    assert answer.json["token"] not in log.get_data(as_text=True)


@pytest.mark.parametrize("username", ["an", "chi"])
def test_clerks_and_supervisors_may_not_see_make_or_revoke_tokens(
    app: Any, client: Any, admin: dict[str, str], username: str
) -> None:
    make(client, admin, "call-button-1", "clerk")
    other = app.test_client()
    headers = sign_in(other, username)

    answers = [
        other.get("/api/admin/tokens"),
        other.post("/api/admin/tokens", json={"name": "mine", "role": "admin"}, headers=headers),
        other.delete("/api/admin/tokens/call-button-1", headers=headers),
    ]

    assert [(a.status_code, a.json["error"]) for a in answers] == [(403, "forbidden")] * 3
    assert [token["name"] for token in client.get("/api/admin/tokens").json] == ["call-button-1"]


# ---------- the page ----------


def test_the_tokens_page_lists_names_roles_and_dates_never_a_secret(
    client: Any, admin: dict[str, str]
) -> None:
    secret = make(client, admin, "call-button-1", "clerk")
    make(client, admin, "dossiers", "supervisor")

    html, page = render(client, "/admin/tokens")

    assert "Mã truy cập tích hợp" in html and "Thu hồi mã truy cập dossiers?" in html
    rows = [
        attributes["data-name"]
        for tag, attributes in page.tags
        if tag == "tr" and attributes.get("data-name")
    ]
    assert rows == ["call-button-1", "dossiers"]
    assert page.first("button", **{"data-action-url": "/api/admin/tokens/dossiers"})
    assert page.first("dialog", id="token-dialog")["data-create-url"] == "/api/admin/tokens"
    assert page.first("input", id="token-example")["data-url"] == "http://localhost/api/counters"
    assert "2026-11-30" in html and secret not in html
    assert hashlib.sha256(secret.encode()).hexdigest() not in html
    assert set(page.json_blocks["token-strings"]["errors"]) == {"token_exists", "bad_name"}
    assert_no_inline_code(page)
    links = section_links(page)
    assert links.index("/admin/tokens") == links.index("/admin/users") + 1


def test_the_tokens_page_escapes_a_hostile_token_name(
    app: Any, client: Any, admin: dict[str, str], clock: Any
) -> None:
    database = connect(app.config["DATABASE"])  # past the name check, as an old row could be
    database.execute(
        "INSERT INTO api_tokens (token_hash, name, role, created_at) VALUES ('h', ?, 'clerk', ?)",
        [HOSTILE, clock().isoformat()],
    )
    database.conn.close()

    html, page = render(client, "/admin/tokens?lang=en")

    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not [tag for tag, _attributes in page.tags if tag == "img"]
    row = page.first("tr", **{"data-name": HOSTILE})
    assert row["data-name"] == HOSTILE
    assert page.first("button", **{"data-confirm": HOSTILE})["data-revoke-title"] == (
        f"Revoke the token {HOSTILE}?"
    )
    assert_no_inline_code(page)


def test_only_admins_open_the_tokens_page(client: Any) -> None:
    sign_in(client, "chi")

    refused = client.get("/admin/tokens")

    assert refused.status_code == 403
    assert "/admin/tokens" not in section_links(Page(refused.get_data(as_text=True)))
