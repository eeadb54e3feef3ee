"""Center-wide settings: the center's name and language, the hall announcement, the priority
policy and categories, and the holidays. Each is one audited change (see the package docstring).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from core.center import get_center, get_setting, list_priority_categories
from core.configuration import Change, audited, required_text, short_code, text, whole_number
from core.errors import Conflict, InvalidInput
from core.rows import rows
from core.schedule import HOLIDAYS_SETTING, list_holidays, parse_holidays

LANGUAGES = ("vi", "en")
FOOTER_MAX = 300
MAX_IN_ROW = 20
MAX_REPEAT = 5
DEFAULT_ANNOUNCEMENT: dict[str, Any] = {"language": "vi", "repeat": 2}


def _put(db: Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])


def _language(value: Any, what: str) -> str:
    if value not in LANGUAGES:
        raise InvalidInput(f"{what} must be vi or en.", code="language")
    return str(value)


def center_settings(db: Database) -> dict[str, Any]:
    """The center's editable identity: name, language, footer (and its time zone, read-only)."""
    center = get_center(db)
    return {
        "name": center.name,
        "language": center.language,
        "footer": center.footer,
        "timezone": center.timezone,
    }


def update_center(
    db: Database, change: Change, *, name: str, language: str, footer: str | None
) -> dict[str, Any]:
    """Rename the center, set its default language (pages, announcements) and ticket footer."""
    new = {
        "name": required_text(name, "The center's name"),
        "language": _language(language, "The language"),
        "footer": text(footer, "The footer", required=False, maximum=FOOTER_MAX) or "",
    }
    with audited(db, change, "center.update", "center") as note:
        current = center_settings(db)
        note.before = {key: current[key] for key in new}
        for key, value in new.items():
            _put(db, key, value)
        note.after = new
    return center_settings(db)


def announcement_settings(db: Database) -> dict[str, Any]:
    """How the hall display announces a call: language, times said, clip template (or None)."""
    stored = {**DEFAULT_ANNOUNCEMENT, **get_setting(db, "announcement", {})}
    template = stored.get("template")
    if isinstance(template, list):
        template = " ".join(template)
    return {"language": stored["language"], "repeat": stored["repeat"], "template": template}


def update_announcement(
    db: Database,
    change: Change,
    *,
    language: str,
    repeat: int,
    template: str | None,
    check_template: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """Set the announcement; `check_template` is the speech adapter's parser (ValueError)."""
    template = text(template, "The announcement template", required=False)
    if template is not None and check_template is not None:
        try:
            check_template(template)
        except ValueError as error:
            raise InvalidInput(f"The announcement template: {error}.", code="template") from error
    new: dict[str, Any] = {
        "language": _language(language, "The announcement language"),
        "repeat": whole_number(repeat, "Repeat", 1, MAX_REPEAT),
    }
    if template is not None:
        new["template"] = template
    with audited(db, change, "announcement.update", "announcement") as note:
        note.before = {"template": None, **announcement_settings(db)}
        _put(db, "json:announcement", json.dumps(new, ensure_ascii=False))
        note.after = {"template": None, **new}
    return announcement_settings(db)


def priority_settings(db: Database) -> dict[str, Any]:
    """The priority policy (strict, or at most N priority calls in a row) and the categories."""
    max_in_row = get_center(db).priority_max_in_row
    return {
        "policy": "strict" if max_in_row is None else "limit",
        "max_in_row": max_in_row or 0,
        "categories": list_priority_categories(db),
    }


def set_priority_policy(
    db: Database, change: Change, *, policy: str, max_in_row: int | None
) -> dict[str, Any]:
    """Strict: a waiting priority ticket always goes first. Limit: at most N in a row."""
    if policy == "strict":
        stored = 0
    elif policy == "limit":
        stored = whole_number(max_in_row, "Priority tickets in a row", 1, MAX_IN_ROW)
    else:
        raise InvalidInput('The policy must be "strict" or "limit".', code="policy")
    with audited(db, change, "priority.policy", "priority") as note:
        current = priority_settings(db)
        note.before = {"policy": current["policy"], "max_in_row": current["max_in_row"]}
        _put(db, "priority_max_in_row", str(stored))
        note.after = {"policy": policy, "max_in_row": stored}
    return priority_settings(db)


def set_priority_categories(
    db: Database, change: Change, categories: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replace the categories, in the order the kiosk offers them; used ones cannot go."""
    wanted = _checked_categories(categories)
    with audited(db, change, "priority.categories", "priority") as note:
        note.before = list_priority_categories(db)
        codes = [category["code"] for category in wanted]
        kept_used = sorted(set(categories_in_use(db)) - set(codes))
        if kept_used:
            raise Conflict(
                f"Category {', '.join(kept_used)} is on tickets already; it must stay.",
                code="category_in_use",
            )
        marks = ",".join("?" * len(codes))
        db.execute(f"DELETE FROM priority_categories WHERE code NOT IN ({marks})", codes)
        for position, category in enumerate(wanted, start=1):
            db.execute(
                "INSERT INTO priority_categories (code, name, name_en, position)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
                " name_en = excluded.name_en, position = excluded.position",
                [category["code"], category["name"], category["name_en"], position],
            )
        note.after = list_priority_categories(db)
    return list_priority_categories(db)


def categories_in_use(db: Database) -> list[str]:
    """The priority categories tickets carry: they must stay, or history would lose them."""
    found = rows(db, "SELECT DISTINCT priority FROM tickets WHERE priority IS NOT NULL")
    return sorted(row["priority"] for row in found)


def _checked_categories(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not categories:
        raise InvalidInput("Keep at least one priority category.", code="required")
    checked: list[dict[str, Any]] = []
    for index, category in enumerate(categories, start=1):
        where = f"Category {index}"
        code = short_code(category.get("code"), f"{where}: the code")
        if code in {seen["code"] for seen in checked}:
            raise InvalidInput(f"{where}: the code {code!r} is used twice.", code="duplicate")
        checked.append(
            {
                "code": code,
                "name": required_text(category.get("name"), f"{where}: the name"),
                "name_en": text(
                    category.get("name_en"), f"{where}: the English name", required=False
                ),
            }
        )
    return checked


def set_holidays(
    db: Database, change: Change, holidays: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Replace the holiday list: dates on which no service issues tickets."""
    try:
        wanted = parse_holidays(holidays)
    except ValueError as error:
        raise InvalidInput(f"The holiday list: {error}", code="holidays") from error
    with audited(db, change, "holidays.update", "holidays") as note:
        note.before = list_holidays(db)
        _put(db, HOLIDAYS_SETTING, json.dumps(wanted, ensure_ascii=False))
        note.after = wanted
    return wanted
