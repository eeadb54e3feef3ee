"""The center's configuration items, each declared once.

A department, a service, a counter, a kiosk, a hall display, the center itself, its priority
policy and categories, its announcement, its holidays and a staff account: each is one pydantic
model here, and that model is what reads a center file (core.center_file), what the admin API
takes as a body (api.admin_schemas adds only the `reason`), what the OpenAPI document describes,
what the writers of core.configuration store, and what the exporter writes back. A new setting is
written here once and appears everywhere.

Every refusal is a short sentence that names the key ("target_wait_min must be a whole number
from 1 to 600"), with a code the API answers with (`range`, `code`, `hours`, ...); `checked`
turns a refusal into core's InvalidInput, and core.center_file names the item of the file it
sits in. Like the rest of core/, nothing here knows of Flask.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import model_validator as model_check
from pydantic_core import PydanticCustomError

from core.errors import InvalidInput
from core.schedule import hours_for_file, parse_hours
from core.vocabulary import (
    CATEGORIES_MAX,
    COUNTER_MAX,
    DAYS_AHEAD_MAX,
    DEFAULT_DAYS_AHEAD,
    DEFAULT_EARLY_MIN,
    DEFAULT_GRACE_MIN,
    DEFAULT_LANGUAGE,
    DEFAULT_MAX_IN_ROW,
    DEFAULT_PAPER,
    DEFAULT_REPEAT,
    DEFAULT_TARGET_WAIT_MIN,
    DEFAULT_TIMEZONE,
    HOLIDAY_NAME_MAX,
    ID,
    ITEMS_MAX,
    LANGUAGES,
    LONG_TEXT_MAX,
    MAX_IN_ROW,
    MAX_REPEAT,
    NO_PRINTER,
    PAPERS,
    PASSWORD_MAX,
    PER_SLOT_MAX,
    QUOTA_MAX,
    ROLES,
    SERVICE_CODE,
    SHOWS,
    SLOT_MIN_RANGE,
    TARGET_WAIT_MAX,
    TEXT_MAX,
    USERNAME,
    WINDOW_MAX_MIN,
    counter_name,
)


def refuse(code: str, message: str, *, named: bool = True) -> NoReturn:
    """Refuse a value: `message` follows the key's name when `named` ("... must not be empty")."""
    raise PydanticCustomError(code, "{message}", {"message": message, "named": named})


def _text(maximum: int, *, required: bool) -> BeforeValidator:
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


def _whole(low: int, high: int) -> BeforeValidator:
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


def _one_of(choices: tuple[str, ...], code: str, *, optional: bool = False) -> BeforeValidator:
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


def _unique(what: str, empty_code: str, *, required: bool = True) -> BeforeValidator:
    def check(value: Any) -> Any:
        if value is None or value == []:
            if required:
                refuse(empty_code, f"must list at least one {what}")
            return []
        if isinstance(value, list) and len(set(map(repr, value))) != len(value):
            refuse("duplicate", f"a {what} is listed twice", named=False)
        return value

    return BeforeValidator(check)


Text = Annotated[str, _text(TEXT_MAX, required=True), Field(max_length=TEXT_MAX)]
OptionalText = Annotated[
    Annotated[str, Field(max_length=TEXT_MAX)] | None, _text(TEXT_MAX, required=False)
]
OptionalLongText = Annotated[
    Annotated[str, Field(max_length=LONG_TEXT_MAX)] | None, _text(LONG_TEXT_MAX, required=False)
]
Id = Annotated[str, BeforeValidator(_id), Field(pattern=ID.pattern)]
ServiceCode = Annotated[str, BeforeValidator(_service_code), Field(pattern=SERVICE_CODE.pattern)]
Language = Annotated[Literal["vi", "en"], _one_of(LANGUAGES, "language")]
Role = Annotated[Literal["clerk", "supervisor", "admin"], _one_of(ROLES, "bad_role")]
Paper = Annotated[Literal["80mm", "58mm"], _one_of(PAPERS, "paper")]
CounterNumber = Annotated[int, _whole(1, COUNTER_MAX), Field(ge=1, le=COUNTER_MAX)]
Hours = Annotated[
    list[str] | dict[str, list[str]],
    BeforeValidator(_hours),
    Field(
        description='None or []: no limit; ["07:00-11:30", ...]: every day; or a table of'
        " weekdays, monday..sunday, to such lists (a day left out is closed)."
    ),
]

Model = TypeVar("Model", bound=BaseModel)


