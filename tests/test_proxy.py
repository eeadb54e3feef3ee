"""Behind a reverse proxy (QMS_PROXY_HOPS): the ticket limit counts each visitor's address, not
the proxy's, and the cookie knows the page is HTTPS. Without it the forwarded headers are not
believed, so nobody passes as another address by sending them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from core.users import create_user
from db import connect
from server import create_app
from tests.conftest import CLERK_PASSWORD, MORNING, SMALL_CENTER


def make_client(database_path: Path, **config: Any) -> Any:
    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"} | config
    )
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    database.conn.close()
    return app.test_client()


@pytest.fixture
def proxied(database_path: Path) -> Iterator[Any]:
    yield make_client(database_path, PROXY_HOPS=1)


def issue(client: Any, address: str) -> int:
    answer = client.post(
        "/api/tickets", json={"service": "A"}, headers={"X-Forwarded-For": address}
    )
    return int(answer.status_code)


def test_behind_a_proxy_each_visitor_address_has_its_own_limit(proxied: Any) -> None:
    assert [issue(proxied, "10.0.0.7") for _ in range(3)] == [201, 201, 429]
    assert [issue(proxied, "10.0.0.8") for _ in range(2)] == [201, 201]


def test_without_a_proxy_forwarded_addresses_are_not_believed(database_path: Path) -> None:
    client = make_client(database_path)

    assert [issue(client, f"10.0.0.{n}") for n in range(3)] == [201, 201, 429]


def test_behind_an_https_proxy_the_session_cookie_is_secure(proxied: Any) -> None:
    database = connect(Path(proxied.application.config["DATABASE"]))
    create_user(database, "an", role="clerk", password=CLERK_PASSWORD, now=MORNING)
    database.conn.close()

    answer = proxied.post(
        "/api/session",
        json={"username": "an", "password": CLERK_PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )

    assert answer.status_code == 200
    assert "Secure" in answer.headers["Set-Cookie"]
    plain = proxied.post("/api/session", json={"username": "an", "password": CLERK_PASSWORD})
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_a_negative_number_of_proxies_is_refused(database_path: Path) -> None:
    with pytest.raises(ValueError, match="PROXY_HOPS"):
        make_client(database_path, PROXY_HOPS=-1)
