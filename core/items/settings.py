"""The center-wide settings: the center itself, its announcement, its booking window, its
suggestion box and its holidays."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from core.fields import (
    Day,
    DossierPattern,
    Language,
    OptionalLongText,
    RatingScale,
    Text,
    TimeZone,
    text,
    whole,
)
from core.items.item import Item
from core.vocabulary import (
    ANSWER_DAYS_MAX,
    DAYS_AHEAD_MAX,
    DEFAULT_ANSWER_DAYS,
    DEFAULT_DAYS_AHEAD,
    DEFAULT_EARLY_MIN,
    DEFAULT_GRACE_MIN,
    DEFAULT_LANGUAGE,
    DEFAULT_RATING_SCALE,
    DEFAULT_REPEAT,
    DEFAULT_TIMEZONE,
    HOLIDAY_NAME_MAX,
    MAX_REPEAT,
    TEXT_MAX,
    WINDOW_MAX_MIN,
)


class CenterSettings(Item):
    """The center as the admin page edits it; its time zone is set by the center file only."""

    name: Text
    language: Language = Field(DEFAULT_LANGUAGE, description="Pages and announcements.")
    footer: OptionalLongText = Field(None, description="Printed at the foot of every ticket.")
    rating_scale: RatingScale = Field(
        DEFAULT_RATING_SCALE,
        description="How visitors rate: 3 (Rất hài lòng / Hài lòng / Không hài lòng, the levels"
        " Vietnamese centers publish) or 4 (four faces).",
    )
    dossier_pattern: DossierPattern = Field(
        None,
        description="A regular expression a dossier code (mã hồ sơ) must match whole, e.g."
        r' "^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$"; left out: any code of 1-64 letters,'
        " digits, '.', '_', '/' or '-'.",
    )


class Center(CenterSettings):
    timezone: TimeZone = DEFAULT_TIMEZONE


def _joined(value: Any) -> Any:
    """A template written as a list of clip keys is one text; anything else is checked as is."""
    if isinstance(value, list) and all(isinstance(key, str) for key in value):
        return " ".join(value)
    return value


class Announcement(Item):
    language: Language = DEFAULT_LANGUAGE
    repeat: Annotated[int, whole(1, MAX_REPEAT)] = Field(
        DEFAULT_REPEAT, description="Times the call is said, 1..5."
    )
    # Before-validators run last-declared first: a list of clip keys is joined, then checked.
    template: Annotated[
        str | None,
        text(TEXT_MAX, required=False),
        BeforeValidator(_joined),
    ] = Field(None, description='Clip keys, e.g. "intro {label} to_counter {counter}".')


class Appointments(Item):
    """The center's booking window: how far ahead, and when a booked visitor may check in."""

    days_ahead: Annotated[int, whole(1, DAYS_AHEAD_MAX)] = Field(
        DEFAULT_DAYS_AHEAD, description="Days ahead a visitor may book, today being day 0."
    )
    early_min: Annotated[int, whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_EARLY_MIN, description="Minutes before the slot's start check-in opens."
    )
    grace_min: Annotated[int, whole(0, WINDOW_MAX_MIN)] = Field(
        DEFAULT_GRACE_MIN,
        description="Minutes after the slot's start a booking waits; then it expires.",
    )


class FeedbackSettings(Item):
    """The suggestion box: how long a complaint may wait for its answer."""

    answer_days: Annotated[int, whole(1, ANSWER_DAYS_MAX)] = Field(
        DEFAULT_ANSWER_DAYS,
        description="Working days a complaint may wait for its answer; then the live monitor"
        " flags it.",
    )


class Holiday(Item):
    key: ClassVar[str | None] = "date"
    noun: ClassVar[str] = "holiday"
    date: Day = Field(description="YYYY-MM-DD")
    name: Annotated[str | None, text(HOLIDAY_NAME_MAX, required=False)] = None