class Item(BaseModel):
    """A configuration item: strict types, unknown keys refused, texts trimmed."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    # The key that names one item among its kind ("services[3] (code 'A')"); the audit page
    # shows it as the entry's target rather than as a changed field.
    key: ClassVar[str | None] = None
    noun: ClassVar[str] = "item"  # how a message speaks of one ("duplicate service code 'A'")

    def stored(self) -> dict[str, Any]:
        """The item as it is kept, answered and exported: its key first, empty values left out."""
        values = self.model_dump()
        ordered = {self.key: values.pop(self.key)} if self.key else {}
        ordered.update(values)
        return ordered


class CenterSettings(Item):
    """The center as the admin page edits it; its time zone is set by the center file only."""

    name: Text
    language: Language = Field(DEFAULT_LANGUAGE, description="Pages and announcements.")
    footer: OptionalLongText = Field(None, description="Printed at the foot of every ticket.")


class Center(CenterSettings):
    timezone: Annotated[str, BeforeValidator(_zone)] = DEFAULT_TIMEZONE


class DepartmentNames(Item):
    name: Text
    name_en: OptionalText = None


class Department(DepartmentNames):
    key: ClassVar[str | None] = "code"
    noun: ClassVar[str] = "department"
    code: Id


class AppointmentSettings(Item):
    """How a service takes bookings: its slots' length and how many visitors each takes."""

    slot_min: Annotated[int, _whole(*SLOT_MIN_RANGE)] = Field(
        description="Minutes a slot lasts; slots follow each other within the service's hours."
    )
    per_slot: Annotated[int, _whole(1, PER_SLOT_MAX)] = Field(
        description="Visitors one slot takes."
    )


class ServiceSettings(Item):
    """What an admin may change of a service; its code never changes (see catalogue)."""

    name: Text
    name_en: OptionalText = None
    department: Id
    target_wait_min: Annotated[int, _whole(1, TARGET_WAIT_MAX)] = Field(
        DEFAULT_TARGET_WAIT_MIN, description="The service level target, minutes."
    )
    daily_quota: Annotated[int | None, _whole(1, QUOTA_MAX)] = Field(
        None, description="Tickets per day; none: no limit."
    )
    hours: Hours = []
    appointments: AppointmentSettings | None = Field(
        None, description="{slot_min, per_slot}: the service takes bookings; none: it does not."
    )

    @model_check(mode="after")
    def _bookable(self) -> ServiceSettings:
        if self.appointments is not None and not self.hours:
            refuse(
                "hours",
                "A service that takes bookings needs hours: its slots run within them.",
                named=False,
            )
        return self


class Service(ServiceSettings):
    key: ClassVar[str | None] = "code"
    noun: ClassVar[str] = "service"
    code: ServiceCode = Field(description="1-3 capital letters; the ticket prefix.")
    enabled: bool = Field(True, description="False: the kiosks do not offer it.")


class CounterSettings(Item):
    name: OptionalText = None
    services: Annotated[list[ServiceCode], _unique("service", "no_services")] = Field(
        description="In the order the counter calls them: the first with a waiting ticket wins."
    )


class Counter(CounterSettings):
    key: ClassVar[str | None] = "number"
    noun: ClassVar[str] = "counter"
    number: CounterNumber = Field(description="What the hall hears: 'quầy số 5'.")

    @model_check(mode="after")
    def _named(self) -> Counter:
        self.name = self.name or counter_name(self.number)
        return self


class KioskSettings(Item):
    name: OptionalText = None
    printer: Annotated[
        str, _text(LONG_TEXT_MAX, required=True), BeforeValidator(lambda url: url or NO_PRINTER)
    ] = Field(NO_PRINTER, description="dummy:, none:, agent:, tcp://host, usb://VID:PID, ...")
    paper: Paper = DEFAULT_PAPER


class Kiosk(KioskSettings):
    key: ClassVar[str | None] = "id"
    noun: ClassVar[str] = "kiosk"
    id: Id = Field(description="The kiosk page's ?kiosk= id.")

    @model_check(mode="after")
    def _named(self) -> Kiosk:
        self.name = self.name or self.id
        return self


class DisplaySettings(Item):
    """A hall display shows the whole hall, some counters, or some departments."""

    name: OptionalText = None
    shows: Annotated[
        Literal["all", "counters", "departments"] | None, _one_of(SHOWS, "shows", optional=True)
    ] = Field(None, exclude=True, description="Left out: what the lists given say.")
    counters: Annotated[
        list[Annotated[int, BeforeValidator(_counter_number)]],
        _unique("counter", "no_counters", required=False),
    ] = Field([], max_length=COUNTER_MAX, description="With 'counters'.")
    departments: Annotated[list[Id], _unique("department", "no_departments", required=False)] = (
        Field([], max_length=ITEMS_MAX, description="With 'departments'.")
    )

    @model_check(mode="after")
    def _shown(self) -> DisplaySettings:
        shows = self.shows or (
            "departments" if self.departments else "counters" if self.counters else "all"
        )
        if shows == "counters" and not self.counters:
            refuse("no_counters", "Choose at least one counter for the display.", named=False)
        if shows == "departments" and not self.departments:
            refuse("no_departments", "Choose at least one department for the display.", named=False)
        self.shows = shows
        self.counters = sorted(self.counters) if shows == "counters" else []
        self.departments = self.departments if shows == "departments" else []
        return self


class Display(DisplaySettings):
    key: ClassVar[str | None] = "id"
    noun: ClassVar[str] = "hall display"
    id: Id = Field(description="The display page's ?display= id.")

    def stored(self) -> dict[str, Any]:
        """{id, name, counters?, departments?}: no list at all is the whole hall."""
        return {key: value for key, value in super().stored().items() if value != []}


