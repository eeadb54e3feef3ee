"""The order the kiosk lists departments in, and each department's services in.

A manager reorders from the admin page, which sends the whole list as it shows it. The list must
name exactly the items there are now, each once: a page loaded before someone added or removed
an item is refused (InvalidInput, code "order", naming what is missing, extra or twice) rather
than guessed at. Like the rest of core/, this knows nothing of Flask or of the screens.

Services share one `position` sequence across departments (the kiosk groups them by department,
then follows it). Reordering one department's services therefore reuses the positions those
services already hold, so every other service keeps its own.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlite_utils import Database

from core.configuration import Change, audited
from core.configuration.catalogue import list_department_rows, list_service_rows
from core.errors import InvalidInput, NotFound
from core.rows import rows


def order_departments(db: Database, codes: Any, change: Change) -> list[dict[str, Any]]:
    """Set the kiosk's order of departments: `codes` lists every department once."""
    wanted = _codes(codes, "departments")
    with audited(db, change, "departments.order", None) as note:
        current = [
            row["code"] for row in rows(db, "SELECT code FROM departments ORDER BY position")
        ]
        _check_same_items(wanted, current, "the departments")
        note.before, note.after = {"departments": current}, {"departments": wanted}
        if wanted != current:
            for position, code in enumerate(wanted, start=1):
                db.execute("UPDATE departments SET position = ? WHERE code = ?", [position, code])
    return list_department_rows(db)


def order_services(
    db: Database, department: str, codes: Any, change: Change
) -> list[dict[str, Any]]:
    """Set the order of one department's services: `codes` lists each of them once.

    Switched-off services are listed too: they keep their place for when they are back.
    """
    wanted = _codes(codes, "services")
    with audited(db, change, "services.order", department) as note:
        if not rows(db, "SELECT 1 FROM departments WHERE code = ?", [department]):
            raise NotFound(f"There is no department {department!r}.", code="unknown_department")
        current = _service_codes(db, department)
        _check_same_items(wanted, current, f"the services of department {department}")
        note.before, note.after = {"services": current}, {"services": wanted}
        if wanted != current:
            for position, code in zip(_distinct_positions(db, department), wanted, strict=True):
                db.execute("UPDATE services SET position = ? WHERE code = ?", [position, code])
    return [row for row in list_service_rows(db) if row["department"] == department]


def _codes(codes: Any, what: str) -> list[str]:
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise InvalidInput(f"The order of the {what} must be a list of their codes.", code="order")
    return codes


def _check_same_items(wanted: list[str], current: list[str], what: str) -> None:
    """Refuse a list that is not the current items, each once, saying what differs."""
    counts = Counter(wanted)
    known = set(current)
    differences = []
    missing = [code for code in current if code not in counts]
    if missing:
        differences.append(f"missing {', '.join(missing)}")
    unknown = [code for code in counts if code not in known]
    if unknown:
        differences.append(f"not one of them: {', '.join(unknown)}")
    twice = [code for code, count in counts.items() if count > 1]
    if twice:
        differences.append(f"listed more than once: {', '.join(twice)}")
    if differences:
        raise InvalidInput(
            f"The new order must list each of {what} exactly once ({'; '.join(differences)})."
            " Reload the page to see the list as it is now.",
            code="order",
        )


def _service_codes(db: Database, department: str) -> list[str]:
    # The code breaks ties so that "the current order" is the same on every read.
    found = rows(
        db,
        "SELECT code FROM services WHERE department = ? ORDER BY position, code",
        [department],
    )
    return [row["code"] for row in found]


def _distinct_positions(db: Database, department: str) -> list[int]:
    """The positions the department's services hold, in order, each different.

    They normally are: adding a service takes max + 1. Only a center file loaded over a
    database that kept an old service (it has tickets) can leave two services on one position;
    then every service is renumbered 1..n in its present order, and no order changes.
    """
    positions = [
        row["position"]
        for row in rows(
            db, "SELECT position FROM services WHERE department = ? ORDER BY position", [department]
        )
    ]
    if len(set(positions)) == len(positions):
        return positions
    everyone = rows(db, "SELECT code FROM services ORDER BY position, code")
    for position, row in enumerate(everyone, start=1):
        db.execute("UPDATE services SET position = ? WHERE code = ?", [position, row["code"]])
    return _distinct_positions(db, department)
