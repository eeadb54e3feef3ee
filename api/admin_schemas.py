"""The bodies the administration routes accept (/api/admin/...).

They check shapes and types; the rules a manager can break (a department in use, overlapping
hours, the last admin) are checked in core.configuration, whose messages say what to do.
Every body that changes something may carry a `reason`, kept in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from api.validation import Body

Text = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=300)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32)]
ServiceCode = Annotated[str, StringConstraints(min_length=1, max_length=3)]
Span = Annotated[str, StringConstraints(max_length=11)]
Language = Literal["vi", "en"]
Role = Literal["clerk", "supervisor", "admin"]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256, strip_whitespace=False)]
Hours = list[Span] | dict[str, list[Span]] | None
REASON = Field(None, description="Why (optional); kept in the audit log.")


class AdminChange(Body):
    reason: Text | None = REASON


class AdminCenter(AdminChange):
    name: Text
    language: Language = Field(description="Default language of the pages and announcements.")
    footer: LongText | None = Field(None, description="Printed at the foot of every ticket.")


class AdminDepartmentUpdate(AdminChange):
    name: Text
    name_en: Text | None = None


class AdminDepartment(AdminDepartmentUpdate):
    code: Code


class AdminServiceUpdate(AdminChange):
    name: Text
    name_en: Text | None = None
    department: Code
    target_wait_min: int = Field(15, description="Service level target, minutes.")
    daily_quota: int | None = Field(None, description="Tickets per day; none: no limit.")
    hours: Hours = Field(
        None,
        description='None: no limit; ["07:00-11:30", ...]: every day; or a mapping of'
        " monday..sunday (and weekdays) to such lists, a day left out being closed.",
    )


class AdminService(AdminServiceUpdate):
    code: ServiceCode = Field(description="1-3 capital letters; the ticket prefix.")
    enabled: bool = True


class AdminOrder(AdminChange):
    codes: list[Code] = Field(
        max_length=200,
        description="Every item's code once, in the order the kiosk is to list them.",
    )


class AdminServiceEnabled(AdminChange):
    enabled: bool = Field(description="False: the kiosks stop offering it now.")


class AdminHoliday(Body):
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    name: Text | None = None


class AdminHolidays(AdminChange):
    holidays: list[AdminHoliday] = Field(max_length=366)


class AdminCounterUpdate(AdminChange):
    name: Text | None = None
    services: list[ServiceCode] = Field(description="In the order the counter calls them.")


class AdminCounter(AdminCounterUpdate):
    number: int = Field(description="What the hall hears: 'quầy số 5'.")


class AdminKioskUpdate(AdminChange):
    name: Text | None = None
    printer: LongText = Field("none:", description="dummy:, none:, tcp://host, usb://VID:PID...")
    paper: Literal["80mm", "58mm"] = "80mm"


class AdminKiosk(AdminKioskUpdate):
    id: Code = Field(description="The kiosk page's ?kiosk= id.")


class AdminDisplayUpdate(AdminChange):
    name: Text | None = None
    shows: Literal["all", "counters", "departments"] = Field(
        "all", description="The whole hall, the counters listed, or the departments listed."
    )
    counters: list[int] = Field([], max_length=999, description="With 'counters'.")
    departments: list[Code] = Field([], max_length=200, description="With 'departments'.")


class AdminDisplay(AdminDisplayUpdate):
    id: Code = Field(description="The display page's ?display= id.")


class AdminPriorityPolicy(AdminChange):
    policy: Literal["strict", "limit"]
    max_in_row: int | None = Field(None, description="With 'limit': 1..20 in a row.")


class AdminPriorityCategory(Body):
    code: Code
    name: Text
    name_en: Text | None = None


class AdminPriorityCategories(AdminChange):
    categories: list[AdminPriorityCategory] = Field(max_length=20)


class AdminAnnouncement(AdminChange):
    language: Language
    repeat: int = Field(2, description="Times the call is said, 1..5.")
    template: Text | None = Field(None, description='e.g. "intro {label} to_counter {counter}"')


class AdminUser(AdminChange):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    role: Role
    password: Password


class AdminUserRole(AdminChange):
    role: Role


class AdminUserActive(AdminChange):
    active: bool


class AdminUserPassword(AdminChange):
    password: Password