class PriorityPolicy(Item):
    """Strict: a waiting priority ticket always goes first. Limit: at most N in a row."""

    policy: Annotated[
        Literal["strict", "limit"] | None, BeforeValidator(lambda value: _policy(value))
    ] = None
    max_in_row: Annotated[int | None, _whole(0, MAX_IN_ROW)] = Field(
        None, description="With 'limit': 1..20 priority calls in a row while others wait."
    )

    @model_check(mode="after")
    def _settled(self) -> PriorityPolicy:
        if self.policy is None:
            self.max_in_row = DEFAULT_MAX_IN_ROW if self.max_in_row is None else self.max_in_row
            self.policy = "strict" if self.max_in_row == 0 else "limit"
        elif self.policy == "strict":
            self.max_in_row = 0
        elif not self.max_in_row:
            refuse(
                "range", f"max_in_row must be a whole number from 1 to {MAX_IN_ROW}", named=False
            )
        return self


def _policy(value: Any) -> Any:
    if value not in (None, "strict", "limit"):
        refuse("policy", f'{value!r} must be "strict" or "limit" (or left out, with max_in_row)')
    return value


class PriorityCategory(Item):
    key: ClassVar[str | None] = "code"
    noun: ClassVar[str] = "priority category"
    code: Id
    name: Text
    name_en: OptionalText = None


class Priority(PriorityPolicy):
    """The center file's [priority]: the policy and, optionally, the categories in order."""

    categories: Annotated[
        list[PriorityCategory], _unique("category", "required", required=False)
    ] = Field([], max_length=CATEGORIES_MAX)


class Announcement(Item):
    language: Language = DEFAULT_LANGUAGE
    repeat: Annotated[int, _whole(1, MAX_REPEAT)] = Field(
        DEFAULT_REPEAT, description="Times the call is said, 1..5."
    )
    # Before-validators run last-declared first: a list of clip keys is joined, then checked.
    template: Annotated[
        str | None,
        _text(TEXT_MAX, required=False),
        BeforeValidator(lambda value: " ".join(value) if isinstance(value, list) else value),
    ] = Field(None, description='Clip keys, e.g. "intro {label} to_counter {counter}".')


class Appointments(Item):
    """The center's booking window: how far ahead, and when a booked visitor may check in."""

    days_ahead: Annotated[int, _whole(1, DAYS_AHEAD_MAX)] = Field(
        DEFAULT_DAYS_AHEAD, description="Days ahead a visitor may book, today being day 0."
    )
    early_min: Annotated[int, _whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_EARLY_MIN, description="Minutes before the slot's start check-in opens."
    )
    grace_min: Annotated[int, _whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_GRACE_MIN,
        description="Minutes after the slot's start a booking waits; then it expires.",
    )


class Holiday(Item):
    key: ClassVar[str | None] = "date"
    noun: ClassVar[str] = "holiday"
    date: Annotated[str, BeforeValidator(_day)] = Field(description="YYYY-MM-DD")
    name: Annotated[str | None, _text(HOLIDAY_NAME_MAX, required=False)] = None


class StaffAccount(Item):
    key: ClassVar[str | None] = "username"
    noun: ClassVar[str] = "account"
    username: Annotated[str, BeforeValidator(lambda value: _username(value))]
    role: Role


def _username(value: Any) -> str:
    if not isinstance(value, str) or not USERNAME.fullmatch(value):
        refuse("bad_username", "must be 2-32 of a-z, 0-9, '.', '_' or '-'")
    return value


class NewStaffAccount(StaffAccount):
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class CenterFile(Item):
    """A whole center file (design.md section 3); core.center_file checks it across items."""

    center: Center
    priority: Priority = Field(default_factory=lambda: Priority.model_validate({}))
    announcement: Announcement | None = None
    appointments: Appointments | None = None  # left out: the booking window stays as it is
    holidays: list[Holiday] | None = None  # left out: the holidays kept in the admin pages stay
    departments: Annotated[list[Department], Field(min_length=1, max_length=ITEMS_MAX)]
    services: Annotated[list[Service], Field(min_length=1, max_length=ITEMS_MAX)]
    counters: Annotated[list[Counter], Field(min_length=1, max_length=ITEMS_MAX)]
    kiosks: Annotated[list[Kiosk], Field(max_length=ITEMS_MAX)] = []
    displays: Annotated[list[Display], Field(max_length=ITEMS_MAX)] = []


# The arrays of tables of a center file, each with the item it holds.
ARRAYS: dict[str, type[Item]] = {
    "departments": Department,
    "services": Service,
    "counters": Counter,
    "kiosks": Kiosk,
    "displays": Display,
    "holidays": Holiday,
}
ALL_ITEMS: tuple[type[Item], ...] = (
    Center,
    Department,
    Service,
    Counter,
    Kiosk,
    Display,
    Priority,
    PriorityCategory,
    Announcement,
    AppointmentSettings,
    Appointments,
    Holiday,
    StaffAccount,
)


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
