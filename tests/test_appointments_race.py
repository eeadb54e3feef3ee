"""A slot's capacity holds when many visitors book its last places at once: threads and
processes on one SQLite file race, and exactly `per_slot` bookings win; the others hear
`slot_full`, and nothing else goes wrong."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from core.appointments import book
from core.center import load_center
from core.errors import Conflict
from core.slots import list_slots
from db import connect, migrate

MOMENT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00 in Ho Chi Minh City
DAY = date(2026, 12, 1)
PER_SLOT = 3
BOOKERS = 8  # per kind: threads, then as many processes
START_TIMEOUT_S = 60
KEY = b"race-secret"

RACE_CENTER = {
    "center": {"name": "Race", "timezone": "Asia/Ho_Chi_Minh"},
    "departments": [{"code": "TP", "name": "Tư pháp"}],
    "services": [
        {
            "code": "A",
            "name": "Hộ tịch",
            "department": "TP",
            "hours": ["07:00-11:00"],
            "appointments": {"slot_min": 30, "per_slot": PER_SLOT},
        }
    ],
    "counters": [{"number": 1, "services": ["A"]}],
}


def attempt(path: str, phone: str, start_signal: str) -> str:
    """Book 09:00 as soon as the signal file appears; answer the code or the refusal's code."""
    database = connect(path)
    Path(f"{start_signal}.ready-{phone}").touch()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not Path(start_signal).exists():
        assert time.monotonic() < deadline, "the start signal never came"
        time.sleep(0.001)
    try:
        booked = book(
            database, "A", DAY, "09:00", name="Trần Thị B", phone=phone, id_key=KEY, now=MOMENT
        )
        return "booked:" + booked.code
    except Conflict as refusal:
        return refusal.code
    finally:
        database.conn.close()


def start_when_ready(signal: str, bookers: int) -> None:
    folder, name = Path(signal).parent, Path(signal).name
    deadline = time.monotonic() + START_TIMEOUT_S
    while len(list(folder.glob(name + ".ready-*"))) < bookers:
        assert time.monotonic() < deadline, "the bookers did not get ready"
        time.sleep(0.01)
    Path(signal).touch()


def prepared(tmp_path: Path, taken: int) -> str:
    """A center whose 09:00 slot has `taken` places booked already."""
    path = str(tmp_path / "race.db")
    database = connect(path)
    migrate(database)
    load_center(database, RACE_CENTER)
    for n in range(taken):
        book(
            database, "A", DAY, "09:00", name="Lê C", phone=f"090000000{n}", id_key=KEY, now=MOMENT
        )
    database.conn.close()
    return path


def outcome(path: str, answers: list[str]) -> None:
    database = connect(path)
    won = [answer for answer in answers if answer.startswith("booked:")]
    assert len(won) == PER_SLOT - 1, answers
    assert sorted(set(answers) - set(won)) == ["slot_full"], answers
    assert len(set(won)) == len(won)  # every winner got a code of its own
    count = database.execute(
        "SELECT count(*) FROM appointments WHERE start = '09:00' AND status = 'booked'"
    ).fetchone()[0]
    assert count == PER_SLOT
    nine = next(
        slot for slot in list_slots(database, "A", DAY, now=MOMENT) if slot.start == "09:00"
    )
    assert nine.free == 0
    database.conn.close()


def test_threads_racing_for_the_last_places_of_a_slot(tmp_path: Path) -> None:
    path = prepared(tmp_path, taken=1)  # PER_SLOT - 1 places left
    signal = str(tmp_path / "go")
    answers: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        answer = attempt(path, f"09111111{n:02d}", signal)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(BOOKERS)]
    for thread in threads:
        thread.start()
    start_when_ready(signal, BOOKERS)
    for thread in threads:
        thread.join(60)

    assert len(answers) == BOOKERS
    outcome(path, answers)


def test_processes_racing_for_the_last_places_of_a_slot(tmp_path: Path) -> None:
    path = prepared(tmp_path, taken=1)
    signal = str(tmp_path / "go")
    arguments = [(path, f"09222222{n:02d}", signal) for n in range(BOOKERS)]

    with multiprocessing.get_context("spawn").Pool(BOOKERS) as pool:
        pending = pool.starmap_async(attempt, arguments)
        start_when_ready(signal, BOOKERS)
        answers = pending.get(120)

    outcome(path, answers)
