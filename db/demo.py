"""`flask --app server demo`: simulated visitors and clerks, to see the surfaces alive.

It drives a running server over HTTP exactly as kiosks and counter terminals do (so the hall
display and the kiosks update live), with a fixed seed so two runs look the same.
"""

from __future__ import annotations

import http.cookiejar
import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from core.center import list_counters, list_services
from core.errors import Conflict
from core.users import create_user, set_password
from db import connect, migrate

SCORES = (4, 4, 4, 3, 3, 2, 1)  # most visitors are content; a few are not


@dataclass
class DemoClerk:
    """One simulated clerk: its own cookie jar, CSRF token and counter."""

    server: str
    counter: int
    opener: Any = field(init=False)
    csrf: str = ""
    busy_until: float = 0.0

    def __post_init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.server + path,
            method=method,
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf},
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def _ensure_clerk(database: Any, username: str, password: str) -> None:
    try:
        create_user(database, username, role="clerk", password=password, now=datetime.now(UTC))
    except Conflict:
        set_password(database, username, password)


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
@click.option("--seed", default=7, show_default=True)
@with_appcontext
def demo(
    server: str,
    counter_count: int,
    per_hour: int,
    speed: float,
    minutes: float,
    rating_share: float,
    seed: int,
) -> None:
    """Simulate a morning: visitors take tickets, clerks call and serve them, visitors rate."""
    randomness = random.Random(seed)
    database = connect(current_app.config["DATABASE"])
    migrate(database)
    counters = [counter for counter in list_counters(database)][:counter_count]
    clerks = []
    for counter in counters:
        username, password = f"demo{counter.number}", f"demo-{randomness.getrandbits(64):x}"
        _ensure_clerk(database, username, password)
        clerk = DemoClerk(server.rstrip("/"), counter.number)
        status, answer = clerk.send(
            "POST", "/api/session", {"username": username, "password": password}
        )
        if status != 200:
            raise click.ClickException(f"Cannot sign in at {server}: {status} {answer}")
        clerk.csrf = answer["csrf_token"]
        status, answer = clerk.send("POST", f"/api/counters/{counter.number}/open")
        if status == 200:
            clerks.append(clerk)
        else:
            click.echo(f"counter {counter.number}: {answer.get('message')}")
    # Visitors come for every service; the opened counters serve theirs, the rest just wait.
    services = [service.code for service in list_services(database) if service.enabled]
    priorities = [None] * 8 + ["elderly", "disabled", "pregnant"]
    deadline = time.monotonic() + minutes * 60
    next_visitor = time.monotonic()
    click.echo(
        f"Demo running on {server} with counters {[c.counter for c in clerks]}; Ctrl+C stops."
    )
    issued = 0
    while time.monotonic() < deadline:
        moment = time.monotonic()
        if moment >= next_visitor and services:
            status, answer = clerks[0].send(
                "POST",
                "/api/tickets",
                {
                    "service": randomness.choice(services),
                    "kiosk": "k1",
                    "priority": randomness.choice(priorities),
                },
            )
            issued += status == 201
            next_visitor = moment + randomness.expovariate(per_hour / 3600 * speed)
        for clerk in clerks:
            if moment < clerk.busy_until:
                continue
            status, answer = clerk.send("GET", f"/api/counters/{clerk.counter}")
            ticket = answer.get("ticket") if status == 200 else None
            if ticket is None:
                clerk.send("POST", f"/api/counters/{clerk.counter}/next")
                clerk.busy_until = moment + 20 / speed
            elif ticket["status"] == "called":
                action = "no-show" if randomness.random() < 0.08 else "start"
                clerk.send("POST", f"/api/counters/{clerk.counter}/{action}")
                clerk.busy_until = moment + randomness.uniform(180, 600) / speed
            else:
                status, answer = clerk.send("POST", f"/api/counters/{clerk.counter}/finish")
                if status == 200 and randomness.random() < rating_share:
                    score = randomness.choice(SCORES)
                    clerk.send(
                        "POST", "/api/ratings", {"ticket": answer["ticket"]["id"], "score": score}
                    )
        time.sleep(0.2)
    click.echo(f"Demo over: {issued} tickets issued.")
