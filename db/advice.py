"""The advisor's minute tick: every minute the server logs a round of advice
(core/advice_log.py), so that the proposals, their expiry and the queues' waits 30 minutes later
are logged whether or not a supervisor has the monitor open.

Each worker process ticks on its own, as the midnight watch does (db/midnight.py): a round runs
in one `BEGIN IMMEDIATE` and is idempotent (a pending move keeps its row), so the second worker
in a minute logs nothing new. That spares the file lock the backups need, which exists because
a backup copied twice is a waste, while a round run twice is not.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from core.advice_log import log_round
from db.web import get_db, now

log = logging.getLogger(__name__)
TICK_S = 60.0


def start_advice_tick(app: Flask) -> threading.Thread:
    """Log a round of advice every minute (a greenlet under gevent) while the server runs."""
    thread = threading.Thread(target=_tick, args=(app,), name="advice", daemon=True)
    thread.start()
    return thread


def advise_once(app: Flask) -> int:
    """Log one round; answer how many moves it proposed. A failure is logged, never raised."""
    with app.app_context():
        try:
            return len(log_round(get_db(), now=now()))
        except Exception:  # the server keeps serving; the next tick tries again
            log.exception("logging a round of advice failed")
            return 0


def _tick(app: Flask) -> None:
    while True:
        time.sleep(TICK_S)
        advise_once(app)
