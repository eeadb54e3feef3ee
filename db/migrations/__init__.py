"""The schema, as named migrations applied in order. An applied migration is never edited:
change the schema by adding the next one, at the end of the last module imported below (or in a
new module imported after it): migrations apply in the order they are declared.

Invariants live here rather than in code: one number per service per day, known statuses and
roles, foreign keys between tickets, services and counters.
"""

# isort: off
# Each module declares its migrations as it loads, so the order of these imports is the schema's.
from db.migrations import initial  # noqa: F401
from db.migrations import audit_and_ratings  # noqa: F401
from db.migrations import appointments  # noqa: F401
from db.migrations import devices_and_feedback  # noqa: F401
from db.migrations import operations  # noqa: F401
from db.migrations.registry import migrations

# isort: on

__all__ = ["migrations"]
