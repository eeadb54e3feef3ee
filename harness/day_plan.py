"""The plan of a replayed day: how big it is, the center it runs in, its clerks' accounts, and
the visitors who come, drawn from a seeded random generator so that each run has the same day."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.users import hash_password
from db import connect
from harness.server import flask_command

PASSWORD = "day-password-1"
SERVICES = ["A", "B", "C", "D", "E", "F", "G", "H"]
BOOKED_SERVICE = "H"
ZONE = "Asia/Ho_Chi_Minh"
PRIORITY = "elderly"


@dataclass(frozen=True)
class DayPlan:
    """How big the day is. The defaults are issue 12's busy day; the test uses a small one."""

    visitors: int = 1500
    counters: int = 40
    displays: int = 260  # hall sockets; with the counter screens, 300 sockets all day
    phones: int = 1000  # visitors who follow their ticket on their phone
    bookings: int = 60
    rounds: int = 5  # the first warms the server up
    seconds: float = 150.0  # the day's arrivals, all rounds together
    kiosks: int = 4
    rating_share: float = 0.6
    priority_share: float = 0.1
    service_s: tuple[float, float] = (0.02, 0.25)  # time at the counter, compressed
    seed: int = 2026


@dataclass
class Visitor:
    index: int
    service: str
    priority: str | None
    follows: bool
    rates: bool
    booked: bool
    booking: str | None = None
    ticket: int | None = None
    label: str | None = None
    token: str | None = None  # the ticket's track link: the visitor's phone rates by it


def center_file(counters: int, kiosks: int) -> str:
    """The day's center: 8 services in 3 departments, each counter serving three of them."""
    lines = ['[center]\nname = "Trung tâm một ngày"\ntimezone = "Asia/Ho_Chi_Minh"']
    lines.append("[appointments]\nearly_min = 30\ngrace_min = 60")
    for code, name in (("TP", "Tư pháp"), ("KH", "Kế hoạch"), ("TC", "Tài chính")):
        lines.append(f'[[departments]]\ncode = "{code}"\nname = "{name}"')
    for index, code in enumerate(SERVICES):
        department = ("TP", "KH", "TC")[index % 3]
        service = f'[[services]]\ncode = "{code}"\nname = "Dịch vụ {code}"\n'
        service += f'department = "{department}"'
        if code == BOOKED_SERVICE:
            service += '\nhours = ["00:00-24:00"]\nappointments = {slot_min = 5, per_slot = 100}'
        lines.append(service)
    for number in range(1, counters + 1):
        served = [SERVICES[(number + offset) % len(SERVICES)] for offset in range(3)]
        lines.append(f"[[counters]]\nnumber = {number}\nservices = {json.dumps(served)}")
    for kiosk in range(1, kiosks + 1):
        lines.append(f'[[kiosks]]\nid = "k{kiosk}"\nprinter = "dummy:"')
    return "\n\n".join(lines) + "\n"


def prepare(database: Path, plan: DayPlan) -> None:
    """Load the center and make the clerks' accounts (one password hash for all: each takes
    half a second to compute)."""
    center = database.with_suffix(".toml")
    center.write_text(center_file(plan.counters, plan.kiosks))
    flask_command(database, "load-config", str(center))
    db = connect(database)
    password_hash = hash_password(PASSWORD)
    db.table("users").insert_all(
        {
            "username": clerk_name(number),
            "password_hash": password_hash,
            "role": "clerk",
            "created_at": datetime.now(UTC).isoformat(),
        }
        for number in range(1, plan.counters + 1)
    )
    db.conn.close()


def clerk_name(number: int) -> str:
    return f"clerk{number:02d}"


def visitors_of(plan: DayPlan) -> list[Visitor]:
    chance = random.Random(plan.seed)
    booked = set(chance.sample(range(plan.visitors), plan.bookings))
    following = set(chance.sample(range(plan.visitors), plan.phones))
    return [
        Visitor(
            index=index,
            service=BOOKED_SERVICE if index in booked else chance.choice(SERVICES),
            priority=PRIORITY if chance.random() < plan.priority_share else None,
            follows=index in following,
            rates=chance.random() < plan.rating_share,
            booked=index in booked,
        )
        for index in range(plan.visitors)
    ]
