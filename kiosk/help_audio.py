"""The kiosk's help button reads the screen aloud: GET /kiosk/help/<screen>.wav.

The words come from the clip bank through the speech adapter (`qms.kiosk_guidance`,
display.guidance), never from a speech engine or a network service. The page says which screen
and what the visitor chose; the departments and services a screen lists are read here, from the
center, so a URL can only pick among the center's own names.
"""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask.typing import ResponseReturnValue

from core.center import get_center, list_departments, list_services
from core.vocabulary import DEFAULT_LANGUAGE, LANGUAGES
from db.web import get_db
from kiosk import bp

SCREENS = ("departments", "services", "priority", "booking", "ticket", "error")
LABEL_MAX = 10


@bp.get("/help/<screen>.wav")
def help_audio(screen: str) -> ResponseReturnValue:
    """The screen read aloud; ?lang=, ?department=, ?service=, ?label=, ?coming=1 (a guide was
    called) say what the visitor sees."""
    if screen not in SCREENS:
        abort(404)
    database = get_db()
    services = [service for service in list_services(database) if service.enabled]
    offered = {service.department for service in services}
    departments = [d.code for d in list_departments(database) if d.code in offered]
    department = request.args.get("department", "")
    service = request.args.get("service", "")
    label = request.args.get("label", "")
    language = request.args.get("lang") or get_center(database).language
    audio = current_app.extensions["qms.kiosk_guidance"].render(
        language if language in LANGUAGES else DEFAULT_LANGUAGE,
        screen,
        departments=departments,
        department=department if department in departments else None,
        services=[s.code for s in services if s.department == department],
        service=service if any(s.code == service for s in services) else None,
        label=label if label.isalnum() and len(label) <= LABEL_MAX else None,
        coming=request.args.get("coming") == "1",
    )
    response = Response(audio, mimetype="audio/wav")
    response.cache_control.no_cache = True  # names and clips change with the center
    return response
