"""What the center offers: its departments and their services, with a service's bookings and
its guide for visitors."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field
from pydantic import model_validator as model_check

from core.fields import Hours, Id, OptionalLongText, OptionalText, ServiceCode, Text, refuse, whole
from core.items.item import Item
from core.vocabulary import (
    DEFAULT_TARGET_WAIT_MIN,
    GUIDE_PAPERS_MAX,
    PER_SLOT_MAX,
    QUOTA_MAX,
    SLOT_MIN_RANGE,
    TARGET_WAIT_MAX,
)


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
