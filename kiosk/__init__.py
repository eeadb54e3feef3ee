"""The kiosk surface: the touch screen where visitors take a ticket.

The page is a shell rendered with today's services, so it shows at once; kiosk.js then keeps it
live from the `/kiosk` socket (or, while the socket is down, from GET /api/services).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from core.board import services_overview
from core.center import get_center, list_departments, list_priority_categories
from core.configuration.settings import read_appointments, read_priority_policy
from core.vocabulary import BOOKING_CODE_ALPHABET, ID
from db.web import get_db, now
from qr_codes import public_base_url, qr_svg_response

bp = Blueprint(
    "kiosk",
    __name__,
    url_prefix="/kiosk",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

# Only the server's own track pages get a QR code: the route must not become a QR service for
# any text a passer-by puts in the URL.
TRACK_PATH = re.compile(r"/t/[A-Za-z0-9_-]{8,64}")


# Every page denies the camera (security.py); a kiosk that reads ID cards with it is the exception.
CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=(), payment=()"


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    kiosk_id = request.args.get("kiosk", "")
    camera = request.args.get("camera") == "1"
    html = render_template(
        "kiosk/kiosk.html",
        center=get_center(database),
        kiosk_id=kiosk_id if ID.fullmatch(kiosk_id) else "",
        priorities=list_priority_categories(database),
        departments=list_departments(database),
        services=services_overview(
            database, now=now(), default_service_s=current_app.config["DEFAULT_SERVICE_S"]
        ),
        public_url=public_base_url(),
        elderly_age=read_priority_policy(database).elderly_age,
        booking_alphabet=BOOKING_CODE_ALPHABET,
        early_min=read_appointments(database).early_min,
        camera=camera,  # the camera as an ID card's QR reader: only where the URL asks for it
    )
    return html, {"Permissions-Policy": CAMERA_ALLOWED} if camera else {}


@bp.get("/qr.svg")
def qr_code() -> ResponseReturnValue:
    """The QR code of a ticket's track page, as the absolute URL a phone can open."""
    path = request.args.get("data", "")
    if not TRACK_PATH.fullmatch(path):
        abort(400, "Only track links (/t/<token>) are encoded.")
    return qr_svg_response(urljoin(public_base_url(), path))


from kiosk import help_audio  # noqa: E402,F401  (adds its view to bp)
