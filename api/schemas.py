"""The bodies the API accepts; the same models validate requests and write /api/openapi.json."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from api.validation import Body
from core.identity import ID_QR_MAX
from core.vocabulary import (
    DOSSIER_MAX,
    ID,
    RATING_COMMENT_MAX,
    RATING_REASONS,
    RATING_SCALES,
    SERVICE_CODE,
)

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(pattern=ID.pattern)]
ServiceCode = Annotated[str, StringConstraints(pattern=SERVICE_CODE.pattern)]
Label = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,3}[0-9]{3,5}$")]
RatingReason = Literal[RATING_REASONS]  # type: ignore[valid-type]


class Login(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


def _id_qr(value: Any) -> Any:
    """Refuse a card's text without repeating it: it holds a name and an address."""
    if value is not None and (not isinstance(value, str) or len(value) > ID_QR_MAX):
        raise PydanticCustomError(
            "bad_id_qr",
            "{message}",
            {
                "message": f"id_qr must be the text of an ID card's QR code, at most {ID_QR_MAX}"
                " characters.",
                "named": False,
            },
        )
    return value


IdQr = Annotated[Annotated[str, Field(max_length=ID_QR_MAX)] | None, BeforeValidator(_id_qr)]
CardQr = Annotated[str, Field(max_length=ID_QR_MAX), BeforeValidator(_id_qr)]  # required
ID_QR_DESCRIPTION = (
    "The citizen ID card's QR text, as the kiosk's scanner read it: a holder of [priority]"
    " elderly_age or over gets an elderly ticket. Only a keyed hash of the ID number and the"
    " birth year are kept."
)


class NewTicket(Body):
    service: ServiceCode = Field(description="The service's code, e.g. 'A'.")
    priority: Code | None = Field(None, description="A priority category: elderly, disabled...")
    kiosk: Code | None = Field(None, description="The kiosk that issues it (chooses the printer).")
    paper: bool = Field(True, description="False: the visitor wants no paper ticket.")
    id_qr: IdQr = Field(None, description=ID_QR_DESCRIPTION)


class Reason(Body):
    reason: ShortText | None = None


class PauseReason(Body):
    reason: ShortText


class CallLabel(Body):
    label: Label = Field(description="The ticket's label today, e.g. 'A005'.")


Dossier = Annotated[str, StringConstraints(max_length=DOSSIER_MAX)]


class Finish(Body):
    outcome: ShortText | None = Field(None, description="e.g. 'received', 'returned dossier'.")
    dossier: Dossier | None = Field(
        None,
        description="The receipt's dossier code (mã hồ sơ), scanned or typed; checked against"
        " [center] dossier_pattern.",
    )


class DossierTicket(Body):
    dossier: Dossier = Field(description="The dossier code on the receipt, scanned or typed.")
    kiosk: Code | None = Field(None, description="The kiosk that issues it (chooses the printer).")
    paper: bool = Field(True, description="False: the visitor wants no paper ticket.")


class Transfer(Body):
    service: ServiceCode


SQLITE_MAX_INTEGER = 2**63 - 1


class MoveClerk(Body):
    to: int = Field(ge=1, le=SQLITE_MAX_INTEGER, description="The closed counter to move to.")


class Rating(Body):
    """Either `ticket` (the counter's tablet) or `token` (the visitor's phone), not both."""

    ticket: int | None = Field(
        None, ge=1, le=SQLITE_MAX_INTEGER, description="The ticket's id (the counter's tablet)."
    )
    token: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="The ticket's track token (the visitor's phone, from /t/<token>)."
    )
    score: int = Field(
        ge=1, le=max(RATING_SCALES), description="1..[center] rating_scale, highest best."
    )
    reasons: Annotated[list[RatingReason], Field(max_length=len(RATING_REASONS))] = Field(
        [], description="Why a low score is low: " + ", ".join(RATING_REASONS) + "."
    )
    comment: Annotated[str, StringConstraints(max_length=RATING_COMMENT_MAX)] | None = None

    @model_validator(mode="after")
    def ticket_or_token(self) -> Rating:
        if (self.ticket is None) == (self.token is None):
            raise ValueError("give the ticket (tablet) or its track token (phone), not both")
        return self


class PriorityChange(Body):
    priority: Code | None = Field(description="A priority category, or null for regular.")
    reason: ShortText


class Cancel(Body):
    reason: ShortText


class PrinterReport(Body):
    ok: bool
    ticket: int | None = Field(
        None, ge=1, le=SQLITE_MAX_INTEGER, description="The ticket printed, if any."
    )
    reason: ShortText | None = None
