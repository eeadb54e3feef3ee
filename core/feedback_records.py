"""What is kept of a visitor's feedback (design.md section 9): the record, its kinds and statuses,
the events its log (`feedback_events`) holds, the code it is followed by, and the checks on what
a visitor or a supervisor writes.

The changes (give, reply) are core.feedback; the supervisors' list and the monitor's flag are
core.feedback_review. Nothing here knows of Flask; every check refuses with `InvalidInput`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from core.errors import InvalidInput, NotFound
from core.rows import rows
from core.vocabulary import (
    BOOKING_CODE_ALPHABET,
    FEEDBACK_CODE_LENGTH,
    FEEDBACK_CONTACT_MAX,
    FEEDBACK_KINDS,
    FEEDBACK_REPLY_MAX,
    FEEDBACK_TEXT_MAX,
)

CODE_NOISE = re.compile(r"[\s-]")
# Control characters other than tab and newline: nothing a visitor means, and some terminals and
# spreadsheets act on them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FeedbackKind(StrEnum):
    SUGGESTION = "suggestion"
    COMPLAINT = "complaint"
    PRAISE = "praise"


class FeedbackStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


# What a supervisor may set; `new` is only ever the visitor's.
REPLY_STATUSES = (FeedbackStatus.IN_PROGRESS, FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED)
# Still waiting for its answer: what the monitor's flag looks at.
UNANSWERED = (FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS)


class FeedbackEventType(StrEnum):
    GIVEN = "feedback"
    REPLIED = "feedback_replied"
    STATUS_CHANGED = "feedback_status_changed"


@dataclass(frozen=True)
class Feedback:
    id: int
    code: str
    kind: FeedbackKind
    text: str
    contact: str | None
    ticket: int | None
    service: str | None
    counter: int | None
    clerk: str | None
    day: str
    created_at: str
    status: FeedbackStatus
    reply: str | None
    replied_at: str | None
    replied_by: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Feedback:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["kind"] = FeedbackKind(row["kind"])
        values["status"] = FeedbackStatus(row["status"])
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """What anyone holding the code may see: never the contact, the ticket or the text's
        author; the reply once there is one."""
        answer: dict[str, Any] = {
            "code": self.code,
            "kind": str(self.kind),
            "status": str(self.status),
            "created_at": self.created_at,
        }
        if self.reply is not None:
            answer["reply"] = self.reply
            answer["replied_at"] = self.replied_at
        return answer


@dataclass(frozen=True)
class FeedbackEvent:
    """One change of a feedback, as the record `feedback_events` keeps."""

    type: FeedbackEventType
    at: str
    feedback: int
    ticket: int | None
    counter: int | None
    service: str | None
    payload: dict[str, Any]


def new_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(FEEDBACK_CODE_LENGTH))


def spaced_code(code: str) -> str:
    """The code as a visitor reads and types it: "ABCD-EFGH"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def find_feedback(db: Database, code: str) -> Feedback:
    """The feedback with this code (typed loosely: lower case, spaces and dashes are forgiven)."""
    wanted = CODE_NOISE.sub("", code or "").upper()
    if len(wanted) == FEEDBACK_CODE_LENGTH:
        for row in rows(db, "SELECT * FROM feedback WHERE code = ?", [wanted]):
            return Feedback.from_row(row)
    raise NotFound("No feedback has this code.", code="unknown_feedback")


def written(text: str | None, limit: int, what: str, *, code: str) -> str:
    """A visitor's or supervisor's text as kept: trimmed, lines kept, control characters out."""
    cleaned = CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not cleaned:
        raise InvalidInput(f"Please write the {what}.", code=code)
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} is {limit} characters at most.", code=code)
    return cleaned


def feedback_text(text: str | None) -> str:
    return written(text, FEEDBACK_TEXT_MAX, "feedback", code="bad_text")


def reply_text(text: str | None) -> str:
    return written(text, FEEDBACK_REPLY_MAX, "reply", code="bad_reply")


def contact_text(text: str | None) -> str | None:
    """How to reach the visitor, on one line; blank is none."""
    contact = " ".join(CONTROL.sub("", text or "").split())
    if len(contact) > FEEDBACK_CONTACT_MAX:
        raise InvalidInput(
            f"The contact is {FEEDBACK_CONTACT_MAX} characters at most.", code="bad_contact"
        )
    return contact or None


def feedback_kind(kind: str) -> FeedbackKind:
    try:
        return FeedbackKind(kind)
    except ValueError:
        raise InvalidInput(
            f"kind must be one of {', '.join(FEEDBACK_KINDS)}.", code="bad_kind"
        ) from None


def reply_status(status: str) -> FeedbackStatus:
    if status not in REPLY_STATUSES:
        names = ", ".join(str(each) for each in REPLY_STATUSES)
        raise InvalidInput(f"status must be one of {names}.", code="bad_status")
    return FeedbackStatus(status)
