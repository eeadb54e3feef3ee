"""Pairing devices: a device asks for a code, an admin enters it, the device is known by its token.

The device side is public: `POST /api/devices/pairing` answers a token for the device to keep
and a short code to show (a few codes at once per client address: QMS_PAIRING_ADDRESS_LIMIT);
the device then asks `GET /api/devices/me` with its token (header `X-Device-Token`) until an
admin has paired it. The admin side (`/api/admin/devices`) pairs a
code as a kiosk, display, counter screen, rating tablet or print agent, lists the devices with
when each was last seen and whether it is connected now, and revokes one: its next request is
refused and its open sockets are closed at once. Pairing and revoking are audited.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import Field, StringConstraints

from api import bp
from api.admin import ADMIN, INVALID, change
from api.admin_schemas import AdminChange
from api.auth import require
from api.errors import error
from api.limits import client_address, pairing_address_limit, ticket_limited
from api.paired import HEADER, current_device
from api.validation import documented, parse
from core.configuration import devices
from core.devices import pending_pairing, start_pairing
from db.web import get_db, now
from realtime import close_device_sockets, device_sockets

Kind = Literal["kiosk", "display", "counter_screen", "tablet", "print_agent"]


class AdminDevice(AdminChange):
    code: Annotated[str, StringConstraints(min_length=1, max_length=20)] = Field(
        description="The code the device shows (6 letters and digits; spaces and dashes ignored)."
    )
    kind: Kind = Field(description="What the device is.")
    target: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None,
        description="Its kiosk id (kiosk, print_agent), counter number (tablet, counter_screen)"
        " or display id (display; empty for the whole hall).",
    )
    name: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="What the admin calls it, e.g. 'Tablet quầy 3'."
    )


@bp.post("/devices/pairing")
@ticket_limited
@documented(
    "A device asks to be paired: a token to keep and a short code to show an admin",
    responses={
        201: "{code, token, expires_at}",
        409: "too_many_pairings: too many devices wait at once",
        429: "too many requests from this client, or too_many_pairings_here: this address"
        " holds QMS_PAIRING_ADDRESS_LIMIT codes waiting (Retry-After: when the first lapses)",
    },
)
def start_device_pairing() -> ResponseReturnValue:
    pairing = start_pairing(
        get_db(), now=now(), address=client_address(), address_max=pairing_address_limit()
    )
    return jsonify(code=pairing.code, token=pairing.token, expires_at=pairing.expires_at), 201


@bp.get("/devices/me")
@documented(
    "What the device bearing X-Device-Token is: paired, or still waiting with its code",
    responses={
        200: "{status: 'paired', device: {id, kind, target, name}} or {status: 'pending', code,"
        " expires_at}",
        401: "unpaired: unknown, revoked or expired token; ask for a new code",
    },
)
def this_device() -> ResponseReturnValue:
    device = current_device()
    if device is not None:
        return jsonify(status="paired", device=device.to_dict())
    token = _header_token()
    pending = pending_pairing(get_db(), token, now=now()) if token else None
    if pending is not None:
        return jsonify(status="pending", **pending)
    return error(401, "unpaired", "This device is not paired (or was revoked); pair it again.")


def _header_token() -> str:
    return request.headers.get(HEADER, "").strip()[:200]


@bp.get("/admin/devices")
@require(ADMIN)
@documented(
    "Every paired device, with when it was last seen and whether it is connected now",
    access=ADMIN,
    responses=INVALID,
)
def admin_list_devices() -> ResponseReturnValue:
    return jsonify(devices_with_presence())


def devices_with_presence() -> list[dict[str, object]]:
    """The devices as the admin sees them: `connected` is true while a socket of it is open."""
    sockets = device_sockets()
    return [
        {**device, "connected": bool(sockets.members(str(device["id"])))}
        for device in devices.list_devices(get_db())
    ]


@bp.post("/admin/devices")
@require(ADMIN)
@documented(
    "Pair the device showing a code, as a kiosk, display, counter screen, tablet or print agent",
    body=AdminDevice,
    access=ADMIN,
    responses={
        201: "the device",
        **INVALID,
        404: "unknown_code: no device shows this code now",
    },
)
def admin_pair_device() -> ResponseReturnValue:
    body = parse(AdminDevice)
    paired = devices.pair_device(
        get_db(),
        change(body.reason),
        code=body.code,
        kind=body.kind,
        target=body.target,
        name=body.name,
    )
    return jsonify(paired), 201


@bp.delete("/admin/devices/<int:device_id>")
@require(ADMIN)
@documented(
    "Revoke a paired device: its next request is refused and its sockets are closed",
    body=AdminChange,
    access=ADMIN,
    responses={204: "revoked", **INVALID, 404: "no such device"},
)
def admin_revoke_device(device_id: int) -> ResponseReturnValue:
    body = parse(AdminChange)
    devices.revoke_device(get_db(), change(body.reason), device_id)
    close_device_sockets(device_id)
    return "", 204
