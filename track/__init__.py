"""The visitor's phone page, opened from the ticket's QR code: position, wait, the call."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from core.center import get_center
from core.tickets import find_by_token
from db.web import get_db

bp = Blueprint("track", __name__, template_folder="templates")


@bp.get("/t/<token>")
def page(token: str) -> ResponseReturnValue:
    database = get_db()
    ticket = find_by_token(database, token)
    return render_template(
        "track/track.html", center=get_center(database), ticket=ticket, token=token
    )
