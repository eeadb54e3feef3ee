"""Two server processes serving one center through Redis (`QMS_WORKERS=2`, design.md section 9):
the limits count over both. The ticket limit of one address, and a sign-in lockout, hold on either
worker, and an admin on one lists and lifts a lock made through the other, by name or by address.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.redis import redis_server
from harness.server import Served
from tests.helpers.workers import TICKET_LIMIT, need_redis, one_per_worker

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("opened_connections")]


def test_the_ticket_limit_counts_one_address_over_both_workers(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    clients = list(one_per_worker(served).values())
    answers = [
        clients[index % 2].send("POST", "/api/tickets", {"service": "A"})[0]
        for index in range(TICKET_LIMIT + 1)
    ]
    assert answers == [201] * TICKET_LIMIT + [429]


def test_a_lockout_made_through_one_worker_holds_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    first, second = one_per_worker(served).values()
    for _ in range(5):
        assert first.sign_in("lan", "wrong-password")[0] == 401

    status, answer = second.sign_in("lan")

    assert status == 429 and answer["error"] == "too_many_failures"


def test_an_admin_on_one_worker_lists_and_lifts_a_lock_made_through_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    guessers, admins = one_per_worker(served, "127.0.0.2"), one_per_worker(served, "127.0.0.3")
    first = next(iter(guessers.values()))
    second = next(admin for worker, admin in admins.items() if worker != first.worker)
    for _ in range(5):
        first.sign_in("clerk1", "wrong-password")
    assert first.sign_in("clerk1")[0] == 429
    assert second.sign_in("root")[0] == 200

    status, locks = second.send("GET", "/api/admin/lockouts")
    assert status == 200 and {"username": "clerk1", "address": "127.0.0.2"} in [
        {"username": lock["username"], "address": lock["address"]} for lock in locks
    ]
    status, answer = second.send("POST", "/api/admin/users/clerk1/unlock", {})
    assert (status, answer["unlocked_from"]) == (200, ["127.0.0.2"])
    assert first.sign_in("clerk1")[0] == 200


def test_an_address_lock_made_by_one_worker_is_lifted_by_another_through_redis() -> None:
    """Each worker has its own LoginThrottle over the one Redis (shared.SharedCounts); twenty
    names guessed through one worker lock the address on both, and the admin's unlock through
    the other lifts it on both."""
    from datetime import UTC, datetime

    from redis import Redis

    from lockouts import LoginThrottle
    from shared import SharedCounts

    need_redis()
    moment = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with redis_server() as running:
        client = Redis.from_url(running.url)
        first, second = (LoginThrottle() for _ in range(2))
        for throttle in (first, second):
            throttle.counts = SharedCounts(client, "qms:test:", throttle.keep_s())
        for n in range(20):
            first.failed(f"name{n}", "10.0.0.66", moment)
        assert second.locked_for("binh", "10.0.0.66", moment) == (900, "address")

        ended = second.unlock_address("10.0.0.66", moment)

        assert ended is not None and (ended - moment).total_seconds() == 900
        assert first.locked_for("binh", "10.0.0.66", moment) == (0, "")
        assert [lock.username for lock in first.locks(moment)] == []
        client.close()
