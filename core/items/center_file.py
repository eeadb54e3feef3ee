"""A whole center file as one item, and the arrays of tables it holds."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from core.items.catalogue import Department, Service
from core.items.floor import Counter, Display, Kiosk
from core.items.item import Item
from core.items.priority import Priority
from core.items.settings import Announcement, Appointments, Center, FeedbackSettings, Holiday
from core.items.staff import StaffSkills
from core.vocabulary import ITEMS_MAX


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
