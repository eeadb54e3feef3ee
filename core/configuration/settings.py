"""Center-wide settings: the center's name and language, the hall announcement, the priority
policy and categories, and the holidays. Each is one audited change (see the package docstring).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from core.center import get_center, get_setting, list_priority_categories
from core.configuration import Change, audited
from core.errors import Conflict, InvalidInput
from core.fields import checked
from core.identity import DEFAULT_ELDERLY_AGE
from core.items import (
    Announcement,
    Appointments,
    Center,
    CenterSettings,
    FeedbackSettings,
    Holiday,
    PriorityCategory,
    PriorityPolicy,
)
from core.rows import rows
from core.schedule import HOLIDAYS_SETTING, list_holidays


def _put(db: Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])


def center_settings(db: Database) -> dict[str, Any]:
    """The center's editable identity: name, language, footer, rating scale and dossier pattern
    (and its time zone, read-only)."""
    center = get_center(db)
    return {
        "name": center.name,
        "language": center.language,
        "footer": center.footer,
        "rating_scale": center.rating_scale,
        "dossier_pattern": center.dossier_pattern,
        "timezone": center.timezone,
    }


def read_center(db: Database) -> Center:
    return Center.model_validate(center_settings(db))


def put_center(db: Database, center: CenterSettings) -> None:
    """Write the center's settings (and its time zone, from a center file)."""
    for key, value in center.model_dump().items():
        _put(db, key, str(value or ""))


