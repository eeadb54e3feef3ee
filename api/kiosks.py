"""What kiosks' printers report: a print agent on a kiosk PC says how each ticket printed.

The agent is a device of its own kind, paired as one kiosk's print agent (`flask pair-device
print_agent KIOSK`): it reports for that kiosk alone, with its `X-Device-Token`, and has no staff
role. Staff may report too (a program the center gave a token).
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.auth import STAFF, require
from api.paired import current_device
from api.schemas import PrinterReport
from api.validation import documented, parse
from core.domain_events import printer_reported
from core.events import record_print
from db.web import get_db, now


@bp.post("/kiosks/<kiosk>/printer")
@documented(
    "A print agent reports how a ticket printed (or the printer's state)",
    body=PrinterReport,
    access="staff",
    responses={204: "noted", 401: "neither the kiosk's print agent nor staff"},
)
def report_printer(kiosk: str) -> ResponseReturnValue:
    device = current_device()
    if device is not None and device.kind == "print_agent" and device.target == kiosk:
        return _noted(kiosk)
    return _noted_for_staff(kiosk)


def _noted(kiosk: str) -> ResponseReturnValue:
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


_noted_for_staff = require(*STAFF)(_noted)
