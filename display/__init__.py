"""The hall display surface: the calls in large type, the queues, and the spoken announcement."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from core.center import get_center, get_setting, list_services
from db.web import get_db

bp = Blueprint(
    "display",
    __name__,
    url_prefix="/display",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.get("/")
def page() -> ResponseReturnValue:
    database = get_db()
    return render_template(
        "display/display.html",
        center=get_center(database),
        display_id=request.args.get("display", ""),
        services=[service for service in list_services(database) if service.enabled],
    )


@bp.get("/audio/<label>/<int:counter>.wav")
def call_audio(label: str, counter: int) -> ResponseReturnValue:
    """The announcement of one call as a WAV: chime and voice clips, cached by its text."""
    if not label.isalnum() or len(label) > 10 or not 0 < counter < 1000:
        abort(404)
    database = get_db()
    settings = get_setting(database, "announcement", {})
    language = request.args.get("lang") or settings.get("language") or get_center(database).language
    audio = current_app.extensions["qms.call_audio"].render(
        language if language in ("vi", "en") else "vi",
        label.upper(),
        counter,
        template=settings.get("template"),
        repeat=int(settings.get("repeat", 2)),
    )
    response = Response(audio, mimetype="audio/wav")
    response.cache_control.max_age = 3600
    response.cache_control.public = True
    return response
