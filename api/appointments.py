"""Booking ahead (design.md section 9): a service's free slots, booking one, finding and
cancelling a booking by its code, checking in at the kiosk, and the day's list for the clerks;
and the center's booking window for admins. The public routes are limited per address like
tickets: a code is 6 characters of 32, so guessing one at that pace is hopeless.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import Field, StringConstraints

import realtime
from api import bp
from api.admin import ADMIN, INVALID, change, published
from api.admin_schemas import AdminChange
from api.auth import STAFF, require
from api.limits import ticket_limited
from api.paired import kiosk_of_request
from api.schemas import ID_QR_DESCRIPTION, CardQr, Code, IdQr, ServiceCode
from api.tickets import card_holder, delivered
from api.validation import Body, documented, parse
from core import appointments
from core.appointment_records import day_bookings, find_booking
from core.center import get_center
from core.configuration import settings
from core.configuration.settings import read_priority_policy
from core.domain_events import collect
from core.errors import InvalidInput
from core.items import Appointments
from core.slots import list_slots
from core.vocabulary import VISITOR_NAME_MAX
from db.web import get_db, now

Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\d$")]
Clock = Annotated[str, StringConstraints(pattern=r"^\d\d:\d\d$")]
Phone = Annotated[str, StringConstraints(min_length=1, max_length=20)]

BOOKING_REFUSED = {
    400: "bad input: name, phone, ID number, date or slot",
    404: "unknown service, or one that takes no bookings",
    409: "slot_full, already_booked, too_far, past or closed",
    429: "too many requests from this client",
}


class NewAppointment(Body):
    service: ServiceCode = Field(description="A service that takes bookings.")
    date: Day = Field(description="YYYY-MM-DD, today up to [appointments] days_ahead.")
    start: Clock = Field(description="A slot's start, HH:MM, from /api/appointments/slots.")
    name: Annotated[str, StringConstraints(min_length=1, max_length=VISITOR_NAME_MAX)]
    phone: Phone = Field(description="9-11 digits from 0, or +84; one active booking per phone.")
    id_number: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="The ID card's number (optional); kept only as a keyed hash."
    )


class CancelAppointment(Body):
    phone: Phone = Field(description="The phone number the booking was made with.")


class CheckIn(Body):
    kiosk: Code | None = Field(None, description="The kiosk that checks in (its printer).")
    paper: bool = Field(True, description="False: the visitor wants no paper ticket.")
    id_qr: IdQr = Field(None, description=ID_QR_DESCRIPTION)


class CardCheckIn(CheckIn):
    id_qr: CardQr = Field(description="The ID card's QR text: its number finds the booking.")


class AdminAppointments(Appointments, AdminChange):
    pass


def day_arg(name: str, default: date | None = None) -> date:
    text = request.args.get(name)
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise InvalidInput(f"{name} must be a day, YYYY-MM-DD.", code="bad_date") from None


def id_key() -> bytes:
    """The key ID numbers are hashed with: the instance's secret."""
    return str(current_app.config["SECRET_KEY"]).encode()


@bp.get("/appointments/slots")
@ticket_limited
@documented(
    "A service's slots of a day still to come, with their free places",
    responses={200: "[{start, end, capacity, free}]", **BOOKING_REFUSED},
)
def appointment_slots() -> ResponseReturnValue:
    service = request.args.get("service", "")
    slots = list_slots(get_db(), service, day_arg("date"), now=now())
    return jsonify([slot.__dict__ for slot in slots])


@bp.post("/appointments")
@ticket_limited
@documented("Book a slot", body=NewAppointment, responses={201: "booked", **BOOKING_REFUSED})
def create_appointment() -> ResponseReturnValue:
    body = parse(NewAppointment)
    try:
        day = date.fromisoformat(body.date)
    except ValueError:
        raise InvalidInput("date must be a day, YYYY-MM-DD.", code="bad_date") from None
    booked = appointments.book(
        get_db(),
        body.service,
        day,
        body.start,
        name=body.name,
        phone=body.phone,
        id_number=body.id_number,
        id_key=id_key(),
        now=now(),
    )
    answer = booked.public()
    answer.pop("name")
    return jsonify(answer), 201


