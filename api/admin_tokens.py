"""Administration of integration tokens: the bearer tokens of call buttons and dossier systems.

Admin only. Creating answers the token's secret once; the server keeps only its hash, so a lost
token is revoked and made again, never shown again. A revoked token is refused from the very
next request. Both changes are audited by name and role, never with the secret.
"""

from __future__ import annotations

from typing import Annotated

from flask import jsonify
from flask.typing import ResponseReturnValue
from pydantic import Field, StringConstraints

from api import bp
from api.admin import ADMIN, INVALID, change
from api.admin_schemas import AdminChange, Role
from api.auth import require
from api.session import close_ended_sockets
from api.validation import documented, parse
from core.configuration import tokens
from db.web import get_db

CHANGED = {**INVALID, 404: "no such token", 409: "a token with this name exists already"}


class AdminToken(AdminChange):
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="What uses it, e.g. call-button-3: 2-32 of a-z, 0-9, '.', '_' or '-'."
    )
    role: Role = Field(description="What the program may do, as a staff account of that role.")


@bp.get("/admin/tokens")
@require(ADMIN)
@documented("Every integration token (name, role, created_at)", access=ADMIN, responses=INVALID)
def admin_list_tokens() -> ResponseReturnValue:
    return jsonify(tokens.list_tokens(get_db()))


@bp.post("/admin/tokens")
@require(ADMIN)
@documented(
    "Make an integration token; the answer holds its secret, shown this once",
    body=AdminToken,
    access=ADMIN,
    responses={201: "the token, with its secret", **CHANGED},
)
def admin_create_token() -> ResponseReturnValue:
    body = parse(AdminToken)
    made = tokens.add_token(get_db(), change(body.reason), name=body.name, role=body.role)
    return jsonify(made), 201


@bp.delete("/admin/tokens/<name>")
@require(ADMIN)
@documented(
    "Revoke an integration token; it is refused from the next request on",
    body=AdminChange,
    access=ADMIN,
    responses={204: "revoked", **CHANGED},
)
def admin_revoke_token(name: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    tokens.revoke_token(get_db(), change(body.reason), name)
    close_ended_sockets()
    return "", 204
