"""Claims are atomic across threads and processes on one SQLite file: concurrent kiosks never
get the same number (and leave no gap), concurrent counters never get the same ticket."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from core.calling import call_next
from core.center import load_center
from core.counters import open_counter
from core.serving import finish
from core.tickets import issue_ticket
from db import connect, migrate

MOMENT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
TICKETS_PER_WORKER = 40
WORKERS_PER_KIND = 4  # threads, and as many processes
JOIN_TIMEOUT_S = 120
START_TIMEOUT_S = 60

ONE_QUEUE_CENTER = {
    "center": {"name": "Concurrency", "timezone": "Asia/Ho_Chi_Minh"},
    "departments": [{"code": "TP", "name": "Tư pháp"}],
    "services": [{"code": "A", "name": "Hộ tịch", "department": "TP"}],
    "counters": [{"number": n, "services": ["A"]} for n in range(1, 2 * WORKERS_PER_KIND + 1)],
}


def wait_for_start(path: str, worker: str) -> None:
    """Say this worker is ready, then wait for the start signal, so all really run at once."""
    Path(f"{path}.ready-{worker}").touch()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not Path(f"{path}.go").exists():
        assert time.monotonic() < deadline, "the start signal never came"
        time.sleep(0.002)


def start_when_ready(path: str, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while len(list(Path(path).parent.glob(Path(path).name + ".ready-*"))) < workers:
        assert time.monotonic() < deadline, "workers did not get ready"
        time.sleep(0.01)
    Path(f"{path}.go").touch()


def reset_start(path: str) -> None:
    for signal_file in Path(path).parent.glob(Path(path).name + ".*-*"):
        signal_file.unlink()
    Path(f"{path}.go").unlink(missing_ok=True)


def issue_many(path: str, count: int, worker: str) -> list[int]:
    database = connect(path)
    wait_for_start(path, worker)
    numbers = [issue_ticket(database, "A", now=MOMENT).ticket.number for _ in range(count)]
    database.conn.close()
    return numbers


def serve_until_empty(path: str, counter: int) -> list[int]:
    """Open a counter and call + finish until nothing waits; return the ticket ids claimed."""
    database = connect(path)
    clerk = f"clerk{counter}"
    open_counter(database, counter, clerk=clerk, now=MOMENT)
    wait_for_start(path, f"counter{counter}")
    claimed = []
    while (called := call_next(database, counter, clerk=clerk, now=MOMENT)) is not None:
        claimed.append(called[0].id)
        finish(database, counter, clerk=clerk, now=MOMENT)
    database.conn.close()
    return claimed


def _in_processes(function, arguments: list[tuple]) -> list[list[int]]:  # type: ignore[no-untyped-def]
    with multiprocessing.get_context("spawn").Pool(len(arguments)) as pool:
        pending = [pool.apply_async(function, argument) for argument in arguments]
        return [result.get(timeout=JOIN_TIMEOUT_S) for result in pending]


def _in_threads(function, arguments: list[tuple]) -> list[list[int]]:  # type: ignore[no-untyped-def]
    results: list[list[int]] = [[] for _ in arguments]

    def run(index: int) -> None:
        results[index] = function(*arguments[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(arguments))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
        assert not thread.is_alive(), "a worker thread did not finish in time"
    return results


def test_concurrent_kiosks_and_counters_never_share_a_number_or_a_ticket(tmp_path: Path) -> None:
    path = str(tmp_path / "qms.db")
    database = connect(path)
    migrate(database)
    load_center(database, ONE_QUEUE_CENTER)

    process_numbers: list[list[int]] = []
    spawner = threading.Thread(
        target=lambda: process_numbers.extend(
            _in_processes(
                issue_many,
                [(path, TICKETS_PER_WORKER, f"p{i}") for i in range(WORKERS_PER_KIND)],
            )
        )
    )
    spawner.start()
    starter = threading.Thread(target=start_when_ready, args=(path, 2 * WORKERS_PER_KIND))
    starter.start()
    thread_numbers = _in_threads(
        issue_many, [(path, TICKETS_PER_WORKER, f"t{i}") for i in range(WORKERS_PER_KIND)]
    )
    spawner.join(timeout=JOIN_TIMEOUT_S)
    starter.join(timeout=JOIN_TIMEOUT_S)
    numbers = [n for chunk in process_numbers + thread_numbers for n in chunk]
    total = 2 * WORKERS_PER_KIND * TICKETS_PER_WORKER
    assert sorted(numbers) == list(range(1, total + 1))

    reset_start(path)
    counters = list(range(1, 2 * WORKERS_PER_KIND + 1))
    process_claims: list[list[int]] = []
    spawner = threading.Thread(
        target=lambda: process_claims.extend(
            _in_processes(serve_until_empty, [(path, n) for n in counters[:WORKERS_PER_KIND]])
        )
    )
    spawner.start()
    starter = threading.Thread(target=start_when_ready, args=(path, len(counters)))
    starter.start()
    thread_claims = _in_threads(serve_until_empty, [(path, n) for n in counters[WORKERS_PER_KIND:]])
    spawner.join(timeout=JOIN_TIMEOUT_S)
    starter.join(timeout=JOIN_TIMEOUT_S)
    claims = [ticket for chunk in process_claims + thread_claims for ticket in chunk]

    assert len(claims) == total
    assert Counter(claims).most_common(1)[0][1] == 1
    called_events = database.execute(
        "SELECT ticket, count(*) FROM ticket_events WHERE kind = 'called' GROUP BY ticket"
    ).fetchall()
    assert len(called_events) == total and {count for _, count in called_events} == {1}
    assert (
        database.execute("SELECT count(*) FROM tickets WHERE status = 'done'").fetchone()[0]
        == total
    )
    # both kinds of worker took tickets from the same queue at the same time
    assert any(process_claims) and any(thread_claims), "the counters did not really compete"
