"""Who goes first: the priority policy, and the categories of priority visitors."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field
from pydantic import model_validator as model_check

from core.fields import Id, OptionalText, Policy, Text, refuse, unique, whole
from core.identity import DEFAULT_ELDERLY_AGE, ELDERLY_AGE_RANGE
from core.items.item import Item
from core.vocabulary import CATEGORIES_MAX, DEFAULT_MAX_IN_ROW, MAX_IN_ROW


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
