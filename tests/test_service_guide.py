"""What to bring (issue: the procedure guide of a service): set on the admin page, kept with the
service, exported with the center file, and shown on the booking page with the booking."""

from __future__ import annotations

import json
import tomllib
from typing import Any

GUIDE = {
    "papers": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
    "fee": "Miễn phí",
    "processing": "Trong ngày",
    "legal_basis": "Luật Hộ tịch 2014",
    "print_checklist": True,
}
SERVICE_D = {
    "name": "Doanh nghiệp",
    "department": "TC",
    "hours": ["07:00-11:30", "13:00-16:30"],
    "appointments": {"slot_min": 30, "per_slot": 2},
}


def test_a_guide_set_by_the_admin_reaches_the_file_and_the_booking_page(
    client: Any, admin: dict[str, str]
) -> None:
    answer = client.put("/api/admin/services/D", json={**SERVICE_D, "guide": GUIDE}, headers=admin)

    assert answer.status_code == 200, answer.json
    assert answer.json["guide"] == GUIDE
    exported = tomllib.loads(client.get("/api/admin/center-file", headers=admin).text)
    (service_d,) = [service for service in exported["services"] if service["code"] == "D"]
    assert service_d["guide"] == GUIDE
    page = client.get("/book/?lang=vi").text
    data = page.split('id="page-data">')[1].split("</script>")[0]
    (bookable,) = json.loads(data)["services"]
    assert bookable["guide"] == GUIDE
    assert "Bạn cần mang theo" in page


def test_a_service_without_a_guide_has_none_and_a_wrong_guide_is_refused(
    client: Any, admin: dict[str, str]
) -> None:
    cleared = client.put("/api/admin/services/D", json={**SERVICE_D, "guide": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.json["guide"] is None

    wrong = client.put(
        "/api/admin/services/D",
        json={**SERVICE_D, "guide": {"papers": "Giấy chứng sinh"}},
        headers=admin,
    )
    too_many = client.put(
        "/api/admin/services/D",
        json={**SERVICE_D, "guide": {"papers": ["Tờ khai"] * 31}},
        headers=admin,
    )

    assert (wrong.status_code, wrong.json["error"]) == (400, "invalid")
    assert "papers" in wrong.json["message"]
    assert too_many.status_code == 400 and "papers" in too_many.json["message"]


def test_the_ticket_prints_the_papers_only_when_the_service_asks(
    app: Any, client: Any, admin: dict[str, str], clock: Any
) -> None:
    from core.tickets import issue_ticket
    from db import connect

    quiet = {**GUIDE, "print_checklist": False}
    client.put("/api/admin/services/D", json={**SERVICE_D, "guide": GUIDE}, headers=admin)
    client.put(
        "/api/admin/services/A",
        json={"name": "Hộ tịch", "department": "TP", "guide": quiet},
        headers=admin,
    )
    database = connect(app.config["DATABASE"])
    delivery = app.extensions["qms.printing"]

    printed = delivery.printout(database, issue_ticket(database, "D", now=clock()), "/t/x")
    unprinted = delivery.printout(database, issue_ticket(database, "A", now=clock()), "/t/y")

    assert printed.checklist == tuple(GUIDE["papers"]) and unprinted.checklist == ()
    services = {service["code"]: service for service in client.get("/api/services").json}
    assert services["A"]["guide"] == quiet  # the kiosk shows it before the ticket is taken
    database.conn.close()