@bp.get("/appointments/<code>")
@ticket_limited
@documented(
    "A booking by its code: the slot and a masked name, never the phone",
    responses={200: "the booking", 404: "no booking has this code", 429: "too many requests"},
)
def show_appointment(code: str) -> ResponseReturnValue:
    database = get_db()
    appointments.expire_bookings(database, now=now())
    return jsonify(find_booking(database, code).public())


@bp.post("/appointments/<code>/cancel")
@ticket_limited
@documented(
    "Cancel a booking, with the phone number it was made with",
    body=CancelAppointment,
    responses={
        200: "cancelled",
        400: "not a phone number",
        403: "wrong_phone",
        404: "no booking has this code",
        409: "not booked any more (checked_in, expired, cancelled)",
        429: "too many requests",
    },
)
def cancel_appointment(code: str) -> ResponseReturnValue:
    body = parse(CancelAppointment)
    cancelled = appointments.cancel(get_db(), code, body.phone, now=now())
    return jsonify(cancelled.public())


CHECK_IN_REFUSED = {
    400: "bad_id_qr: not an ID card's QR code",
    409: "too_early, expired, used, cancelled or closed",
    429: "too many requests",
}


@bp.post("/appointments/<code>/check-in")
@ticket_limited
@documented(
    "Check a booking in (kiosk): a ticket of its service, as POST /api/tickets answers",
    body=CheckIn,
    responses={
        201: "the ticket, with `appointment`",
        404: "no booking has this code",
        **CHECK_IN_REFUSED,
    },
)
def check_in_appointment(code: str) -> ResponseReturnValue:
    body = parse(CheckIn)
    return checked_in(appointments.check_in, code, body, holder=card_holder(body.id_qr))


@bp.post("/appointments/check-in")
@ticket_limited
@documented(
    "Check in the booking made with the ID number of the card scanned at the kiosk",
    body=CardCheckIn,
    responses={
        201: "the ticket, with `appointment`",
        404: "no_booking: no active booking was made with this card",
        **CHECK_IN_REFUSED,
    },
)
def check_in_by_card() -> ResponseReturnValue:
    body = parse(CardCheckIn)
    return checked_in(appointments.check_in_holder, card_holder(body.id_qr), body)


def checked_in(
    check_in: Callable[..., appointments.CheckedIn], key: Any, body: CheckIn, **options: Any
) -> ResponseReturnValue:
    """Check a booking in, found by `key` (its code, or the card's holder), print its ticket and
    answer it with the booking's code and slot."""
    database = get_db()
    kiosk = kiosk_of_request(body.kiosk)
    checked, events = collect(
        check_in,
        database,
        key,
        now=now(),
        kiosk=kiosk,
        elderly_age=read_priority_policy(database).elderly_age,
        default_service_s=current_app.config["DEFAULT_SERVICE_S"],
        **options,
    )
    answer = delivered(database, checked.issued, kiosk=kiosk, paper=body.paper)
    realtime.dispatch(events)
    answer["appointment"] = checked.appointment.code
    answer["slot"] = {"start": checked.appointment.start, "end": checked.appointment.end}
    return jsonify(answer), 201


@bp.get("/appointments")
@require(*STAFF)
@documented(
    "A day's bookings (default today), with booked, checked_in, served, expired or cancelled",
    access="staff",
    responses={200: "the bookings", 400: "bad date"},
)
def list_appointments() -> ResponseReturnValue:
    database = get_db()
    moment = now()
    appointments.expire_bookings(database, now=moment)
    today = moment.astimezone(get_center(database).zone).date()
    return jsonify(day_bookings(database, day_arg("date", today)))


@bp.put("/admin/appointments")
@require(ADMIN)
@documented(
    "How far ahead visitors may book, and the check-in window around a slot",
    body=AdminAppointments,
    access=ADMIN,
    responses=INVALID,
)
def admin_appointments() -> ResponseReturnValue:
    body = parse(AdminAppointments)
    result = settings.update_appointments(
        get_db(),
        change(body.reason),
        days_ahead=body.days_ahead,
        early_min=body.early_min,
        grace_min=body.grace_min,
    )
    return published(result, layout=False)
