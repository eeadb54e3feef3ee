"""Getting an issued ticket onto paper, after its commit, within a bounded time.

The ticket exists before printing starts: a printer that is off, out of paper or hung makes the
kiosk show the ticket on screen (number + QR, the paperless path) and logs the failure; it never
loses the ticket, never holds a database transaction, and never holds the answer past the bound.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from sqlite_utils import Database

from core.appointment_records import booked_start
from core.center import (
    get_center,
    get_kiosk,
    get_service,
    list_departments,
    list_priority_categories,
)
from core.domain_events import DomainEvent, printer_reported
from core.events import record_print
from core.models import Issued, Ticket, parse_timestamp
from core.promise import window_text
from core.tickets import wait_range_min
from kiosk.printing import encode_ticket, parse_printer_url, print_ticket
from kiosk.ticket_image import PAPER_WIDTHS, TicketPrintout, render_ticket

log = logging.getLogger(__name__)

CAPTIONS = {
    "vi": {
        "ahead_caption": "Số người chờ trước bạn",
        "wait_caption": "Thời gian chờ dự kiến",
        "qr_caption": "Quét mã để theo dõi lượt",
        "checklist_caption": "Bạn cần mang theo",
        "appointment": "Lịch hẹn {start}",
        "minutes": "phút",
        "window_caption": "Dự kiến được gọi",
    },
    "en": {
        "ahead_caption": "People ahead of you",
        "wait_caption": "Estimated wait",
        "qr_caption": "Scan to follow your turn",
        "checklist_caption": "Please bring",
        "appointment": "Booked for {start}",
        "minutes": "min",
        "window_caption": "Expected to be called",
    },
}


def wait_range_text(estimated_wait_s: int, minutes_word: str) -> str:
    """The wait as printed: "10–20 phút", the same range every screen shows."""
    low, high = wait_range_min(estimated_wait_s)
    return f"{low}–{high} {minutes_word}"


def _window_text(db: Database, ticket: Ticket) -> str | None:
    """The promised call window as printed: "09:40–09:55" (core/promise.py)."""
    if not (ticket.window_from and ticket.window_to):
        return None
    window = window_text(db, ticket.window_from, ticket.window_to)
    return f"{window['from']}–{window['to']}"


class TicketDelivery:
    """Prints issued tickets on their kiosk's printer; the app keeps one in its extensions."""

    def __init__(
        self,
        *,
        public_url: str,
        default_printer: str,
        timeout_s: float,
        on_status: Callable[[Sequence[DomainEvent]], None] | None = None,
        to_agent: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> None:
        self.public_url = public_url
        self.default_printer = default_printer
        self.timeout_s = timeout_s
        self.on_status = on_status
        self.to_agent = to_agent

    def printout(self, db: Database, issued: Issued, track_url: str) -> TicketPrintout:
        center = get_center(db)
        ticket = issued.ticket
        service = get_service(db, ticket.service)
        departments = {department.code: department.name for department in list_departments(db)}
        priorities = {row["code"]: row["name"] for row in list_priority_categories(db)}
        captions = CAPTIONS.get(center.language, CAPTIONS["vi"])
        issued_at: datetime = parse_timestamp(ticket.issued_at).astimezone(center.zone)
        return TicketPrintout(
            center_name=center.name,
            department_name=departments.get(service.department, ""),
            service_name=service.name,
            label=ticket.label,
            priority_name=priorities.get(ticket.priority) if ticket.priority else None,
            issued_at_text=issued_at.strftime("%d/%m/%Y %H:%M"),
            ahead=issued.ahead,
            wait_text=_window_text(db, ticket)
            or wait_range_text(issued.estimated_wait_s, captions["minutes"]),
            track_url=urljoin(self.public_url or "http://localhost/", track_url),
            footer=center.footer,
            ahead_caption=captions["ahead_caption"],
            wait_caption=captions["window_caption" if ticket.window_from else "wait_caption"],
            qr_caption=captions["qr_caption"],
            appointment_text=_appointment_text(db, ticket.id, captions["appointment"]),
            checklist=_checklist(service.guide),
            checklist_caption=captions["checklist_caption"],
        )

    def deliver(
        self,
        db: Database,
        issued: Issued,
        track_url: str,
        *,
        kiosk: str | None,
        paper: bool,
        now: datetime,
    ) -> dict[str, Any]:
        """Print the ticket if its kiosk prints; answer what happened for the kiosk's screen."""
        if not paper:
            return {"status": "skipped", "reason": "no_paper_requested"}
        config = get_kiosk(db, kiosk) if kiosk else None
        printer = config["printer"] if config else self.default_printer
        paper_width = PAPER_WIDTHS[config["paper"] if config else "80mm"]
        try:
            target = parse_printer_url(printer)
        except ValueError:  # a mistyped URL: print_ticket answers it as a failure to show
            target = None
        if target is not None and not target.prints:
            return {"status": "skipped", "reason": "kiosk_has_no_printer"}
        image = render_ticket(self.printout(db, issued, track_url), width_px=paper_width)
        if target is not None and target.via_agent and kiosk:
            return self._hand_to_agent(kiosk, issued, image)
        result = print_ticket(printer, image, timeout_s=self.timeout_s)
        record_print(
            db,
            issued.ticket.id,
            kiosk=kiosk,
            printer=printer,
            ok=result.ok,
            reason=result.reason,
            now=now,
        )
        if not result.ok:
            log.warning(
                "kiosk %s: printing %s failed: %s", kiosk, issued.ticket.label, result.reason
            )
        if self.on_status is not None:  # the dispatcher's: a printer-state event for the screens
            self.on_status(
                [
                    printer_reported(
                        kiosk, ok=result.ok, reason=result.reason, ticket=issued.ticket.id, now=now
                    )
                ]
            )
        return {"status": "printed" if result.ok else "failed", "reason": result.reason}

    def _hand_to_agent(self, kiosk: str, issued: Issued, image: Any) -> dict[str, Any]:
        """Send the encoded job to the kiosk PC's print agent; it reports the outcome itself.

        The ESC/POS bytes go as base64 text inside the one event: bytes would travel as a second
        websocket message, and python-socketio's client handles each message on a thread of its
        own, so a job's bytes could be read before the event they belong to, and lost."""
        job = {
            "ticket": issued.ticket.id,
            "label": issued.ticket.label,
            "data": base64.b64encode(encode_ticket(image)).decode("ascii"),
        }
        if self.to_agent is None or not self.to_agent(kiosk, job):
            log.warning("kiosk %s: no print agent connected for %s", kiosk, issued.ticket.label)
            return {"status": "failed", "reason": "print agent not connected"}
        return {"status": "sent", "reason": None}


def _checklist(guide: dict[str, Any] | None) -> tuple[str, ...]:
    """The papers a service asks to print on its tickets (its guide's `print_checklist`)."""
    if not guide or not guide.get("print_checklist"):
        return ()
    return tuple(guide.get("papers") or ())


def _appointment_text(db: Database, ticket_id: int, words: str) -> str | None:
    """ "Lịch hẹn 09:30" when the ticket was issued for a booking checked in at the kiosk."""
    start = booked_start(db, ticket_id)
    return words.format(start=start) if start else None
