"""The suggestion box (design.md section 9): a visitor gives a suggestion, a complaint or praise,
and a supervisor answers it.

A feedback may be tied to the visitor's ticket by its track token (only the visitor holds it),
and so to the service, counter and clerk that served them. Its code is what the visitor follows
the answer with: unguessable at the public doors' rate, short enough to type. Every change is
logged as a plain record in `feedback_events` (type, time, ticket, counter, service, payload: the
code, kind and statuses, never the text or the contact), in the change's own transaction, for
the province view of section 10; a supervisor's reply or change of status is also in the audit
log, with who made it.

Like the rest of core/, nothing here knows of Flask or sockets; `now` is always given.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from core.audit import record
from core.center import get_center, get_service
from core.errors import Conflict, InvalidInput, NotFound
from core.feedback_records import (
    Feedback,
    FeedbackEvent,
    FeedbackEventType,
    FeedbackStatus,
    contact_text,
    feedback_kind,
    feedback_text,
    find_feedback,
    new_code,
    reply_status,
    reply_text,
)
from core.models import Ticket, timestamp
from core.rows import rows
from core.tickets import find_by_token
from core.transaction import immediate

TOKEN_MAX = 64  # a track token is far shorter; longer is not one


def give_feedback(
    db: Database,
    kind: str,
    text: str,
    *,
    contact: str | None = None,
    ticket_token: str | None = None,
    service: str | None = None,
    now: datetime,
) -> Feedback:
    """Keep a visitor's feedback, tied to their ticket (its service, counter and clerk) when the
    ticket's token is given, else to the service named, if any."""
    checked_kind = feedback_kind(kind)
    checked_text, checked_contact = feedback_text(text), contact_text(contact)
    ticket = _ticket(db, ticket_token)
    if ticket is not None:
        service = ticket.queue  # the service that served the visitor (after any transfer)
    elif service:
        try:
            service = get_service(db, service).code
        except NotFound:
            raise NotFound(f"No service with code {service!r}.", code="unknown_service") from None
    else:
        service = None
    with immediate(db):
        found = _insert(
            db,
            kind=str(checked_kind),
            text=checked_text,
            contact=checked_contact,
            ticket=ticket,
            service=service,
            now=now,
        )
        _log(db, found, FeedbackEventType.GIVEN, now, {})
    return found


def _ticket(db: Database, token: str | None) -> Ticket | None:
    if not token:
        return None
    if len(token) <= TOKEN_MAX:
        try:
            return find_by_token(db, token)
        except NotFound:
            pass
    raise NotFound("No ticket has this link; send the feedback without it.", code="unknown_ticket")


def _insert(
    db: Database,
    *,
    kind: str,
    text: str,
    contact: str | None,
    ticket: Ticket | None,
    service: str | None,
    now: datetime,
) -> Feedback:
    day = get_center(db).day(now)
    for _attempt in range(5):  # 32**8 codes: a clash is all but impossible; another draw settles it
        code = new_code()
        if rows(db, "SELECT 1 FROM feedback WHERE code = ?", [code]):
            continue
        inserted = rows(
            db,
            "INSERT INTO feedback (code, kind, text, contact, ticket, service, counter, clerk,"
            " day, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            [
                code,
                kind,
                text,
                contact,
                ticket.id if ticket else None,
                service,
                ticket.counter if ticket else None,
                ticket.clerk if ticket else None,
                day,
                timestamp(now),
            ],
        )
        return Feedback.from_row(inserted[0])
    raise Conflict("No feedback code is free; try again.", code="busy")


def reply_to_feedback(
    db: Database,
    code: str,
    *,
    reply: str | None,
    status: str,
    actor: str,
    now: datetime,
) -> Feedback:
    """Answer a feedback and set its status (in_progress, answered or closed), logged and
    audited; `reply` None (or blank) keeps the answer it has. An answer is what `answered`
    means, so that status needs one. The same reply and status again change nothing and log
    nothing."""
    wanted = reply_status(status)
    text = reply_text(reply) if reply and reply.strip() else None
    with immediate(db):
        found = find_feedback(db, code)
        new_reply = text if text is not None else found.reply
        if wanted == FeedbackStatus.ANSWERED and new_reply is None:
            raise InvalidInput("Write the answer before marking it answered.", code="no_reply")
        if new_reply == found.reply and wanted == found.status:
            return found
        replied = new_reply != found.reply
        changed = rows(
            db,
            "UPDATE feedback SET status = ?, reply = ?, changed_at = ?,"
            " replied_at = CASE WHEN ? THEN ? ELSE replied_at END,"
            " replied_by = CASE WHEN ? THEN ? ELSE replied_by END"
            " WHERE id = ? RETURNING *",
            [
                str(wanted),
                new_reply,
                timestamp(now),
                replied,
                timestamp(now),
                replied,
                actor,
                found.id,
            ],
        )
        updated = Feedback.from_row(changed[0])
        kind = FeedbackEventType.REPLIED if replied else FeedbackEventType.STATUS_CHANGED
        _log(db, updated, kind, now, {"from": str(found.status)})
        record(
            db,
            actor=actor,
            action="feedback.reply" if replied else "feedback.status",
            target=found.code,
            before={"status": str(found.status), "reply": found.reply},
            after={"status": str(updated.status), "reply": updated.reply},
            now=now,
        )
    return updated


def _log(
    db: Database,
    found: Feedback,
    kind: FeedbackEventType,
    now: datetime,
    payload: dict[str, str],
) -> FeedbackEvent:
    event = FeedbackEvent(
        kind,
        timestamp(now),
        found.id,
        found.ticket,
        found.counter,
        found.service,
        {"code": found.code, "kind": str(found.kind), "status": str(found.status), **payload},
    )
    db.execute(
        "INSERT INTO feedback_events (feedback, type, at, ticket, counter, service, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            event.feedback,
            str(event.type),
            event.at,
            event.ticket,
            event.counter,
            event.service,
            json.dumps(event.payload, ensure_ascii=False),
        ],
    )
    return event
