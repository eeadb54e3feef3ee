"""`flask --app server demo`: simulated visitors and clerks, to see the surfaces alive.

It drives a running server over HTTP exactly as kiosks and counter terminals do (so the hall
display and the kiosks update live), with a fixed seed so two runs look the same.

Its visitors carry an integration token of their own (`demo-visitors`, made at the start and
revoked at the end): the server does not count them against the per-address ticket limit, so a
person trying the kiosk on the same machine (the same 127.0.0.1) still gets a ticket. They take
their tickets as the device paired as kiosk k1 (so tickets print there, as at a real kiosk), and
rate through each open counter's paired tablet; the demo pairs these at the start and revokes
them at the end, so the admin's devices page shows them only while it runs. Everything
the server answers is tallied, and the demo ends by saying what was refused (429, other 4xx,
5xx), not only what succeeded.
"""

from __future__ import annotations

import random
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from core.center import list_counters, list_services
from core.configuration import Change
from core.configuration.devices import pair_device, revoke_device
from core.devices import start_pairing
from core.errors import Conflict, QueueError
from core.users import create_token, create_user, set_password
from db import connect, migrate
from db.demo_bookings import BookedVisitors
from db.demo_client import DemoClient, Tally

REASONS = ("waited_too_long", "clerk_attitude", "papers_unclear")
SCORES = (3, 3, 3, 2, 2, 2, 1)  # most visitors are content, a few not (right on both scales)
VISITORS_TOKEN = "demo-visitors"  # the name of the token the simulated visitors carry


@dataclass
class DemoClerk:
    """One simulated clerk at its counter, and the counter's rating tablet."""

    client: DemoClient
    counter: int
    busy_until: float = 0.0
    tablet: str | None = None

    def act(self, kind: str, method: str = "POST", body: dict[str, Any] | None = None) -> Any:
        path = f"/api/counters/{self.counter}" + ("" if kind == "look" else f"/{kind}")
        return self.client.send(kind, method, path, body)


def _ensure_clerk(database: Any, username: str, password: str) -> None:
    try:
        create_user(database, username, role="clerk", password=password, now=datetime.now(UTC))
    except Conflict:
        set_password(database, username, password)


def _demo_change() -> Change:
    """The demo's own changes (its devices), as the audit log shows them."""
    return Change(actor="demo", now=datetime.now(UTC), reason="flask demo")


def _pair(database: Any, kind: str, target: str, paired: list[int]) -> str | None:
    """Pair a demo device (None when the center has no such kiosk or counter)."""
    change = _demo_change()
    pairing = start_pairing(database, now=change.now)
    try:
        device = pair_device(
            database, change, code=pairing.code, kind=kind, target=target, name=f"demo {kind}"
        )
    except QueueError:
        return None
    paired.append(int(device["id"]))
    return pairing.token


def _unpair(database: Any, paired: list[int]) -> None:
    for device_id in paired:
        with suppress(QueueError):  # revoked meanwhile from the admin page
            revoke_device(database, _demo_change(), device_id)


def _visitors_token(database: Any) -> str:
    """A fresh token for this run's visitors (a run stopped hard may have left the last one)."""
    _revoke_visitors_token(database)
    return create_token(database, VISITORS_TOKEN, role="clerk", now=datetime.now(UTC))


def _revoke_visitors_token(database: Any) -> None:
    database.execute("DELETE FROM api_tokens WHERE name = ?", [VISITORS_TOKEN])


