"""The hall display surface: the calls in large type, the queues, and the spoken announcement."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from core.center import display_scope, get_center, get_setting, list_counters, list_services
from core.models import timestamp
from core.vocabulary import DEFAULT_LANGUAGE, ID, LANGUAGES, counter_name
from db.web import get_db, now
from display.speech import service_clip_key

log = logging.getLogger(__name__)

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
    english = str(get_locale()) == "en"
    display_id = request.args.get("display", "")
    display_id = display_id if ID.fullmatch(display_id) else ""
    scope = display_scope(database, display_id) if display_id else None
    return render_template(
        "display/display.html",
        center=get_center(database),
        display_id=display_id,
        scope=scope,
        services=[
            {
                "code": service.code,
                "name": service.name_en if english and service.name_en else service.name,
            }
            for service in list_services(database)
            if service.enabled and (scope is None or service.code in scope["services"])
        ],
        counter_names={  # only names a center gave; the default "Quầy N" is said by the page
            counter.number: counter.name
            for counter in list_counters(database)
            if counter.name and counter.name != counter_name(counter.number)
        },
        server_now=timestamp(now()),
    )


@bp.get("/audio/<label>/<int:counter>.wav")
def call_audio(label: str, counter: int) -> ResponseReturnValue:
    """The announcement of one call as a WAV: chime and voice clips, cached by its text."""
    if not label.isalnum() or len(label) > 10 or not 0 < counter < 1000:
        abort(404)
    database = get_db()
    settings = {"repeat": 2, **get_setting(database, "announcement", {})}
    language = request.args.get("lang") or settings.get("language") or get_center(database).language
    call_audio = current_app.extensions["qms.call_audio"]
    service = request.args.get("service", "")[:3]
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    try:
        audio = call_audio.render(
            language,
            label.upper(),
            counter,
            service_name_key=service_clip_key(service) if service.isalpha() else None,
            template=settings.get("template"),
            repeat=settings["repeat"],
        )
    except ValueError as error:  # a bad template in the settings: say the call the default way
        log.warning("announcement template refused (%s); using the default", error)
        audio = call_audio.render(language, label.upper(), counter, repeat=settings["repeat"])
    response = Response(audio, mimetype="audio/wav")
    # The server keeps rendered calls; browsers must ask again, or a changed template would
    # replay the old words for an hour.
    response.cache_control.no_cache = True
    return response
