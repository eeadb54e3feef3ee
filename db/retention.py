"""Purging personal data: `flask --app server purge --older-than DAYS`, and the same once a day
in the server when `QMS_RETENTION_DAYS` is set (core/retention.py says what is purged)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.errors import QueueError
from core.retention import purge_personal_data
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


def start_daily_purge(app: Flask) -> threading.Thread | None:
    """With QMS_RETENTION_DAYS set, purge now and then once a day, for as long as the server
    runs (a greenlet under gevent). Each worker may run one: a purge done twice changes
    nothing."""
    days = app.config.get("RETENTION_DAYS")
    if days in (None, ""):
        return None
    keep = int(days)
    thread = threading.Thread(
        target=_purge_daily, args=(app.config["DATABASE"], keep), name="purge", daemon=True
    )
    thread.start()
    return thread


def _purge_daily(path: str, days: int) -> None:
    while True:
        database = connect(path)
        try:
            purged = purge_personal_data(database, older_than_days=days, now=datetime.now(UTC))
            log.info("personal data older than %d days purged: %s", days, purged)
        except Exception:  # a failed purge is retried tomorrow; the server keeps serving
            log.exception("the daily purge of personal data failed")
        finally:
            database.conn.close()
        time.sleep(DAY_S)
