"""The bodies the administration routes accept (/api/admin/...).

Each is a configuration item of core.items, declared there once, plus the optional `reason`
kept in the audit log; these classes add nothing else. The rules a manager can break against the
current state (a department in use, the last admin) are checked in core.configuration.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.validation import Body
from core import fields, items
from core.vocabulary import CATEGORIES_MAX, ITEMS_MAX, PASSWORD_MAX

REASON = Field(None, description="Why (optional); kept in the audit log.")
Role = fields.Role


class AdminChange(Body):
    reason: fields.OptionalText = REASON


class AdminCenter(items.CenterSettings, AdminChange):
    pass


class AdminDepartmentUpdate(items.DepartmentNames, AdminChange):
    pass


class AdminDepartment(items.Department, AdminChange):
    pass


class AdminServiceUpdate(items.ServiceSettings, AdminChange):
    pass


class AdminService(items.Service, AdminChange):
    pass


class AdminOrder(AdminChange):
    codes: list[fields.Id] = Field(
        max_length=ITEMS_MAX,
        description="Every item's code once, in the order the kiosk is to list them.",
    )


class AdminServiceEnabled(AdminChange):
    enabled: bool = Field(description="False: the kiosks stop offering it now.")


class AdminHolidays(AdminChange):
    holidays: list[items.Holiday] = Field(max_length=366)


class AdminCounterUpdate(items.CounterSettings, AdminChange):
    pass


class AdminCounter(items.Counter, AdminChange):
    pass


class AdminKioskUpdate(items.KioskSettings, AdminChange):
    pass


class AdminKiosk(items.Kiosk, AdminChange):
    pass


class AdminDisplayUpdate(items.DisplaySettings, AdminChange):
    pass


class AdminDisplay(items.Display, AdminChange):
    pass


class AdminPriorityPolicy(items.PriorityPolicy, AdminChange):
    pass


class AdminPriorityCategories(AdminChange):
    categories: list[items.PriorityCategory] = Field(max_length=CATEGORIES_MAX)


class AdminAnnouncement(items.Announcement, AdminChange):
    pass


class AdminUser(items.NewStaffAccount, AdminChange):
    pass


class AdminUserName(items.StaffName, AdminChange):
    pass


class AdminUserServices(items.StaffServices, AdminChange):
    pass


class AdminUserRole(AdminChange):
    role: Role


class AdminUserActive(AdminChange):
    active: bool


class AdminUserPassword(AdminChange):
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class AdminAddressUnlock(AdminChange):
    address: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[0-9A-Za-z.:%_\-]+$",
        description="The client address locked, as GET /api/admin/lockouts lists it.",
    )
