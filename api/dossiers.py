"""Dossiers at the kiosk: a visitor coming back for the result ("Trả kết quả") scans the
receipt's dossier code (or types it) and gets a ticket of the service that took the dossier.

A public door like POST /api/tickets, and limited like it (it issues tickets). It answers the
new ticket and nothing of the ticket that carried the code before: not its label, its clerk,
its rating or when it was served. A code that no ticket carried is 404 `unknown_dossier`.
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.limits import ticket_limited
from api.schemas import DossierTicket
from api.tickets import delivered
from api.validation import documented, parse
from core.center import get_center
from core.domain_events import collect
from core.dossiers import dossier_service, read_dossier
from core.errors import InvalidInput
from core.tickets import issue_ticket
from db.web import get_db, now


@bp.post("/tickets/dossier")
@ticket_limited
@documented(
    "Issue a ticket for the result of a dossier (kiosk, 'Trả kết quả'): of the service that"
    " took it",
    body=DossierTicket,
    responses={
        201: "issued: the answer of POST /api/tickets, with `dossier`",
        400: "bad_dossier: not a dossier code of this center",
        404: "unknown_dossier: no ticket carried this code",
        409: "the service is closed or its quota reached",
        429: "too many tickets from this client",
    },
)
def dossier_ticket() -> ResponseReturnValue:
    body = parse(DossierTicket)
    database = get_db()
    code = read_dossier(body.dossier, get_center(database).dossier_pattern)
    if code is None:
        raise InvalidInput("Scan or type the dossier code on the receipt.", code="bad_dossier")
    issued, events = collect(
        issue_ticket,
        database,
        dossier_service(database, code),
        now=now(),
        kiosk=body.kiosk,
        dossier=code,
        default_service_s=current_app.config["DEFAULT_SERVICE_S"],
    )
    answer = delivered(database, issued, kiosk=body.kiosk, paper=body.paper)
    realtime.dispatch(events)
    return jsonify({**answer, "dossier": code}), 201
