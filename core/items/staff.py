"""Staff accounts: the name shown over the counter, the account, a new account with its
password, and the services a clerk may serve."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from core.fields import Role, ServiceCode, Username, text, unique
from core.items.item import Item
from core.vocabulary import DISPLAY_NAME_MAX, ITEMS_MAX, PASSWORD_MAX


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
