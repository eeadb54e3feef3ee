"""A kiosk's network printer that flaps: up, down, up again on the same address (switched off and
on, its cable pulled and pushed back). Nothing is lost: the tickets issued while it is down are
issued all the same and shown on the kiosk's screen with their QR, every failure is logged and
pushed to the kiosks' screens, and printing resumes by itself when the printer is back."""

from __future__ import annotations

from typing import Any

import pytest

from core.center import load_center
from db import connect
from harness.printers import PAPER_PRESENT, FakeNetworkPrinter
from realtime import socketio
from tests.conftest import SMALL_CENTER
from tests.helpers.paired import HEADER, pair
from tests.helpers.pushes import payloads

pytestmark = pytest.mark.usefixtures("escpos_temp_directory")


def issue(client: Any) -> dict[str, Any]:
    answer = client.post(
        "/api/tickets", json={"service": "A", "kiosk": "k1"}, headers={HEADER: client.kiosk_token}
    )
    assert answer.status_code == 201, answer.json
    return dict(answer.json)


def test_a_printer_that_flaps_loses_no_ticket_and_prints_again_when_back(
    app: Any, client: Any
) -> None:
    app.config["PRINT_TIMEOUT_S"] = 1.0
    with FakeNetworkPrinter(status_answer=PAPER_PRESENT) as printer:
        port = printer.port
        database = connect(app.config["DATABASE"])
        kiosk = {"id": "k1", "name": "Sảnh", "printer": printer.url}
        load_center(database, {**SMALL_CENTER, "kiosks": [kiosk]})
        database.conn.close()
        client.kiosk_token = pair(app, "kiosk", "k1")  # only the paired kiosk prints on its paper
        screen = socketio.test_client(app, namespace="/kiosk")
        screen.get_received("/kiosk")
        up = issue(client)
        assert up["print"] == {"status": "printed", "reason": None}
        assert len(printer.wait_for_jobs(1)) == 1

    down = [issue(client) for _ in range(3)]  # the printer is off: nobody listens on its port

    for ticket in down:
        assert ticket["print"]["status"] == "failed" and ticket["print"]["reason"]
        assert ticket["track_url"].startswith("/t/")  # the kiosk shows the number and this QR
    with FakeNetworkPrinter(status_answer=PAPER_PRESENT, port=port) as printer:
        back = issue(client)
        assert back["print"] == {"status": "printed", "reason": None}
        assert len(printer.wait_for_jobs(1)) == 1

    tickets = [up, *down, back]
    assert [ticket["label"] for ticket in tickets] == ["A001", "A002", "A003", "A004", "A005"]
    for ticket in tickets:  # every ticket is there, waiting for its call
        kept = client.get(ticket["track_url"].replace("/t/", "/api/tickets/"))
        assert kept.status_code == 200 and kept.json["status"] == "waiting"
    database = connect(app.config["DATABASE"])
    logged = database.execute("SELECT ticket, ok FROM print_jobs ORDER BY id").fetchall()
    database.conn.close()
    assert logged == [
        (ticket["id"], ok) for ticket, ok in zip(tickets, [1, 0, 0, 0, 1], strict=True)
    ]
    reports = payloads(screen.get_received("/kiosk"), "printer")
    assert [(report["ticket"], report["ok"]) for report in reports] == [
        (ticket["id"], ok)
        for ticket, ok in zip(tickets, [True, False, False, False, True], strict=True)
    ]
    screen.disconnect(namespace="/kiosk")
