"""The services a kiosk offers, with their queues and waits; and the queues as staff watch them."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import STAFF, require
from api.validation import documented
from core.board import services_overview
from core.monitor import queue_overview
from db.web import get_db, now


@bp.get("/services")
@documented("Services with waiting count, estimated wait and whether they take tickets now")
def list_services() -> ResponseReturnValue:
    return jsonify(
        services_overview(
            get_db(), now=now(), default_service_s=current_app.config["DEFAULT_SERVICE_S"]
        )
    )


@bp.get("/queues")
@require(*STAFF)
@documented(
    "Each queue against its target: waiting, priority waiting, longest wait, open counters",
    access="staff",
)
def list_queues() -> ResponseReturnValue:
    return jsonify(queue_overview(get_db(), now=now()))
