"""When a service issues tickets: its opening hours per weekday, and the center's holidays.

`services.hours` holds JSON in one of two forms, so databases and center files written before
weekly schedules still mean what they meant:

- a list of spans, `[["07:00", "11:30"], ["13:00", "16:30"]]`: the same hours every day; an
  empty list means no limit at all (the service is open whenever the center is);
- a mapping of the seven weekdays, `{"monday": [...], ..., "sunday": []}`: an empty day is a
  closed day.

Holidays are one list for the whole center (a setting), because a public holiday closes every
counter at once. Times are center time, `HH:MM`, the end exclusive. This module is pure: it
reads the holiday setting and nothing else.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

Span = tuple[str, str]
Spans = tuple[Span, ...]
Week = tuple[Spans, ...]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKING_DAYS = WEEKDAYS[:5]
FILE_DAY_KEYS = ("weekdays", *WEEKDAYS)
HOLIDAYS_SETTING = "json:holidays"
HOLIDAY_NAME_MAX = 100
SPAN = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def parse_span(text: Any) -> Span:
    """Read one "HH:MM-HH:MM" span, or raise ValueError saying what is wrong with it."""
    match = SPAN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f'bad hours {text!r}; write "HH:MM-HH:MM".')
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        raise ValueError(f"bad hours {text!r}; times run 00:00 to 24:00.")
    if (start_h, start_m) >= (end_h, end_m):
        raise ValueError(f"bad hours {text!r}; the end must come after the start.")
    start, end = text.split("-")
    return start, end


def parse_spans(value: Any) -> Spans:
    """Read a list of spans, sorted; overlapping spans are refused (they hide a typing slip)."""
    if not isinstance(value, list | tuple):
        raise ValueError('hours must be a list like ["07:00-11:30", "13:00-16:30"].')
    spans = sorted(parse_span(text) for text in value)
    for (_start, end), (next_start, next_end) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise ValueError(f"hours {_start}-{end} and {next_start}-{next_end} overlap.")
    return tuple(spans)


def parse_hours(value: Any) -> list[list[str]] | dict[str, list[list[str]]]:
    """Read the hours of a center file or an API body into the stored form.

    A list is the same hours every day. A table names days: `weekdays` (Monday to Friday),
    then any of `monday` ... `sunday`, which override `weekdays`; a day it does not name is
    closed. A table whose days are all equal is stored as a list, its simplest form.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [list(span) for span in parse_spans(value)]
    if not isinstance(value, dict):
        raise ValueError('hours must be a list like ["07:00-11:30"] or a table of weekdays.')
    unknown = sorted(set(value) - set(FILE_DAY_KEYS))
    if unknown:
        raise ValueError(f"unknown day(s) {unknown} in hours; use {', '.join(FILE_DAY_KEYS)}.")
    week: dict[str, Spans] = {day: () for day in WEEKDAYS}
    if "weekdays" in value:
        spans = _day_spans(value["weekdays"], "weekdays")
        week.update({day: spans for day in WORKING_DAYS})
    for day in WEEKDAYS:
        if day in value:
            week[day] = _day_spans(value[day], day)
    if not any(week.values()):
        raise ValueError("hours leave every day closed; to stop a service, switch it off.")
    if len(set(week.values())) == 1:
        return [list(span) for span in week["monday"]]
    return {day: [list(span) for span in spans] for day, spans in week.items()}


def _day_spans(value: Any, day: str) -> Spans:
    try:
        return parse_spans(value)
    except ValueError as error:
        raise ValueError(f"{day}: {error}") from error


def stored_hours(text: str) -> tuple[Spans, Week | None]:
    """Split the stored JSON into (every-day spans, week); the week is None for the list form."""
    stored = json.loads(text)
    if isinstance(stored, dict):
        week = tuple(tuple((start, end) for start, end in stored.get(day, [])) for day in WEEKDAYS)
        return (), week
    return tuple((start, end) for start, end in stored), None


def hours_for_file(text: str) -> list[str] | dict[str, list[str]]:
    """The stored hours as a center file writes them: a list, or a table of days.

    Monday to Friday collapse into `weekdays` when they agree; Saturday and Sunday are always
    written, so a reader sees at a glance which days are closed.
    """
    every_day, week = stored_hours(text)
    if week is None:
        return [f"{start}-{end}" for start, end in every_day]
    written = {
        day: [f"{start}-{end}" for start, end in spans]
        for day, spans in zip(WEEKDAYS, week, strict=True)
    }
    if len({tuple(written[day]) for day in WORKING_DAYS}) == 1:
        table = {"weekdays": written["monday"]}
    else:
        table = {day: written[day] for day in WORKING_DAYS}
    return {**table, "saturday": written["saturday"], "sunday": written["sunday"]}


def hours_by_day(text: str) -> dict[str, list[str]] | None:
    """Every weekday's spans ("HH:MM-HH:MM"), for the schedule editor; None: no hours limit."""
    every_day, week = stored_hours(text)
    if week is None and not every_day:
        return None
    days = week if week is not None else (every_day,) * len(WEEKDAYS)
    return {
        day: [f"{start}-{end}" for start, end in spans]
        for day, spans in zip(WEEKDAYS, days, strict=True)
    }


def opening_spans(
    every_day: Spans, week: Week | None, local_day: date, holidays: frozenset[str] | set[str]
) -> Spans | None:
    """A day's opening spans: () when closed (a holiday, a closed weekday), None for no limit."""
    if local_day.isoformat() in holidays:
        return ()
    if week is not None:
        return week[local_day.weekday()]
    return every_day or None


def parse_holidays(value: Any) -> list[dict[str, str]]:
    """Read a holiday list ([{date, name?}], dates as text or TOML dates), sorted by date."""
    if not isinstance(value, list):
        raise ValueError("holidays must be a list of {date, name}.")
    holidays: dict[str, str] = {}
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"holidays[{index}] must be a table with a date.")
        unknown = sorted(set(item) - {"date", "name"})
        if unknown:
            raise ValueError(f"holidays[{index}]: unknown key(s) {unknown}.")
        day = _holiday_date(item.get("date"), index)
        if day in holidays:
            raise ValueError(f"holidays[{index}]: {day} is listed twice.")
        name = item.get("name") or ""
        if not isinstance(name, str) or len(name.strip()) > HOLIDAY_NAME_MAX:
            raise ValueError(f"holidays[{index}]: name must be a text of at most 100 characters.")
        holidays[day] = name.strip()
    return [{"date": day, "name": holidays[day]} for day in sorted(holidays)]


def _holiday_date(value: Any, index: int) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"holidays[{index}]: date {value!r} must be a real day, YYYY-MM-DD.")


def list_holidays(db: Database) -> list[dict[str, str]]:
    """The center's holidays, [{date, name}] sorted by date."""
    for row in db.query("SELECT value FROM settings WHERE key = ?", [HOLIDAYS_SETTING]):
        holidays: list[dict[str, str]] = json.loads(row["value"])
        return holidays
    return []


def holiday_dates(db: Database) -> frozenset[str]:
    """The center's holidays as a set of YYYY-MM-DD, for the is-it-open checks."""
    return frozenset(holiday["date"] for holiday in list_holidays(db))
