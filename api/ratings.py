"""Ratings: the route exists so clients see a clear 501 until it is built."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import bp
from api.errors import error
from api.validation import documented


@bp.post("/ratings")
@documented("Rate a finished ticket (not available yet)", responses={501: "not available yet"})
def rate() -> ResponseReturnValue:
    return error(501, "not_implemented", "Ratings are not available in this version yet.")

