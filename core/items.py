"""The center's configuration items, each declared once.

A department, a service, a counter, a kiosk, a hall display, the center itself, its priority
policy and categories, its announcement, its holidays and a staff account: each is one pydantic
model here, and that model is what reads a center file (core.center_file), what the admin API
takes as a body (api.admin_schemas adds only the `reason`), what the OpenAPI document describes,
what the writers of core.configuration store, and what the exporter writes back. A new setting is
written here once and appears everywhere.

The kinds of value they hold, and how a refusal reads, are in core.fields; core.center_file
names the item of the file a refusal sits in. Like the rest of core/, nothing here knows of Flask.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import model_validator as model_check

from core.fields import (
    CounterNumber,
    Day,
    DisplayCounter,
    DossierPattern,
    Hours,
    Id,
    Language,
    OptionalLongText,
    OptionalText,
    Paper,
    Policy,
    RatingScale,
    Role,
    ServiceCode,
    Text,
    TimeZone,
    Username,
    one_of,
    refuse,
    text,
    unique,
    whole,
)
from core.identity import DEFAULT_ELDERLY_AGE, ELDERLY_AGE_RANGE
from core.vocabulary import (
    ANSWER_DAYS_MAX,
    CATEGORIES_MAX,
    COUNTER_MAX,
    DAYS_AHEAD_MAX,
    DEFAULT_ANSWER_DAYS,
    DEFAULT_DAYS_AHEAD,
    DEFAULT_EARLY_MIN,
    DEFAULT_GRACE_MIN,
    DEFAULT_LANGUAGE,
    DEFAULT_MAX_IN_ROW,
    DEFAULT_PAPER,
    DEFAULT_RATING_SCALE,
    DEFAULT_REPEAT,
    DEFAULT_TARGET_WAIT_MIN,
    DEFAULT_TIMEZONE,
    DISPLAY_NAME_MAX,
    GUIDE_PAPERS_MAX,
    HOLIDAY_NAME_MAX,
    ITEMS_MAX,
    LONG_TEXT_MAX,
    MAX_IN_ROW,
    MAX_REPEAT,
    NO_PRINTER,
    PASSWORD_MAX,
    PER_SLOT_MAX,
    QUOTA_MAX,
    SHOWS,
    SLOT_MIN_RANGE,
    TARGET_WAIT_MAX,
    TEXT_MAX,
    WINDOW_MAX_MIN,
    counter_name,
)


class Item(BaseModel):
    """A configuration item: strict types, unknown keys refused, texts trimmed."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    # The key that names one item among its kind ("services[3] (code 'A')"); the audit page
    # shows it as the entry's target rather than as a changed field.
    key: ClassVar[str | None] = None
    noun: ClassVar[str] = "item"  # how a message speaks of one ("duplicate service code 'A'")

    def stored(self) -> dict[str, Any]:
        """The item as it is kept, answered, audited and exported, its key first."""
        values = self.model_dump()
        ordered = {self.key: values.pop(self.key)} if self.key else {}
        ordered.update(values)
        return ordered


class CenterSettings(Item):
    """The center as the admin page edits it; its time zone is set by the center file only."""

    name: Text
    language: Language = Field(DEFAULT_LANGUAGE, description="Pages and announcements.")
    footer: OptionalLongText = Field(None, description="Printed at the foot of every ticket.")
    rating_scale: RatingScale = Field(
        DEFAULT_RATING_SCALE,
        description="How visitors rate: 3 (Rất hài lòng / Hài lòng / Không hài lòng, the levels"
        " Vietnamese centers publish) or 4 (four faces).",
    )
    dossier_pattern: DossierPattern = Field(
        None,
        description="A regular expression a dossier code (mã hồ sơ) must match whole, e.g."
        r' "^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$"; left out: any code of 1-64 letters,'
        " digits, '.', '_', '/' or '-'.",
    )


class Center(CenterSettings):
    timezone: TimeZone = DEFAULT_TIMEZONE


class DepartmentNames(Item):
    name: Text
    name_en: OptionalText = None


