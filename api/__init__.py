"""The JSON API under /api (design.md section 4): the contract the pages, kiosks, call buttons and
other programs use. Views are thin: validate, call core/, publish after the commit, answer.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from api import (  # noqa: E402,F401  (the modules register their routes on bp)
    admin,
    admin_tokens,
    advice,
    appointments,
    counters,
    devices,
    dossiers,
    errors,
    feedback,
    kiosk_help,
    kiosks,
    openapi,
    rating_reports,
    ratings,
    reports,
    services,
    session,
    simulate,
    tickets,
)


@bp.record_once
def _bind_limiter(state) -> None:  # type: ignore[no-untyped-def]
    from api.limits import limiter

    limiter.init_app(state.app)
