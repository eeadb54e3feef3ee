"""Which paired device is asking, and what that lets it do at the public doors.

A paired device sends its token in the `X-Device-Token` header (its sockets in their `auth`,
realtime_connections.py). The public doors stay public where the contract says so (a kiosk
takes tickets unpaired), but what acts in a device's name needs that device's token:

- a rating by ticket id comes from the rating tablet paired with that ticket's counter
  (`refuse_unless_tablet_of`), so a stranger on the hall Wi-Fi cannot rate for the visitor;
- a ticket prints on kiosk K only when the request bears the token of the device paired as
  kiosk K (`may_print_on`); any other request still gets its ticket, on screen;
- a paired device is rate limited by its own count, not by its network address (`client_key`),
  so kiosks behind one router do not share one limit.
"""

from __future__ import annotations

from flask import g, request
from flask_limiter.util import get_remote_address

from core.devices import Device, device_for_token
from core.errors import NotFound, QueueError
from db.web import get_db, now

HEADER = "X-Device-Token"


class NotPaired(QueueError):
    """The request needs a paired device that it does not bear (403)."""

    status = 403
    code = "not_paired"


def current_device() -> Device | None:
    """The paired device whose token this request bears, checked once per request."""
    if "device" not in g:
        token = request.headers.get(HEADER, "").strip()
        g.device = device_for_token(get_db(), token, now=now()) if token else None
    device: Device | None = g.device
    return device


def refuse_unless_tablet_of(ticket_id: int) -> None:
    """Let a rating by ticket id through only from the tablet paired with its counter."""
    device = current_device()
    if device is None or device.kind != "tablet":
        raise NotPaired(
            "A rating by ticket number comes from the rating tablet paired with the counter"
            " (or from the visitor's own ticket link). Pair this tablet in the admin pages.",
        )
    found = get_db().execute("SELECT counter FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    if found is None:
        raise NotFound(f"No ticket {ticket_id}.")
    if found[0] is not None and not device.is_tablet_of(found[0]):  # None: never served (409)
        raise NotPaired(
            f"This tablet is paired with counter {device.target}; the ticket was served at"
            f" counter {found[0]}.",
            code="other_counter",
        )


def kiosk_of_request(named: str | None) -> str | None:
    """The kiosk a ticket comes from: the one named, else the paired kiosk's own."""
    device = current_device()
    if named is None and device is not None and device.kind == "kiosk":
        return device.target
    return named


def may_print_on(kiosk: str | None) -> bool:
    """Whether this request may print on `kiosk`'s paper: only the device paired as it may.

    A request naming no kiosk prints where the server's default printer says (none by default).
    """
    if kiosk is None:
        return True
    device = current_device()
    return device is not None and device.is_kiosk(kiosk)


def client_key() -> str:
    """Whom a rate limit counts: a paired device by its id, anyone else by address."""
    device = current_device() if request.headers.get(HEADER) else None
    return f"device:{device.id}" if device is not None else get_remote_address()