def update_center(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Rename the center, set its default language (pages, announcements), ticket footer,
    rating scale and dossier pattern; the scale and the pattern stay as they are when left out."""
    kept = center_settings(db)
    for key in ("rating_scale", "dossier_pattern"):
        values.setdefault(key, kept[key])
    center = checked(CenterSettings, values)
    with audited(db, change, "center.update", "center") as note:
        current = center_settings(db)
        note.before = {key: current[key] for key in CenterSettings.model_fields}
        put_center(db, center)
        note.after = {**center.model_dump(), "footer": center.footer or ""}
    return center_settings(db)


def announcement_settings(db: Database) -> dict[str, Any]:
    """How the hall display announces a call: language, times said, clip template (or None)."""
    return read_announcement(db).model_dump()


def read_announcement(db: Database) -> Announcement:
    return Announcement.model_validate(get_setting(db, "announcement", {}))


def put_announcement(db: Database, announcement: Announcement) -> None:
    stored = announcement.model_dump(exclude_none=True)
    _put(db, "json:announcement", json.dumps(stored, ensure_ascii=False))


def update_announcement(
    db: Database,
    change: Change,
    *,
    check_template: Callable[[str], object] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Set the announcement; `check_template` is the speech adapter's parser (ValueError)."""
    announcement = checked(Announcement, values)
    if announcement.template is not None and check_template is not None:
        try:
            check_template(announcement.template)
        except ValueError as error:
            raise InvalidInput(f"The announcement template: {error}.", code="template") from error
    with audited(db, change, "announcement.update", "announcement") as note:
        note.before = announcement_settings(db)
        put_announcement(db, announcement)
        note.after = announcement.model_dump()
    return announcement_settings(db)


def priority_settings(db: Database) -> dict[str, Any]:
    """The priority policy (strict, or at most N priority calls in a row) and the categories."""
    return {**read_priority_policy(db).model_dump(), "categories": list_priority_categories(db)}


ELDERLY_AGE_SETTING = "priority_elderly_age"


def read_priority_policy(db: Database) -> PriorityPolicy:
    stored = rows(db, "SELECT value FROM settings WHERE key = ?", [ELDERLY_AGE_SETTING])
    return PriorityPolicy(
        max_in_row=get_center(db).priority_max_in_row or 0,
        elderly_age=int(stored[0]["value"]) if stored else DEFAULT_ELDERLY_AGE,
    )


def put_priority_policy(db: Database, policy: PriorityPolicy) -> None:
    _put(db, "priority_max_in_row", str(policy.max_in_row))
    _put(db, ELDERLY_AGE_SETTING, str(policy.elderly_age))


def set_priority_policy(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Strict: a waiting priority ticket always goes first. Limit: at most N in a row. The
    elderly age of the ID card stays as it is unless given."""
    current = read_priority_policy(db)
    values.setdefault("elderly_age", current.elderly_age)
    policy = checked(PriorityPolicy, values)
    with audited(db, change, "priority.policy", "priority") as note:
        note.before = current.model_dump()
        put_priority_policy(db, policy)
        note.after = policy.model_dump()
    return priority_settings(db)


def put_priority_categories(db: Database, categories: list[PriorityCategory]) -> None:
    """Replace the categories, in the order the kiosk offers them; used ones cannot go."""
    codes = [category.code for category in categories]
    kept_used = sorted(set(categories_in_use(db)) - set(codes))
    if kept_used:
        raise Conflict(
            f"Category {', '.join(kept_used)} is on tickets already; it must stay.",
            code="category_in_use",
        )
    marks = ",".join("?" * len(codes))
    db.execute(f"DELETE FROM priority_categories WHERE code NOT IN ({marks})", codes)
    for position, category in enumerate(categories, start=1):
        db.execute(
            "INSERT INTO priority_categories (code, name, name_en, position)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
            " name_en = excluded.name_en, position = excluded.position",
            [category.code, category.name, category.name_en, position],
        )


def set_priority_categories(
    db: Database, change: Change, categories: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replace the categories, in the order the kiosk offers them; used ones cannot go."""
    if not categories:
        raise InvalidInput("Keep at least one priority category.", code="required")
    wanted = [checked(PriorityCategory, category) for category in categories]
    codes = [category.code for category in wanted]
    if len(set(codes)) != len(codes):
        raise InvalidInput("A category code is used twice.", code="duplicate")
    with audited(db, change, "priority.categories", "priority") as note:
        note.before = list_priority_categories(db)
        put_priority_categories(db, wanted)
        note.after = list_priority_categories(db)
    return list_priority_categories(db)


def categories_in_use(db: Database) -> list[str]:
    """The priority categories tickets carry: they must stay, or history would lose them."""
    found = rows(db, "SELECT DISTINCT priority FROM tickets WHERE priority IS NOT NULL")
    return sorted(row["priority"] for row in found)


def put_holidays(db: Database, holidays: list[Holiday]) -> list[dict[str, str]]:
    """Replace the holiday list, sorted by date: no service issues tickets on them."""
    days = [holiday.date for holiday in holidays]
    if len(set(days)) != len(days):
        twice = next(day for day in days if days.count(day) > 1)
        raise InvalidInput(f"The holiday list: {twice} is listed twice.", code="holidays")
    wanted = [{"date": h.date, "name": h.name or ""} for h in sorted(holidays, key=_date)]
    _put(db, HOLIDAYS_SETTING, json.dumps(wanted, ensure_ascii=False))
    return wanted


def _date(holiday: Holiday) -> str:
    return holiday.date


def set_holidays(
    db: Database, change: Change, holidays: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Replace the holiday list: dates on which no service issues tickets."""
    try:
        wanted = [checked(Holiday, holiday) for holiday in holidays]
    except InvalidInput as error:
        raise InvalidInput(f"The holiday list: {error.message}", code="holidays") from None
    with audited(db, change, "holidays.update", "holidays") as note:
        note.before = list_holidays(db)
        note.after = put_holidays(db, wanted)
    return list(note.after)


def appointment_settings(db: Database) -> dict[str, Any]:
    """The center's booking window: days ahead, and the check-in window around a slot's start."""
    return read_appointments(db).model_dump()


def read_appointments(db: Database) -> Appointments:
    return Appointments.model_validate(get_setting(db, "appointments", {}))


def put_appointments(db: Database, appointments: Appointments) -> None:
    _put(db, "json:appointments", json.dumps(appointments.model_dump()))


def update_appointments(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Set how far ahead visitors may book, and how early and late a booking checks in."""
    appointments = checked(Appointments, values)
    with audited(db, change, "appointments.update", "appointments") as note:
        note.before = appointment_settings(db)
        put_appointments(db, appointments)
        note.after = appointments.model_dump()
    return appointment_settings(db)


def feedback_settings(db: Database) -> dict[str, Any]:
    """The suggestion box: working days a complaint may wait for its answer."""
    return read_feedback_settings(db).model_dump()


def read_feedback_settings(db: Database) -> FeedbackSettings:
    return FeedbackSettings.model_validate(get_setting(db, "feedback", {}))


def put_feedback_settings(db: Database, feedback: FeedbackSettings) -> None:
    _put(db, "json:feedback", json.dumps(feedback.model_dump()))


def update_feedback_settings(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Set how many working days a complaint may wait before the monitor flags it."""
    feedback = checked(FeedbackSettings, values)
    with audited(db, change, "answer_delay.update", "feedback") as note:
        note.before = feedback_settings(db)
        put_feedback_settings(db, feedback)
        note.after = feedback.model_dump()
    return feedback_settings(db)