class Department(DepartmentNames):
    key: ClassVar[str | None] = "code"
    noun: ClassVar[str] = "department"
    code: Id


class AppointmentSettings(Item):
    """How a service takes bookings: its slots' length and how many visitors each takes."""

    slot_min: Annotated[int, whole(*SLOT_MIN_RANGE)] = Field(
        description="Minutes a slot lasts; slots follow each other within the service's hours."
    )
    per_slot: Annotated[int, whole(1, PER_SLOT_MAX)] = Field(description="Visitors one slot takes.")


class ServiceGuide(Item):
    """What a visitor needs to know before taking a ticket: the papers to bring, the fee, the
    processing time and the legal basis; shown at the kiosk and on the booking page."""

    papers: Annotated[list[Text], Field(max_length=GUIDE_PAPERS_MAX)] = Field(
        [], description="The papers to bring, one per line, in the order to prepare them."
    )
    fee: OptionalText = Field(None, description='e.g. "50.000 đồng", or "Miễn phí".')
    processing: OptionalText = Field(None, description='e.g. "3 ngày làm việc".')
    legal_basis: OptionalLongText = Field(None, description="The decree or decision it follows.")
    print_checklist: bool = Field(False, description="Print the papers on the ticket too.")


class ServiceSettings(Item):
    """What an admin may change of a service; its code never changes (see catalogue)."""

    name: Text
    name_en: OptionalText = None
    department: Id
    target_wait_min: Annotated[int, whole(1, TARGET_WAIT_MAX)] = Field(
        DEFAULT_TARGET_WAIT_MIN, description="The service level target, minutes."
    )
    daily_quota: Annotated[int | None, whole(1, QUOTA_MAX)] = Field(
        None, description="Tickets per day; none: no limit."
    )
    hours: Hours = []
    appointments: AppointmentSettings | None = Field(
        None, description="{slot_min, per_slot}: the service takes bookings; none: it does not."
    )

    guide: ServiceGuide | None = Field(None, description="What to bring; none: no guide.")

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
    services: Annotated[list[ServiceCode], unique("service", "no_services")] = Field(
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
        str, text(LONG_TEXT_MAX, required=True), BeforeValidator(lambda url: url or NO_PRINTER)
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
        Literal["all", "counters", "departments"] | None, one_of(SHOWS, "shows", optional=True)
    ] = Field(None, exclude=True, description="Left out: what the lists given say.")
    counters: Annotated[
        list[DisplayCounter],
        unique("counter", "no_counters", required=False),
    ] = Field([], max_length=COUNTER_MAX, description="With 'counters'.")
    departments: Annotated[list[Id], unique("department", "no_departments", required=False)] = (
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

    policy: Policy = None
    max_in_row: Annotated[int | None, whole(0, MAX_IN_ROW)] = Field(
        None, description="With 'limit': 1..20 priority calls in a row while others wait."
    )
    elderly_age: Annotated[int, whole(*ELDERLY_AGE_RANGE)] = Field(
        DEFAULT_ELDERLY_AGE,
        description="A visitor whose ID card, read at the kiosk, says this age or over gets an"
        " elderly priority ticket.",
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


class PriorityCategory(Item):
    key: ClassVar[str | None] = "code"
    noun: ClassVar[str] = "priority category"
    code: Id
    name: Text
    name_en: OptionalText = None


class Priority(PriorityPolicy):
    """The center file's [priority]: the policy and, optionally, the categories in order."""

    categories: Annotated[
        list[PriorityCategory], unique("category", "required", required=False)
    ] = Field([], max_length=CATEGORIES_MAX)


def _joined(value: Any) -> Any:
    """A template written as a list of clip keys is one text; anything else is checked as is."""
    if isinstance(value, list) and all(isinstance(key, str) for key in value):
        return " ".join(value)
    return value


class Announcement(Item):
    language: Language = DEFAULT_LANGUAGE
    repeat: Annotated[int, whole(1, MAX_REPEAT)] = Field(
        DEFAULT_REPEAT, description="Times the call is said, 1..5."
    )
    # Before-validators run last-declared first: a list of clip keys is joined, then checked.
    template: Annotated[
        str | None,
        text(TEXT_MAX, required=False),
        BeforeValidator(_joined),
    ] = Field(None, description='Clip keys, e.g. "intro {label} to_counter {counter}".')


class Appointments(Item):
    """The center's booking window: how far ahead, and when a booked visitor may check in."""

    days_ahead: Annotated[int, whole(1, DAYS_AHEAD_MAX)] = Field(
        DEFAULT_DAYS_AHEAD, description="Days ahead a visitor may book, today being day 0."
    )
    early_min: Annotated[int, whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_EARLY_MIN, description="Minutes before the slot's start check-in opens."
    )
    grace_min: Annotated[int, whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_GRACE_MIN,
        description="Minutes after the slot's start a booking waits; then it expires.",
    )


class FeedbackSettings(Item):
    """The suggestion box: how long a complaint may wait for its answer."""

    answer_days: Annotated[int, whole(1, ANSWER_DAYS_MAX)] = Field(
        DEFAULT_ANSWER_DAYS,
        description="Working days a complaint may wait for its answer; then the live monitor"
        " flags it.",
    )


class Holiday(Item):
    key: ClassVar[str | None] = "date"
    noun: ClassVar[str] = "holiday"
    date: Day = Field(description="YYYY-MM-DD")
    name: Annotated[str | None, text(HOLIDAY_NAME_MAX, required=False)] = None


class StaffName(Item):
    """The name a clerk is shown by over the counter; the username, which signs in, never is."""

    display_name: Annotated[
        str | None,
        text(DISPLAY_NAME_MAX, required=False),
        Field(description="shown on the screen over the counter; empty or null: none"),
    ] = None


class StaffAccount(StaffName):
    key: ClassVar[str | None] = "username"
    noun: ClassVar[str] = "account"
    username: Username
    role: Role


class NewStaffAccount(StaffAccount):
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class StaffServices(Item):
    """The services a clerk may serve: the rebalancing advisor moves a clerk only to a counter
    whose every service is among them (core/advice.py)."""

    services: Annotated[list[ServiceCode], unique("service", "no_services", required=False)] = (
        Field([], max_length=ITEMS_MAX, description="Service codes; empty: none known.")
    )


class StaffSkills(StaffServices):
    key: ClassVar[str | None] = "username"
    noun: ClassVar[str] = "staff member"
    username: Username = Field(description="The account's username (it may be created later).")


class CenterFile(Item):
    """A whole center file (design.md section 3); core.center_file checks it across items."""

    center: Center
    priority: Priority = Field(default_factory=lambda: Priority.model_validate({}))
    announcement: Announcement | None = None
    appointments: Appointments | None = None  # left out: the booking window stays as it is
    feedback: FeedbackSettings | None = None  # left out: the answer delay stays as it is
    holidays: list[Holiday] | None = None  # left out: the holidays kept in the admin pages stay
    departments: Annotated[list[Department], Field(min_length=1, max_length=ITEMS_MAX)]
    services: Annotated[list[Service], Field(min_length=1, max_length=ITEMS_MAX)]
    counters: Annotated[list[Counter], Field(min_length=1, max_length=ITEMS_MAX)]
    kiosks: Annotated[list[Kiosk], Field(max_length=ITEMS_MAX)] = []
    displays: Annotated[list[Display], Field(max_length=ITEMS_MAX)] = []
    staff: list[StaffSkills] | None = None  # left out: the skills kept in the admin pages stay


# The arrays of tables of a center file, each with the item it holds.
ARRAYS: dict[str, type[Item]] = {
    "departments": Department,
    "services": Service,
    "counters": Counter,
    "kiosks": Kiosk,
    "displays": Display,
    "holidays": Holiday,
    "staff": StaffSkills,
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
    FeedbackSettings,
    Holiday,
    StaffName,
    StaffAccount,
    StaffServices,
    StaffSkills,
)
