"""The paired devices page: enter the code a device shows, say what it is, and see each device
with when it was last seen and whether it is connected now; revoke one that is lost or moved.

Surfaces never import each other, and the API module answers JSON: what is connected is read
here from realtime's presence, as api/devices.py reads it for GET /api/admin/devices.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from admin import bp, page
from core.center import get_center, list_counters, list_kiosks
from core.configuration.devices import list_devices
from core.configuration.displays import list_displays
from core.models import parse_timestamp
from db.web import get_db
from realtime import device_sockets


@bp.get("/devices")
@page("admin.devices")
def devices() -> dict[str, Any]:
    database = get_db()
    sockets, zone = device_sockets(), get_center(database).zone

    def local(moment: str | None) -> str:
        return parse_timestamp(moment).astimezone(zone).strftime("%d/%m %H:%M") if moment else ""

    return {
        "devices": [
            {
                **device,
                "connected": bool(sockets.members(str(device["id"]))),
                "last_seen_text": local(device["last_seen"]),
                "paired_at_text": local(device["paired_at"]),
            }
            for device in list_devices(database)
        ],
        "kiosks": list_kiosks(database),
        "counters": [counter.number for counter in list_counters(database)],
        "displays": list_displays(database),
        "tablet_url": url_for("counter.rating", _external=True),
        "kiosk_url": url_for("kiosk.page", _external=True),
        "display_url": url_for("display.page", _external=True),
    }
