"""The devices on the hall floor: counters, kiosks and hall displays."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field
from pydantic import model_validator as model_check

from core.fields import (
    CounterNumber,
    DisplayCounter,
    Id,
    OptionalText,
    Paper,
    ServiceCode,
    one_of,
    refuse,
    text,
    unique,
)
from core.items.item import Item
from core.vocabulary import (
    COUNTER_MAX,
    DEFAULT_PAPER,
    ITEMS_MAX,
    LONG_TEXT_MAX,
    NO_PRINTER,
    SHOWS,
    counter_name,
)


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
