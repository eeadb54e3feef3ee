"""Schemathesis over /api/openapi.json, in process: whatever a client sends that the document allows
or nearly allows, no route answers 5xx (design.md section 4: "never a 500, never a traceback").

It runs against the real app on a real SQLite file, signed in as an admin with the CSRF token, so
staff and admin routes are reached past their guards. Each operation gets 25 requests that fit
the document and 25 that do not (wrong types, missing fields, out-of-range values), derandomized
so a failure comes back the same way, with no example database written into the repository.

Hypothesis is driven directly (`APIOperation.as_strategy`): schemathesis' lazy pytest loader
(`schemathesis.pytest.from_fixture`, 4.32) reads `Node._nodeid`, which pytest 9.2 no longer has,
and its eager loader would build the app at import time.
"""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode

from core.users import create_user
from db import connect
from tests.conftest import CLERK_PASSWORD, sign_in

# Hypothesis caches what it learns in ./.hypothesis; nothing is generated in the repository.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="qms-hypothesis-"))

MAX_EXAMPLES = 25
SIGN_IN = "POST /api/session"  # made-up names and passwords: 401 is its right answer
DEVICE_ONLY = "GET /api/devices/me"  # a device asks what it is: 401 without its token
SIGN_OUT = "DELETE /api/session"  # ends the admin's session on the server: fuzzed last


@pytest.fixture
def admin_session(app: Any, client: Any, database_path: Any, clock: Any) -> dict[str, Any]:
    """An admin's session cookie and CSRF header, with a few tickets in the queues."""
    database = connect(database_path)
    create_user(database, "dung", role="admin", password=CLERK_PASSWORD, now=clock())
    database.conn.close()
    for service in ("A", "A", "B"):
        client.post("/api/tickets", json={"service": service})
    headers = sign_in(client, "dung")
    cookie = client.get_cookie("session")
    assert cookie is not None
    return {"cookies": {"session": cookie.value}, "headers": headers}


def fuzz_operation(operation: Any, mode: GenerationMode, session: dict[str, Any]) -> set[int]:
    """Send up to MAX_EXAMPLES generated requests to one operation; fail on any 5xx.

    Answers the statuses seen, to show the requests got past the sign-in guard.
    """
    statuses: set[int] = set()

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,  # signing in runs scrypt, slow on purpose
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(cookies=session["cookies"], headers=dict(session["headers"]))
        statuses.add(response.status_code)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
            f" -> {response.status_code} {response.text[:300]}"
        )

    run()
    return statuses


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_route_answers_a_server_error(
    app: Any, admin_session: dict[str, Any], mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document itself is valid
        operations.append(result.ok())
    operations.sort(key=lambda operation: operation.label == SIGN_OUT)
    assert len(operations) >= 20
    failures, locked_out, fuzzed = [], [], 0
    for operation in operations:
        try:
            statuses = fuzz_operation(operation, mode, admin_session)
        except Unsatisfiable:  # nothing in it to get wrong (no parameters, no body)
            assert mode == GenerationMode.NEGATIVE, operation.label
            continue
        except AssertionError as failure:
            failures.append(f"{operation.label}: {failure}")
            continue
        fuzzed += 1
        if statuses <= {401, 403} and operation.label not in (SIGN_IN, DEVICE_ONLY):
            locked_out.append(f"{operation.label}: {sorted(statuses)}")
    assert failures == []
    assert fuzzed >= 10
    if mode == GenerationMode.POSITIVE:  # valid requests reach past the guards
        assert locked_out == []
