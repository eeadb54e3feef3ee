"""Purging personal data: `flask --app server purge --older-than DAYS`, and the same once a day
in the server when `QMS_RETENTION_DAYS` is set (core/retention.py says what is purged).

The server's daily purge also deletes the staff sessions that ended more than a day ago
(core/sessions.py), whatever the retention: they are housekeeping, not a record to keep.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.errors import QueueError
from core.retention import purge_personal_data
from core.sessions import purge_sessions
from db import connect, migrate

log = logging.getLogger(__name__)
DAY_S = 24 * 60 * 60


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(0, None),
    required=True,
    help="Blank the personal data of center days more than DAYS ago.",
)
@with_appcontext
def purge(days: int) -> None:
    """Blank the personal data (bookings' names and phones, ID hashes, rating comments,
    feedback contacts) of days older than DAYS; the counts stay."""
    database = connect(current_app.config["DATABASE"])
    try:
        migrate(database)
        purged = purge_personal_data(database, older_than_days=days, now=datetime.now(UTC))
    except QueueError as error:
        raise click.ClickException(error.message) from error
    finally:
        database.conn.close()
    click.echo(", ".join(f"{kind}: {count} purged" for kind, count in purged.items()))


def start_daily_purge(app: Flask) -> threading.Thread:
    """Purge now and then once a day, for as long as the server runs (a greenlet under gevent):
    the ended sessions always, the personal data when QMS_RETENTION_DAYS is set. Each worker
    may run one: a purge done twice changes nothing."""
    days = app.config.get("RETENTION_DAYS")
    keep = None if days in (None, "") else int(days)
    thread = threading.Thread(
        target=_purge_daily,
        args=(app.config["DATABASE"], keep, app.permanent_session_lifetime),
        name="purge",
        daemon=True,
    )
    thread.start()
    return thread


def _purge_daily(path: str, days: int | None, session_lifetime: timedelta) -> None:
    while True:
        purge_once(path, days, session_lifetime)
        time.sleep(DAY_S)


def purge_once(path: str, days: int | None, session_lifetime: timedelta) -> None:
    """One day's purge; a failure is logged and retried tomorrow, the server keeps serving."""
    database = connect(path)
    try:
        moment = datetime.now(UTC)
        sessions = purge_sessions(database, now=moment, lifetime=session_lifetime)
        log.info("%d ended staff sessions purged", sessions)
        if days is not None:
            purged = purge_personal_data(database, older_than_days=days, now=moment)
            log.info("personal data older than %d days purged: %s", days, purged)
    except Exception:
        log.exception("the daily purge failed")
    finally:
        database.conn.close()
