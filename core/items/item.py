"""The configuration item: what every declared setting of the center has in common.

Strict types, unknown keys refused, texts trimmed, and one way to be stored (its key first).
Like the rest of core/, nothing here knows of Flask.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


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
