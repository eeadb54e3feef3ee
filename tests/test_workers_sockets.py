"""Two server processes serving one center through Redis (`QMS_WORKERS=2`, design.md section 9):
what one worker does reaches the sockets the other holds. A call made through either worker
reaches the displays and phones on both, once and in `seq` order; a print agent on one worker
prints the tickets issued through the other; signing out or revoking a device through one worker
closes its sockets on the other.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from harness.server import Served, flask_command
from tests.helpers.paired import pair_in
from tests.helpers.workers import (
    PASSWORD,
    Client,
    Display,
    displays_on_both,
    one_per_worker,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("opened_connections")]


def test_calls_through_both_workers_reach_every_display_and_phone_once_and_in_order(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, token, _ = two_workers
    displays = displays_on_both(served)
    clerks = one_per_worker(served)
    names = ("clerk1", "clerk2")
    for number, (clerk, name) in enumerate(zip(clerks.values(), names, strict=True), 1):
        assert clerk.sign_in(name)[0] == 200
        assert clerk.send("POST", f"/api/counters/{number}/open")[0] == 200
    feeder = next(iter(clerks.values()))
    tickets = []
    for _ in range(16):
        status, ticket = feeder.send(
            "POST", "/api/tickets", {"service": "A"}, Authorization=f"Bearer {token}"
        )
        assert status == 201
        tickets.append(ticket)
    phones: dict[str, Display] = {}  # visitors' phones following their tickets, on both workers
    for ticket in tickets:
        query = "token=" + ticket["track_url"].rsplit("/", 1)[1]
        phones[ticket["label"]] = Display(served, namespace="/track", query=query)
        if len({phone.worker for phone in phones.values()}) == 2 and len(phones) >= 4:
            break
    assert len({phone.worker for phone in phones.values()}) == 2

    made: list[int] = []

    def call(number: int, clerk: Client) -> None:  # both counters at once, 8 calls each
        for _ in range(8):
            status, answer = clerk.send("POST", f"/api/counters/{number}/next")
            assert status == 200, answer
            made.append(number)
            clerk.send("POST", f"/api/counters/{number}/finish")

    threads = [
        threading.Thread(target=call, args=(number, clerk))
        for number, clerk in enumerate(clerks.values(), 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 16

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        any(len(d.seqs) < 16 for d in displays) or any(not p.payloads for p in phones.values())
    ):
        time.sleep(0.05)
    first = displays[0].seqs[0]
    for display in displays:  # on both workers: each call once, in seq order, none missing
        assert display.seqs == list(range(first, first + 16)), (display.worker, display.seqs)
        assert {payload["counter"] for payload in display.payloads} == {1, 2}
    for label, phone in phones.items():  # each phone hears its own call, once
        assert [payload["label"] for payload in phone.payloads] == [label], phone.worker

    # Queue changes through both workers, each coalescing its own: every display ends on the last.
    for index in range(3):
        status, _ = list(clerks.values())[index % 2].send(
            "POST", "/api/tickets", {"service": "A"}, Authorization=f"Bearer {token}"
        )
        assert status == 201
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        d.board.get("waiting", {}).get("A") != 3 for d in displays
    ):
        time.sleep(0.05)
    assert [d.board["waiting"]["A"] for d in displays] == [3] * len(displays)


def test_a_print_agent_on_one_worker_gets_the_tickets_issued_through_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, token, database = two_workers
    agent_token = pair_in(database, "print_agent", "k1")
    kiosk = {"Authorization": f"Bearer {token}", "X-Device-Token": pair_in(database, "kiosk", "k1")}
    agent = Display(served, namespace="/kiosk", auth={"agent": "k1", "device": agent_token})
    other = next(c for c in one_per_worker(served).values() if c.worker != agent.worker)

    status, ticket = other.send("POST", "/api/tickets", {"service": "A", "kiosk": "k1"}, **kiosk)

    assert status == 201 and ticket["print"]["status"] == "sent", ticket
    deadline = time.monotonic() + 10
    while not agent.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [job["label"] for job in agent.jobs] == [ticket["label"]]
    agent.close()
    time.sleep(0.3)
    status, alone = other.send("POST", "/api/tickets", {"service": "A", "kiosk": "k1"}, **kiosk)
    assert alone["print"] == {"status": "failed", "reason": "print agent not connected"}


def test_signing_out_through_one_worker_closes_the_sessions_sockets_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, _ = two_workers
    clients = one_per_worker(served)
    status, _answer = clients[min(clients)].sign_in("clerk2")
    assert status == 200
    signing_out = clients[min(clients)]
    cookie = {"Cookie": signing_out.headers["Cookie"]}
    screens: list[Display] = []
    for _ in range(40):  # counter screens of that session until the other worker holds one
        screens.append(Display(served, namespace="/counter", headers=cookie))
        if {screen.worker for screen in screens} == set(clients):
            break
    assert {screen.worker for screen in screens} == set(clients)

    assert signing_out.send("DELETE", "/api/session")[0] == 204

    deadline = time.monotonic() + 5
    for screen in screens:
        screen.disconnected.wait(max(0.0, deadline - time.monotonic()))
    assert not [screen.worker for screen in screens if not screen.disconnected.is_set()]


def test_revoking_a_device_through_one_worker_closes_its_socket_on_the_other(
    two_workers: tuple[Served, str, Path],
) -> None:
    served, _, database = two_workers
    flask_command(database, "create-user", "quantri", "--role", "admin", "--password", PASSWORD)
    token = pair_in(database, "tablet", 1)
    tablet = Display(served, namespace="/rating", auth={"device": token})
    admin = next(c for c in one_per_worker(served).values() if c.worker != tablet.worker)
    assert admin.sign_in("quantri")[0] == 200

    status, devices = admin.send("GET", "/api/admin/devices")
    tablets = [row for row in devices if row["kind"] == "tablet"]
    assert status == 200 and [row["connected"] for row in tablets] == [True]  # on the other
    status, _ = admin.send("DELETE", f"/api/admin/devices/{tablets[0]['id']}", {})
    assert status == 204
    assert tablet.closed.wait(5), "the revoked tablet's socket stayed open on its worker"
    status, devices = admin.send("GET", "/api/admin/devices")
    assert [row for row in devices if row["kind"] == "tablet"] == []
