"""The kinds of value a configuration item holds, and how a refused value reads.

Each kind (a name, a short id, a service code, hours, a whole number in a range...) is an
annotated type whose validator refuses with a short sentence that names the key ("target_wait_min
must be a whole number from 1 to 600") and a code the API answers with (`range`, `code`,
`hours`, ...). `explain` reads the first refusal of a validation, `checked` turns it into core's
InvalidInput. The items themselves are declared in core.items. Nothing here knows of Flask.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from core.dossiers import check_pattern
from core.errors import InvalidInput
from core.schedule import hours_for_file, parse_hours
from core.vocabulary import (
    COUNTER_MAX,
    ID,
    LANGUAGES,
    LONG_TEXT_MAX,
    PAPERS,
    RATING_SCALES,
    ROLES,
    SERVICE_CODE,
    TEXT_MAX,
    USERNAME,
)

Model = TypeVar("Model", bound=BaseModel)


def refuse(code: str, message: str, *, named: bool = True) -> NoReturn:
    """Refuse a value: `message` follows the key's name when `named` ("... must not be empty")."""
    raise PydanticCustomError(code, "{message}", {"message": message, "named": named})


def text(maximum: int, *, required: bool) -> BeforeValidator:
    def check(value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            refuse("invalid", "must be a text")
        value = " ".join(value.split()) if value else ""
        if not value:
            if required:
                refuse("required", "must not be empty")
            return None
        if len(value) > maximum:
            refuse("too_long", f"is longer than {maximum} characters")
        return value

    return BeforeValidator(check)


def whole(low: int, high: int) -> BeforeValidator:
    def check(value: Any) -> int | None:
        if value is None:  # optional where the type says so; refused by the type elsewhere
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            refuse("range", f"must be a whole number from {low} to {high}")
        return value

    return BeforeValidator(check)


def _id(value: Any) -> str:
    """A short id; a center file may write it as a number (`id = 1`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ID.fullmatch(value):
        refuse("code", f"{value!r} must be a short name: 1-32 letters, digits, '-' or '_' (k1)")
    return value


def _service_code(value: Any) -> str:
    if not isinstance(value, str) or not SERVICE_CODE.fullmatch(value):
        refuse("code", f"{value!r} must be 1-3 capital letters (A, B, TR)")
    return value


def one_of(choices: tuple[str, ...], code: str, *, optional: bool = False) -> BeforeValidator:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if value not in choices:
            refuse(code, f"{value!r} must be one of {list(choices)}")
        return str(value)

    return BeforeValidator(check)


def _counter_number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        refuse("unknown_counter", "Counters are given by their numbers.", named=False)
    return value


def _hours(value: Any) -> list[str] | dict[str, list[str]]:
    """Hours as a center file writes them: the same every day, or a table of weekdays."""
    try:
        return hours_for_file(json.dumps(parse_hours(value)))
    except ValueError as error:
        refuse("hours", str(error), named=False)


def _zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        refuse("timezone", f"{value!r} is not a known zone (Asia/Ho_Chi_Minh)")
    return str(value)


def _day(value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        refuse("holidays", f"{value!r} must be a real day, YYYY-MM-DD")


def unique(what: str, empty_code: str, *, required: bool = True) -> BeforeValidator:
    def check(value: Any) -> Any:
        if value is None or value == []:
            if required:
                refuse(empty_code, f"must list at least one {what}")
            return []
        if isinstance(value, list) and len(set(map(repr, value))) != len(value):
            refuse("duplicate", f"a {what} is listed twice", named=False)
        return value

    return BeforeValidator(check)


Text = Annotated[str, text(TEXT_MAX, required=True), Field(max_length=TEXT_MAX)]
OptionalText = Annotated[
    Annotated[str, Field(max_length=TEXT_MAX)] | None, text(TEXT_MAX, required=False)
]
OptionalLongText = Annotated[
    Annotated[str, Field(max_length=LONG_TEXT_MAX)] | None, text(LONG_TEXT_MAX, required=False)
]
Id = Annotated[str, BeforeValidator(_id), Field(pattern=ID.pattern)]
ServiceCode = Annotated[str, BeforeValidator(_service_code), Field(pattern=SERVICE_CODE.pattern)]
Language = Annotated[Literal["vi", "en"], one_of(LANGUAGES, "language")]
Role = Annotated[Literal["clerk", "supervisor", "admin"], one_of(ROLES, "bad_role")]
Paper = Annotated[Literal["80mm", "58mm"], one_of(PAPERS, "paper")]
CounterNumber = Annotated[int, whole(1, COUNTER_MAX), Field(ge=1, le=COUNTER_MAX)]
Hours = Annotated[
    list[str] | dict[str, list[str]],
    BeforeValidator(_hours),
    Field(
        description='None or []: no limit; ["07:00-11:30", ...]: every day; or a table of'
        " weekdays, monday..sunday, to such lists (a day left out is closed)."
    ),
]


def _policy(value: Any) -> Any:
    if value not in (None, "strict", "limit"):
        refuse("policy", f'{value!r} must be "strict" or "limit" (or left out, with max_in_row)')
    return value


def _username(value: Any) -> str:
    if not isinstance(value, str) or not USERNAME.fullmatch(value):
        refuse("bad_username", "must be 2-32 of a-z, 0-9, '.', '_' or '-'")
    return value


def _rating_scale(value: Any) -> int:
    if value not in RATING_SCALES or isinstance(value, bool):
        refuse(
            "rating_scale",
            f"{value!r} must be 3 (Rất hài lòng / Hài lòng / Không hài lòng) or 4 (four faces)",
        )
    return int(value)


def _dossier_pattern(value: Any) -> str | None:
    """A center's pattern for its dossier codes, refused when it could run long (core.dossiers)."""
    if value is not None and not isinstance(value, str):
        refuse("invalid", "must be a text")
    pattern = (value or "").strip()
    if not pattern:
        return None
    try:
        check_pattern(pattern)
    except ValueError as error:
        refuse("dossier_pattern", f"{pattern!r} {error}")
    return pattern


DisplayCounter = Annotated[int, BeforeValidator(_counter_number)]
RatingScale = Annotated[Literal[3, 4], BeforeValidator(_rating_scale)]
DossierPattern = Annotated[str | None, BeforeValidator(_dossier_pattern)]
TimeZone = Annotated[str, BeforeValidator(_zone)]
Day = Annotated[str, BeforeValidator(_day)]
Policy = Annotated[Literal["strict", "limit"] | None, BeforeValidator(_policy)]
Username = Annotated[str, BeforeValidator(_username)]


def explain(error: ValidationError) -> tuple[str, tuple[Any, ...], str]:
    """The first refusal of a validation: (code, where it sits, a sentence naming the key)."""
    problem = error.errors(include_url=False)[0]
    place = tuple(problem["loc"])
    context = problem.get("ctx") or {}
    path = path_text(place)
    if "message" in context and "named" in context:
        message = (
            f"{path} {context['message']}" if context["named"] and path else context["message"]
        )
        return problem["type"], place, message
    kind, given = problem["type"], problem.get("input")
    if kind == "missing":
        return "invalid", place, f"{path} is missing"
    if kind == "extra_forbidden":
        return "invalid", place, f"unknown key {path!r}"
    said = problem["msg"][:1].lower() + problem["msg"][1:]
    return "invalid", place, f"{path}: {said} (got {given!r})" if path else said


def path_text(place: tuple[Any, ...]) -> str:
    """("categories", 1, "code") -> "categories[2].code": positions counted from 1, as people do."""
    text = ""
    for part in place:
        text += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def checked(model: type[Model], values: Any) -> Model:
    """Validate values as the item, or raise InvalidInput with the refusal's code and sentence."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        code, _place, message = explain(error)
        raise InvalidInput(message if message.endswith(".") else f"{message}.", code=code) from None
