"""Rate limits on the public doors, so nobody empties a day's quota by script.

`QMS_TICKET_RATE_LIMIT` is "N/second", "N/minute" or "N/hour" per client address, or "off".
"""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[])


def ticket_rate_limit() -> str:
    value = str(current_app.config["TICKET_RATE_LIMIT"]).strip()
    return "1000000/second" if value == "off" else value


def ticket_limit_off() -> bool:
    return str(current_app.config["TICKET_RATE_LIMIT"]).strip() == "off"
