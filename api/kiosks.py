"""What kiosks' printers report: a print agent on a kiosk PC says how each ticket printed."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.auth import STAFF, require
from api.schemas import PrinterReport
from api.validation import documented, parse
from core.domain_events import printer_reported
from core.events import record_print
from db.web import get_db, now


@bp.post("/kiosks/<kiosk>/printer")
@require(*STAFF)
@documented(
    "A print agent reports how a ticket printed (or the printer's state)",
    body=PrinterReport,
    access="staff",
    responses={204: "noted"},
)
def report_printer(kiosk: str) -> ResponseReturnValue:
    report = parse(PrinterReport)
    moment = now()
    if report.ticket is not None:
        record_print(
            get_db(),
            report.ticket,
            kiosk=kiosk[:32],
            printer="agent:",
            ok=report.ok,
            reason=report.reason,
            now=moment,
        )
    realtime.dispatch(
        [
            printer_reported(
                kiosk[:32], ok=report.ok, reason=report.reason, ticket=report.ticket, now=moment
            )
        ]
    )
    return "", 204
