"""Rate limits on the public doors, so nobody empties a day's quota or guesses a password by script.

`QMS_TICKET_RATE_LIMIT` is "N/second", "N/minute" or "N/hour" per client address, or "off".
At 30 a minute one address could still take 150 tickets in 5 minutes and empty a service's
daily quota, so `POST /api/tickets` is also capped per day (`QMS_TICKET_DAILY_LIMIT`, a number
of tickets, or "off"). Both count per `ticket_client()`: the client's address; a paired device
(a kiosk, a tablet) is counted by itself instead (api/paired.py), so kiosks behind one router
do not share one limit.
Signing in is limited per client address here (LOGIN_LIMIT), and its wrong passwords lock a name
from an address, or an address, in lockouts.py. An address may hold a few pairing codes waiting
at once (`QMS_PAIRING_ADDRESS_LIMIT`, counted in the database by core/devices.py, so over every
worker), so that one script cannot take all the center's codes.

A request with a valid integration token (`Authorization: Bearer`) is not counted against its
address: the limit is for strangers, and a program the center gave a token answers by that
token's name and is stopped by revoking it. So `flask demo`'s simulated visitors, which carry a
token of their own, leave the limit of a kiosk tried on the same machine whole.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.auth import current_user
from api.paired import HEADER, current_device
from core.devices import PENDING_PER_ADDRESS
from shared import prefix_for

View = TypeVar("View", bound=Callable[..., Any])


class _Limiter(Limiter):
    """Counts in the message queue's Redis when several workers serve the center, so an address
    counts once over all of them; in memory otherwise (or where RATELIMIT_STORAGE_URI says)."""

    def init_app(self, app: Flask) -> None:
        app.config.setdefault(
            "RATELIMIT_STORAGE_URI", app.config.get("MESSAGE_QUEUE") or "memory://"
        )
        app.config.setdefault("RATELIMIT_KEY_PREFIX", prefix_for(app))  # two centers, one Redis
        daily = str(app.config.get("TICKET_DAILY_LIMIT", TICKET_DAILY_LIMIT)).strip()
        if daily != "off" and not (daily.isdigit() and int(daily) > 0):
            raise ValueError(
                "QMS_TICKET_DAILY_LIMIT must be a whole number of tickets (100), or off;"
                f" not {daily!r}."
            )
        pairing = str(app.config.get("PAIRING_ADDRESS_LIMIT", PENDING_PER_ADDRESS)).strip()
        if not (pairing.isdigit() and int(pairing) > 0):
            raise ValueError(
                "QMS_PAIRING_ADDRESS_LIMIT must be a whole number of pairing codes"
                f" ({PENDING_PER_ADDRESS}); not {pairing!r}."
            )
        super().init_app(app)


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For when QMS_PROXY_HOPS trusts one)."""
    return get_remote_address()


limiter = _Limiter(key_func=client_address, default_limits=[])

LOGIN_LIMIT = "10/minute"  # sign-in attempts per client address
TICKET_DAILY_LIMIT = 100  # tickets a day per unpaired client address (QMS_TICKET_DAILY_LIMIT)


def ticket_client() -> str:
    """Whom a ticket counts against: a paired device by its own key, anyone else by address."""
    device = current_device() if request.headers.get(HEADER) else None
    return f"device:{device.id}" if device is not None else f"address:{client_address()}"


def ticket_rate_limit() -> str:
    return str(current_app.config["TICKET_RATE_LIMIT"]).strip()


def ticket_limit_off() -> bool:
    return ticket_rate_limit() == "off"


def pairing_address_limit() -> int | None:
    """Pairing codes one client address may hold waiting at once (QMS_PAIRING_ADDRESS_LIMIT);
    None when QMS_TICKET_RATE_LIMIT=off lifts the per-address limits."""
    if ticket_limit_off():
        return None
    return int(str(current_app.config.get("PAIRING_ADDRESS_LIMIT", PENDING_PER_ADDRESS)).strip())


def ticket_daily_limit() -> str:
    """QMS_TICKET_DAILY_LIMIT as Flask-Limiter reads it ("100/day"); "" when off."""
    value = str(current_app.config.get("TICKET_DAILY_LIMIT", TICKET_DAILY_LIMIT)).strip()
    return "" if value == "off" else f"{int(value)}/day"


def ticket_limited(view: View) -> View:
    """Limit a public door by QMS_TICKET_RATE_LIMIT; with "off", skip the limiter entirely.

    Flask-Limiter's decorator resolves its limits on every call even when it is disabled,
    which was a sixth of a ticket's server time in load tests.
    """
    return _limited(view, ticket_rate_limit)


def ticket_door_limited(view: View) -> View:
    """The ticket door's limits: QMS_TICKET_RATE_LIMIT, and QMS_TICKET_DAILY_LIMIT a day.

    One decorator with both limits ("30/minute;100/day"): two stacked would count each ticket
    twice. QMS_TICKET_RATE_LIMIT=off lifts both (it lifts every per-address limit).
    """
    return _limited(
        view, lambda: ";".join(filter(None, (ticket_rate_limit(), ticket_daily_limit())))
    )


def _limited(view: View, limits: Callable[[], str]) -> View:
    limited = limiter.limit(limits, key_func=ticket_client, exempt_when=by_token)(view)

    @wraps(view)
    def choose(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs) if ticket_limit_off() else limited(*args, **kwargs)

    return choose  # type: ignore[return-value]


def feedback_rate_limits() -> str:
    """The tickets' limit and QMS_FEEDBACK_RATE_LIMIT together ("30/minute;20/hour")."""
    return f"{ticket_rate_limit()};{str(current_app.config['FEEDBACK_RATE_LIMIT']).strip()}"


def feedback_limited(view: View) -> View:
    """Limit the suggestion box per address by QMS_FEEDBACK_RATE_LIMIT as well as by the
    tickets' limit (one decorator: stacked, Flask-Limiter would count each request twice): a
    visitor writes once or twice, a script that would fill the supervisors' list is stopped.
    Like every limit, lifted by QMS_TICKET_RATE_LIMIT=off."""
    limited = limiter.limit(feedback_rate_limits, exempt_when=by_token)(view)

    @wraps(view)
    def choose(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs) if ticket_limit_off() else limited(*args, **kwargs)

    return choose  # type: ignore[return-value]


def by_token() -> bool:
    """The request carries a valid integration token (a program the center knows by name)."""
    return request.headers.get("Authorization", "").startswith("Bearer ") and (
        current_user() is not None
    )
