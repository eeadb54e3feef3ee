"""The visitor's booking page (/book/): pick a service that takes bookings, a day and a free
slot, give a name and a phone number, and keep the booking code (large, with its QR code, to
screenshot); or find a booking by its code and cancel it. Phone-sized first, Vietnamese first.

The page arrives with the departments, the services that take bookings and the days open for
booking; book.js asks /api/appointments for the rest.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlite_utils import Database

from core.center import get_center, list_departments
from core.configuration.settings import read_appointments
from core.rows import rows
from core.vocabulary import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH
from db.web import get_db, now
from qr_codes import qr_svg_response

bp = Blueprint(
    "book",
    __name__,
    url_prefix="/book",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

# Only booking codes get a QR code here: the route is no QR service for any text.
CODE = re.compile(f"[{BOOKING_CODE_ALPHABET}]{{{BOOKING_CODE_LENGTH}}}")


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    center = get_center(database)
    services = bookable_services(database)
    departments = [
        {"code": d.code, "name": d.name, "name_en": d.name_en}
        for d in list_departments(database)
        if any(service["department"] == d.code for service in services)
    ]
    window = read_appointments(database)
    today = now().astimezone(center.zone).date()
    days = [(today + timedelta(days=n)).isoformat() for n in range(window.days_ahead + 1)]
    return render_template(
        "book/book.html",
        center=center,
        page_data={"departments": departments, "services": services, "days": days},
        early_min=window.early_min,
        code=request.args.get("code", "")[: BOOKING_CODE_LENGTH * 2],
    )


def bookable_services(database: Database) -> list[dict[str, Any]]:
    """The switched-on services that take bookings, in the kiosk's order."""
    found = rows(
        database,
        "SELECT code, name, name_en, department, guide FROM services"
        " WHERE enabled = 1 AND appointments IS NOT NULL ORDER BY position",
    )
    return [{**row, "guide": json.loads(row["guide"]) if row["guide"] else None} for row in found]


@bp.get("/qr.svg")
def qr_code() -> ResponseReturnValue:
    """The QR code of a booking code, which the kiosk's scanner reads at check-in."""
    code = request.args.get("code", "")
    if not CODE.fullmatch(code):
        abort(400, "Only booking codes are encoded.")
    return qr_svg_response(code)
