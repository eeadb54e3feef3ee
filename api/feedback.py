"""The suggestion box (design.md section 9): a visitor gives a suggestion, complaint or praise
and follows its answer by code; supervisors list, answer and close them; admins set how many
working days a complaint may wait.

The public doors are limited per address: giving feedback by QMS_FEEDBACK_RATE_LIMIT as well as
the tickets' limit, reading one by QMS_TICKET_RATE_LIMIT (an 8-character code of 32 letters is
hopeless to guess at that pace). A public answer never holds the contact.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import Field, StringConstraints

from api import bp
from api.admin import ADMIN, INVALID, change, published
from api.admin_schemas import AdminChange
from api.auth import SUPERVISORS, current_user, require
from api.limits import feedback_limited, ticket_limited
from api.schemas import ServiceCode
from api.validation import Body, documented, parse
from core.configuration import settings
from core.errors import InvalidInput
from core.feedback import give_feedback, reply_to_feedback
from core.feedback_records import find_feedback
from core.feedback_review import list_feedback
from core.items import FeedbackSettings
from core.vocabulary import FEEDBACK_CONTACT_MAX, FEEDBACK_REPLY_MAX, FEEDBACK_TEXT_MAX
from db.web import get_db, now

# Texts are bounded again in core/, after trimming: here a little room for the spaces it trims.
Text = Annotated[str, StringConstraints(max_length=FEEDBACK_TEXT_MAX + 100)]


class NewFeedback(Body):
    kind: Literal["suggestion", "complaint", "praise"]
    text: Text = Field(description=f"What the visitor says, 1 to {FEEDBACK_TEXT_MAX} characters.")
    contact: Annotated[str, StringConstraints(max_length=FEEDBACK_CONTACT_MAX)] | None = Field(
        None,
        description="A phone number or e-mail to be answered at (optional); shown to supervisors"
        " only, and blanked by the purge once answered.",
    )
    ticket_token: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None,
        description="The track token of the visitor's ticket: ties its service, counter and clerk.",
    )
    service: ServiceCode | None = Field(None, description="The service it is about, if no ticket.")


class FeedbackReply(Body):
    reply: Annotated[str, StringConstraints(max_length=FEEDBACK_REPLY_MAX + 100)] | None = Field(
        None,
        description="The answer the visitor reads on /feedback/<code>; none keeps the one"
        " given before.",
    )
    status: Literal["in_progress", "answered", "closed"]


class AdminFeedback(FeedbackSettings, AdminChange):
    pass


@bp.post("/feedback")
@feedback_limited
@documented(
    "Give a suggestion, complaint or praise (kiosk, phone): answers the code to follow it by",
    body=NewFeedback,
    responses={
        201: "{code, status: 'new'}",
        400: "bad kind, empty or too long text or contact",
        404: "unknown_ticket or unknown_service",
        429: "too many requests from this client",
    },
)
def create_feedback() -> ResponseReturnValue:
    body = parse(NewFeedback)
    given = give_feedback(
        get_db(),
        body.kind,
        body.text,
        contact=body.contact,
        ticket_token=body.ticket_token,
        service=body.service,
        now=now(),
    )
    return jsonify(code=given.code, status=str(given.status)), 201


@bp.get("/feedback/<code>")
@ticket_limited
@documented(
    "A feedback by its code: kind, status and the answer, never the contact",
    responses={200: "{code, kind, status, created_at, reply?, replied_at?}", 404: "unknown code"},
)
def show_feedback(code: str) -> ResponseReturnValue:
    return jsonify(find_feedback(get_db(), code).public())


@bp.get("/feedback")
@require(*SUPERVISORS)
@documented(
    "Feedback newest first (500 at most), with contact, age, due day and the tied ticket's"
    " history; ?status= one status, ?overdue=1 the complaints past their working days",
    access="supervisor",
    responses={200: "the list", 400: "bad status"},
)
def all_feedback() -> ResponseReturnValue:
    status = request.args.get("status") or None
    try:
        found = list_feedback(
            get_db(), now=now(), status=status, overdue=request.args.get("overdue") == "1"
        )
    except ValueError as error:
        raise InvalidInput(str(error), code="bad_status") from None
    return jsonify(found)


@bp.post("/feedback/<code>/reply")
@require(*SUPERVISORS)
@documented(
    "Answer a feedback and set its status (logged in the audit log)",
    body=FeedbackReply,
    access="supervisor",
    responses={200: "the feedback as the visitor sees it", 400: "no_reply, bad_reply", 404: "code"},
)
def reply_feedback(code: str) -> ResponseReturnValue:
    body = parse(FeedbackReply)
    user = current_user()
    assert user is not None
    answered = reply_to_feedback(
        get_db(), code, reply=body.reply, status=body.status, actor=user.username, now=now()
    )
    return jsonify(answered.public())


@bp.put("/admin/feedback")
@require(ADMIN)
@documented(
    "Working days a complaint may wait for its answer before the monitor flags it",
    body=AdminFeedback,
    access=ADMIN,
    responses=INVALID,
)
def admin_feedback() -> ResponseReturnValue:
    body = parse(AdminFeedback)
    result = settings.update_feedback_settings(
        get_db(), change(body.reason), answer_days=body.answer_days
    )
    return published(result, layout=False)
