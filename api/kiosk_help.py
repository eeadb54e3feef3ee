"""A kiosk calls a guide, and a supervisor answers (core.kiosk_help).

Asking is a public door like the kiosk's tickets: the kiosk page has no session. It takes no
body and names a kiosk the center knows, so all a stranger on the hall's Wi-Fi can do is call a
guide to a real kiosk, a few times a minute at most (HELP_LIMIT per address, on top of the
global body-size limit). The push names the kiosk alone.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.auth import SUPERVISORS, current_user, require
from api.limits import limiter
from api.validation import documented
from core.domain_events import collect
from core.kiosk_help import HelpRequest, acknowledge_help, ask_for_help
from db.web import get_db, now

HELP_LIMIT = "3/minute;20/hour"  # a visitor who taps again hears the screen again, not a new call


@bp.post("/kiosks/<kiosk>/help")
@limiter.limit(HELP_LIMIT)
@documented(
    "A visitor at the kiosk asks for a guide: supervisors' monitors show the kiosk's name",
    responses={
        202: "the guide is called: {kiosk, name, at, until}",
        404: "no such kiosk in this center (unknown_kiosk)",
        429: "too many calls from this client",
    },
)
def call_a_guide(kiosk: str) -> ResponseReturnValue:
    request, events = collect(ask_for_help, get_db(), kiosk[:64], now=now())
    realtime.dispatch(events)
    return jsonify(_answer(request)), 202


@bp.post("/kiosks/<kiosk>/help/acknowledge")
@require(*SUPERVISORS)
@documented(
    "A supervisor is on the way to the kiosk: every monitor stops showing its call",
    access="supervisor",
    responses={200: "{kiosk, name, at, acknowledged_by}", 404: "no such kiosk (unknown_kiosk)"},
)
def acknowledge_a_call(kiosk: str) -> ResponseReturnValue:
    user = current_user()
    assert user is not None  # require() let a signed-in supervisor through
    request, events = collect(acknowledge_help, get_db(), kiosk[:64], by=user.username, now=now())
    realtime.dispatch(events)
    return jsonify(_answer(request) | {"acknowledged_by": request.acknowledged_by})


def _answer(request: HelpRequest) -> dict[str, str]:
    return {"kiosk": request.kiosk, "name": request.name, "at": request.at, "until": request.until}
