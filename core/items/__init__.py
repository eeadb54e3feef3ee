"""The center's configuration items, each declared once.

A department, a service, a counter, a kiosk, a hall display, the center itself, its priority
policy and categories, its announcement, its holidays and a staff account: each is one pydantic
model here, and that model is what reads a center file (core.center_file), what the admin API
takes as a body (api.admin_schemas adds only the `reason`), what the OpenAPI document describes,
what the writers of core.configuration store, and what the exporter writes back. A new setting is
written here once and appears everywhere.

Modules by concept: `item` (what every item has in common), `settings` (the center, its
announcement, booking window, suggestion box and holidays), `catalogue` (departments and
services), `floor` (counters, kiosks and hall displays), `priority` (the policy and categories),
`staff` (accounts) and `center_file` (a whole file). This package names them all, so that callers
import every item from `core.items`.

The kinds of value they hold, and how a refusal reads, are in core.fields; core.center_file
names the item of the file a refusal sits in. Like the rest of core/, nothing here knows of Flask.
"""

from __future__ import annotations

from core.items.catalogue import (
    AppointmentSettings,
    Department,
    DepartmentNames,
    Service,
    ServiceGuide,
    ServiceSettings,
)
from core.items.center_file import ARRAYS, CenterFile
from core.items.floor import (
    Counter,
    CounterSettings,
    Display,
    DisplaySettings,
    Kiosk,
    KioskSettings,
)
from core.items.item import Item
from core.items.priority import Priority, PriorityCategory, PriorityPolicy
from core.items.settings import (
    Announcement,
    Appointments,
    Center,
    CenterSettings,
    FeedbackSettings,
    Holiday,
)
from core.items.staff import (
    NewStaffAccount,
    StaffAccount,
    StaffName,
    StaffServices,
    StaffSkills,
)

__all__ = [
    "ALL_ITEMS",
    "ARRAYS",
    "Announcement",
    "AppointmentSettings",
    "Appointments",
    "Center",
    "CenterFile",
    "CenterSettings",
    "Counter",
    "CounterSettings",
    "Department",
    "DepartmentNames",
    "Display",
    "DisplaySettings",
    "FeedbackSettings",
    "Holiday",
    "Item",
    "Kiosk",
    "KioskSettings",
    "NewStaffAccount",
    "Priority",
    "PriorityCategory",
    "PriorityPolicy",
    "Service",
    "ServiceGuide",
    "ServiceSettings",
    "StaffAccount",
    "StaffName",
    "StaffServices",
    "StaffSkills",
]

# Every item a change may be audited as; the audit page hides their keys among changed fields.
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
