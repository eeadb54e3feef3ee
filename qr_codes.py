"""QR codes as the surfaces answer them (the kiosk's track links, the booking codes, the
suggestion box's pages): an SVG a phone scans, and the public address a code points to.

Each surface's own route decides what it may encode (a track link, a booking code, a feedback
page), so that no route is a QR service for any text; this module only draws and answers.
"""

from __future__ import annotations

import qrcode
from flask import Response, current_app, request
from qrcode.image.svg import SvgPathImage


def public_base_url() -> str:
    """Where visitors' phones reach this server: PUBLIC_URL, else the address used now."""
    return str(current_app.config.get("PUBLIC_URL") or request.host_url)


def qr_svg_response(data: str) -> Response:
    """An SVG QR code of `data`, cached by the browser for a day."""
    image = qrcode.make(
        data,
        image_factory=SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    response = Response(image.to_string(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
