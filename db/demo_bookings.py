"""The demo's visitors who booked: a share of them books the next slot of a service that takes
bookings and checks in at the kiosk with the code, as the booking page and the kiosk do.

The server keeps the real clock, so only a slot whose check-in window is open now can be used:
outside the services' hours the demo's visitors all walk in, and the demo says so.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from core.center import get_center
from db.demo_client import OK, DemoClient

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Hữu Phước")


class BookedVisitors:
    """Visitors who booked ahead, for the services whose bookings the center file turned on."""

    def __init__(self, database: Any, client: DemoClient, randomness: random.Random) -> None:
        self.client = client
        self.randomness = randomness
        self.day = get_center(database).day(datetime.now(UTC))
        self.services = [
            row["code"]
            for row in database.query(
                "SELECT code FROM services WHERE enabled = 1 AND appointments IS NOT NULL"
            )
        ]

    def come(self) -> bool:
        """One visitor books the next free slot of a service and checks in; False when no
        service has a slot whose check-in is open now."""
        for code in self.randomness.sample(self.services, len(self.services)):
            status, slots = self.client.send(
                "slots", "GET", f"/api/appointments/slots?service={code}&date={self.day}"
            )
            free = [slot for slot in slots or [] if slot["free"]] if status in OK else []
            if not free:
                continue
            status, booking = self.client.send(
                "booking", "POST", "/api/appointments", self._visitor(code, free[0])
            )
            if status not in OK:
                continue
            status, _ticket = self.client.send(
                "check-in", "POST", f"/api/appointments/{booking['code']}/check-in", {"kiosk": "k1"}
            )
            if status in OK:
                return True
        return False

    def _visitor(self, service: str, slot: dict[str, Any]) -> dict[str, Any]:
        name = f"{self.randomness.choice(FAMILY)} {self.randomness.choice(GIVEN)}"
        phone = "09" + "".join(str(self.randomness.randrange(10)) for _ in range(8))
        return {
            "service": service,
            "date": self.day,
            "start": slot["start"],
            "name": name,
            "phone": phone,
        }