@click.command("demo")
@click.option("--server", default="http://127.0.0.1:8000", show_default=True)
@click.option(
    "--counters",
    "counter_count",
    default=6,
    show_default=True,
    help="How many counters the simulated clerks open.",
)
@click.option("--per-hour", default=240, show_default=True, help="Visitors per simulated hour.")
@click.option("--speed", default=20.0, show_default=True, help="Simulated seconds per second.")
@click.option("--minutes", default=10.0, show_default=True, help="How long to run, real time.")
@click.option(
    "--rating-share",
    default=0.4,
    show_default=True,
    help="The share of served visitors who rate the service on the tablet.",
)
@click.option(
    "--booking-share",
    default=0.2,
    show_default=True,
    help="The share of visitors who booked ahead and check in (when a slot is open now).",
)
@click.option("--seed", default=7, show_default=True)
@with_appcontext
def demo(
    server: str,
    counter_count: int,
    per_hour: int,
    speed: float,
    minutes: float,
    rating_share: float,
    booking_share: float,
    seed: int,
) -> None:
    """Simulate a morning: visitors take tickets, clerks call and serve them, visitors rate."""
    randomness = random.Random(seed)
    server = server.rstrip("/")
    database = connect(current_app.config["DATABASE"])
    migrate(database)
    tally = Tally()
    paired: list[int] = []
    visitors = DemoClient(
        server,
        tally,
        token=_visitors_token(database),
        device=_pair(database, "kiosk", "k1", paired),
    )
    try:
        clerks = _open_counters(database, server, tally, counter_count, randomness)
        for clerk in clerks:
            clerk.tablet = _pair(database, "tablet", str(clerk.counter), paired)
        click.echo(
            f"Demo running on {server} with counters {[c.counter for c in clerks]}; Ctrl+C stops."
        )
        _simulate(
            database,
            visitors,
            clerks,
            randomness,
            per_second=per_hour * speed / 3600,
            speed=speed,
            rating_share=rating_share,
            booked=BookedVisitors(database, visitors, randomness) if booking_share else None,
            booking_share=booking_share,
            deadline=time.monotonic() + minutes * 60,
        )
    except KeyboardInterrupt:
        click.echo("Demo stopped.")
    finally:
        _revoke_visitors_token(database)
        _unpair(database, paired)
        database.conn.close()
    click.echo(
        f"Demo over: {tally.succeeded('ticket')} tickets issued,"
        f" {tally.succeeded('check-in')} bookings checked in, {tally.succeeded('next')} called,"
        f" {tally.succeeded('finish')} served, {tally.succeeded('rating')} rated."
    )
    for line in tally.report():
        click.echo(line)


def _open_counters(
    database: Any, server: str, tally: Tally, count: int, randomness: random.Random
) -> list[DemoClerk]:
    """Sign a simulated clerk in at each of the first `count` counters and open it."""
    clerks = []
    for counter in [counter for counter in list_counters(database)][:count]:
        username, password = f"demo{counter.number}", f"demo-{randomness.getrandbits(64):x}"
        _ensure_clerk(database, username, password)
        clerk = DemoClerk(DemoClient(server, tally), counter.number)
        status, answer = clerk.client.send(
            "sign-in", "POST", "/api/session", {"username": username, "password": password}
        )
        if status != 200:
            raise click.ClickException(f"Cannot sign in at {server}: {status} {answer}")
        clerk.client.csrf = answer["csrf_token"]
        status, answer = clerk.act("open")
        if status == 200:
            clerks.append(clerk)
        else:
            click.echo(f"counter {counter.number}: {(answer or {}).get('message')}")
    return clerks


def _simulate(
    database: Any,
    visitors: DemoClient,
    clerks: list[DemoClerk],
    randomness: random.Random,
    *,
    per_second: float,
    speed: float,
    rating_share: float,
    booked: BookedVisitors | None,
    booking_share: float,
    deadline: float,
) -> None:
    """Visitors come for every service; the opened counters serve theirs, the rest just wait."""
    services = [service.code for service in list_services(database) if service.enabled]
    priorities = [None] * 8 + ["elderly", "disabled", "pregnant"]
    next_visitor = time.monotonic()
    while time.monotonic() < deadline:
        moment = time.monotonic()
        if moment >= next_visitor and services:
            if not (booked and randomness.random() < booking_share and booked.come()):
                visitors.send(
                    "ticket",
                    "POST",
                    "/api/tickets",
                    {
                        "service": randomness.choice(services),
                        "kiosk": "k1",
                        "priority": randomness.choice(priorities),
                    },
                )
            next_visitor = moment + randomness.expovariate(per_second)
        for clerk in clerks:
            if moment < clerk.busy_until:
                continue
            status, answer = clerk.act("look", "GET")
            ticket = answer.get("ticket") if status == 200 else None
            if ticket is None:
                clerk.act("next")
                clerk.busy_until = moment + 20 / speed
            elif ticket["status"] == "called":
                clerk.act("no-show" if randomness.random() < 0.08 else "start")
                clerk.busy_until = moment + randomness.uniform(180, 600) / speed
            else:
                status, answer = clerk.act("finish")
                if status == 200 and randomness.random() < rating_share:
                    score = randomness.choice(SCORES)
                    visitors.send(
                        "rating",
                        "POST",
                        "/api/ratings",
                        {
                            "ticket": answer["ticket"]["id"],
                            "score": score,
                            **({"reasons": [randomness.choice(REASONS)]} if score == 1 else {}),
                        },
                        device=clerk.tablet,
                    )
        time.sleep(0.2)
