"""The day's roll-over while the server runs: at each of the center's local midnights (and once
as the server starts, for the midnights it was off), yesterday's waiting tickets are closed as
expired (core/midnight.py) and every screen is pushed the new day's snapshots, so the hall
displays and the kiosks roll to the new day without a reload.

Each worker process watches the clock on its own: closing is idempotent SQL, so the worker that
comes second finds nothing left, and a second snapshot push only repeats the first.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from core.midnight import expire_past_days, next_midnight
from db.web import get_db, now

log = logging.getLogger(__name__)
CHECK_S = 60.0  # the longest nap: a clock set forward is noticed within a minute
PAST_MIDNIGHT_S = 0.5  # wake just after midnight, never just before it


def start_midnight_watch(app: Flask) -> threading.Thread:
    """Close the days that ended while the server was off, then watch for the next midnights
    (a greenlet under gevent) for as long as the server runs."""
    roll_over(app)
    thread = threading.Thread(target=_watch, args=(app,), name="midnight", daemon=True)
    thread.start()
    return thread


def roll_over(app: Flask) -> int:
    """Expire the past days' waiting tickets and push the new day to every screen; answer how
    many tickets were closed. A storage fault is logged and tried again at the next wake."""
    import realtime

    with app.app_context():
        try:
            events = expire_past_days(get_db(), now=now())
        except Exception:  # the server keeps serving; the next wake tries again
            log.exception("closing the past days' waiting tickets failed")
            return 0
        if events:
            log.warning(
                "the day rolled over: %d waiting tickets of past days closed as expired (%s)",
                len(events),
                ", ".join(sorted({str(event.payload["label"]) for event in events})[:20]),
            )
        realtime.dispatch(events)  # their phones, and the new day's snapshots
        if not events:  # nobody was left waiting: the screens still turn to the new day
            realtime.publish_queues()
        return len(events)


def _watch(app: Flask) -> None:
    while True:
        with app.app_context():
            moment = now()
            until = next_midnight(get_db(), now=moment)
        nap = (until - moment).total_seconds() + PAST_MIDNIGHT_S
        time.sleep(min(max(nap, PAST_MIDNIGHT_S), CHECK_S))
        with app.app_context():
            rolled = now() >= until
        if rolled:
            roll_over(app)
