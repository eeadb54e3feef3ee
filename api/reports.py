"""Reports: the route exists so clients see a clear 501 until it is built."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SUPERVISORS, require
from api.errors import error
from api.validation import documented


@bp.get("/reports/summary")
@require(*SUPERVISORS)
@documented(
    "Summary report (not available yet)", access="supervisor", responses={501: "not available yet"}
)
def summary() -> ResponseReturnValue:
    return error(501, "not_implemented", "Reports are not available in this version yet.")
