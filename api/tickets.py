"""Tickets: issued at kiosks (public, rate limited), followed by their QR link, and cancelled or
reactivated by supervisors."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify, url_for
from flask.typing import ResponseReturnValue
from sqlite_utils import Database

import realtime
from api import bp
from api.auth import STAFF, SUPERVISORS, current_user, require
from api.limits import ticket_door_limited
from api.paired import kiosk_of_request, may_print_on
from api.schemas import Cancel, NewTicket, PriorityChange
from api.validation import documented, parse
from core import serving
from core.appointment_records import booked_start
from core.center import get_center
from core.configuration.settings import read_priority_policy
from core.domain_events import collect
from core.errors import InvalidInput
from core.events import ticket_events
from core.identity import CardHolder, read_id_card
from core.models import Issued, Ticket
from core.promise import window_text
from core.ratings import rating_offer
from core.tickets import (
    ahead_of,
    find_by_label,
    find_by_token,
    issue_ticket,
    priority_facts,
    track_state,
    wait_range_min,
)
from db.web import get_db, now

LABEL = re.compile(r"^([A-Z]{1,3})\s*0*([0-9]{1,5})$")


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    """A ticket as staff see it (the track token stays out: it is the visitor's key), with the
    slot it was booked for ("09:30") when it came from a booking."""
    data = ticket.to_dict()
    data.pop("token")
    data["appointment"] = booked_start(get_db(), ticket.id)
    return data


@bp.post("/tickets")
@ticket_door_limited
@documented(
    "Issue a ticket (kiosk); prints it when the request comes from the paired kiosk with a printer",
    body=NewTicket,
    responses={
        201: "issued",
        400: "bad_id_qr: not an ID card's QR code",
        404: "unknown service",
        409: "closed or quota reached",
        429: "too many tickets from this client (rate_limited), or today (daily_limit)",
    },
)
def create_ticket() -> ResponseReturnValue:
    request_body = parse(NewTicket)
    database = get_db()
    kiosk = kiosk_of_request(request_body.kiosk)
    issued, events = collect(
        issue_ticket,
        database,
        request_body.service,
        now=now(),
        priority=request_body.priority,
        kiosk=kiosk,
        holder=card_holder(request_body.id_qr),
        elderly_age=read_priority_policy(database).elderly_age,
        default_service_s=current_app.config["DEFAULT_SERVICE_S"],
    )
    answer = delivered(database, issued, kiosk=kiosk, paper=request_body.paper)
    realtime.dispatch(events)
    return jsonify(answer), 201


def delivered(
    database: Database, issued: Issued, *, kiosk: str | None, paper: bool
) -> dict[str, Any]:
    """Print a ticket just issued (or show it on screen) and answer it as the kiosk reads it;
    the ticket door and a booking's check-in answer alike.

    Only the device paired as the kiosk named prints on its paper; any other request gets its
    ticket on screen, with the reason `kiosk_not_paired`.
    """
    ticket = issued.ticket
    track_url = url_for("track.page", token=ticket.token)
    if not paper or may_print_on(kiosk):  # no paper asked: the visitor's choice says why
        printing = current_app.extensions["qms.printing"].deliver(
            database, issued, track_url, kiosk=kiosk, paper=paper, now=now()
        )
    else:
        printing = {"status": "skipped", "reason": "kiosk_not_paired"}
    return {
        "id": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "priority": ticket.priority,
        **priority_facts(database, ticket.id),
        "issued_at": ticket.issued_at,
        "ahead": issued.ahead,
        "estimated_wait_s": issued.estimated_wait_s,
        "estimated_wait_range_min": list(wait_range_min(issued.estimated_wait_s)),
        "call_window": (
            window_text(database, ticket.window_from, ticket.window_to)
            if ticket.window_from and ticket.window_to
            else None
        ),
        "track_url": track_url,
        "print": printing,
    }


def card_holder(id_qr: str | None) -> CardHolder | None:
    """What is kept of the ID card the kiosk read (its hash keyed with the instance secret)."""
    if id_qr is None:
        return None
    database = get_db()
    today = now().astimezone(get_center(database).zone).date()
    return read_id_card(id_qr, key=str(current_app.config["SECRET_KEY"]).encode(), today=today)


@bp.get("/tickets/<token>")
@documented("Follow a ticket from its QR link", responses={200: "ticket", 404: "unknown link"})
def track_ticket(token: str) -> ResponseReturnValue:
    database = get_db()
    ticket = find_by_token(database, token)
    state = track_state(database, ticket, current_app.config["DEFAULT_SERVICE_S"], now=now())
    return jsonify({**state, "rating": rating_offer(database, ticket, now=now())})


@bp.get("/tickets/label/<label>")
@require(*STAFF)
@documented(
    "Today's ticket with this label, with its history (staff: find a visitor's ticket)",
    access="staff",
    responses={200: "ticket", 400: "not a ticket number", 404: "no such ticket today"},
)
def find_ticket(label: str) -> ResponseReturnValue:
    match = LABEL.match(label.strip().upper())
    if match is None:
        raise InvalidInput(f"{label!r} is not a ticket number such as A005.", code="bad_label")
    database = get_db()
    ticket = find_by_label(
        database, f"{match[1]}{int(match[2]):03d}", get_center(database).day(now())
    )
    return jsonify(
        ticket=ticket_json(ticket),
        ahead=ahead_of(database, ticket),
        events=ticket_events(database, ticket.id),
    )


@bp.post("/tickets/<int:ticket_id>/cancel")
@require(*SUPERVISORS)
@documented(
    "Cancel a waiting ticket, with a reason",
    body=Cancel,
    access="supervisor",
    responses={200: "cancelled", 409: "not waiting"},
)
def cancel_ticket(ticket_id: int) -> ResponseReturnValue:
    reason = parse(Cancel).reason
    user = current_user()
    assert user is not None
    ticket, events = collect(
        serving.cancel, get_db(), ticket_id, clerk=user.username, now=now(), reason=reason
    )
    realtime.dispatch(events)
    return jsonify(ticket=ticket_json(ticket))


@bp.post("/tickets/<int:ticket_id>/priority")
@require(*STAFF)
@documented(
    "Make a waiting ticket priority (or regular), with a reason that is logged",
    body=PriorityChange,
    access="staff",
    responses={200: "changed", 400: "unknown category", 409: "not waiting"},
)
def change_priority(ticket_id: int) -> ResponseReturnValue:
    change = parse(PriorityChange)
    user = current_user()
    assert user is not None
    ticket, events = collect(
        serving.set_priority,
        get_db(),
        ticket_id,
        change.priority,
        clerk=user.username,
        now=now(),
        reason=change.reason,
    )
    realtime.dispatch(events)
    return jsonify(ticket=ticket_json(ticket))


@bp.post("/tickets/<int:ticket_id>/reactivate")
@require(*SUPERVISORS)
@documented(
    "Put a no-show ticket back in its queue",
    access="supervisor",
    responses={200: "waiting again", 409: "not a no-show"},
)
def reactivate_ticket(ticket_id: int) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    ticket, events = collect(
        serving.reactivate, get_db(), ticket_id, clerk=user.username, now=now()
    )
    realtime.dispatch(events)
    return jsonify(ticket=ticket_json(ticket))
