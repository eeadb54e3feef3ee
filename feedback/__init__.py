"""The suggestion box, as visitors meet it (design.md section 9): the form at /feedback/ (from the
kiosk's first screen, the track page and the QR poster in the hall), the page that follows an
answer at /feedback/<code>, and the poster itself. Phone-sized first, Vietnamese first.

From the track page the form carries the ticket's token (`?ticket=`), so the feedback is tied to
the ticket and its service, counter and clerk; from the kiosk it carries `?kiosk=` (the kiosk's
id, or empty), and then offers the way back, returns by itself when left alone, and shows the
code as a QR code to take away on a phone. The follow page reads the answer from the API
(limited per address), so nothing here reads a feedback by its code.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.center import get_center, list_services
from core.errors import NotFound
from core.feedback_records import CODE_NOISE, spaced_code
from core.tickets import find_by_token
from core.vocabulary import (
    BOOKING_CODE_ALPHABET,
    FEEDBACK_CODE_LENGTH,
    FEEDBACK_CONTACT_MAX,
    FEEDBACK_TEXT_MAX,
    ID,
)
from db.web import get_db
from qr_codes import public_base_url, qr_svg_response

bp = Blueprint(
    "feedback",
    __name__,
    url_prefix="/feedback",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

CODE = re.compile(f"[{BOOKING_CODE_ALPHABET}]{{{FEEDBACK_CODE_LENGTH}}}")
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    token = request.args.get("ticket", "")
    kiosk = request.args.get("kiosk")  # present, even empty: opened from a kiosk
    ticket = None
    if TOKEN.fullmatch(token):
        try:
            ticket = find_by_token(database, token)
        except NotFound:
            token = ""  # a link gone stale: the feedback is still welcome, untied
    else:
        token = ""
    services = [service for service in list_services(database) if service.enabled]
    center = get_center(database)
    return render_template(
        "feedback/form.html",
        center=center,
        ticket=ticket,
        token=token,
        home_url=_kiosk_home(kiosk, center.language),
        services=services,
        service_names={service.code: service for service in services},
        text_max=FEEDBACK_TEXT_MAX,
        contact_max=FEEDBACK_CONTACT_MAX,
    )


def _kiosk_home(kiosk: str | None, language: str) -> str | None:
    """The kiosk's first screen in the center's language (where a kiosk left alone returns),
    for a form opened from a kiosk; None for a phone. Only the kiosk's own arguments are
    carried: the way back is no redirect to anywhere."""
    if kiosk is None:
        return None
    arguments: dict[str, Any] = {"lang": language}
    if ID.fullmatch(kiosk):
        arguments["kiosk"] = kiosk
    if request.args.get("camera") == "1":
        arguments["camera"] = "1"
    return url_for("kiosk.page", **arguments)


@bp.get("/<code>")
def follow(code: str) -> ResponseReturnValue:
    wanted = CODE_NOISE.sub("", code).upper()
    if not CODE.fullmatch(wanted):
        abort(404)
    if wanted != code:  # typed loosely: the page's own address is the plain code
        return Response(status=302, headers={"Location": url_for("feedback.follow", code=wanted)})
    return render_template(
        "feedback/follow.html", center=get_center(get_db()), code=code, spaced=spaced_code(code)
    )


@bp.get("/poster")
def poster() -> ResponseReturnValue:
    """An A4 poster for the hall: the QR code of the form, in large type, to print."""
    return render_template(
        "feedback/poster.html",
        center=get_center(get_db()),
        form_url=urljoin(public_base_url(), url_for("feedback.page")),
    )


@bp.get("/qr.svg")
def qr_code() -> ResponseReturnValue:
    """The QR code of the form (no `code`) or of a feedback's follow page: nothing else, so the
    route is no QR service for any text."""
    code = request.args.get("code")
    if code is None:
        path = url_for("feedback.page")
    elif CODE.fullmatch(code):
        path = url_for("feedback.follow", code=code)
    else:
        abort(400, "Only feedback codes are encoded.")
    return qr_svg_response(urljoin(public_base_url(), path))
