"""Staff accounts: the name shown over the counter, the account, and a new account with its
password."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from core.fields import Role, Username, text
from core.items.item import Item
from core.vocabulary import DISPLAY_NAME_MAX, PASSWORD_MAX


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
