"""The center's vocabulary: the codes, names and limits every part of the product agrees on.

Each is said once here; the configuration items (core.items), the center file, the admin API,
the staff accounts and the pages read them from this module rather than restating them.
"""

from __future__ import annotations

import re
from typing import Final

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE: Final = "vi"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_CENTER_NAME = "Trung tâm Phục vụ hành chính công"

ROLES = ("clerk", "supervisor", "admin")
USERNAME = re.compile(r"^[a-z0-9_.-]{2,32}$")
MIN_PASSWORD_LENGTH = 8
PASSWORD_MAX = 256

# A service's code is its ticket prefix ("A001"); other items are named by short ids.
SERVICE_CODE = re.compile(r"^[A-Z]{1,3}$")
ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

TEXT_MAX = 200  # names
LONG_TEXT_MAX = 300  # a ticket's footer, a printer URL
HOLIDAY_NAME_MAX = 100
DISPLAY_NAME_MAX = 60  # a clerk's name over the counter (the users table checks it too)
COUNTER_MAX = 999
TARGET_WAIT_MAX = 600
DEFAULT_TARGET_WAIT_MIN = 15
QUOTA_MAX = 100_000
MAX_IN_ROW = 20
DEFAULT_MAX_IN_ROW = 2
MAX_REPEAT = 5
DEFAULT_REPEAT = 2
CATEGORIES_MAX = 20
GUIDE_PAPERS_MAX = 30  # papers a service's guide lists
ITEMS_MAX = 999  # departments, services, counters, kiosks or displays in one center

PAPERS = ("80mm", "58mm")
DEFAULT_PAPER: Final = "80mm"
NO_PRINTER = "none:"
SHOWS = ("all", "counters", "departments")  # what a hall display shows
DEFAULT_PRIORITY_CATEGORIES = ("elderly", "disabled", "pregnant")

# Booking ahead (design.md section 9): a service's slots, and the center's booking window.
SLOT_MIN_RANGE = (5, 240)  # minutes a slot lasts
PER_SLOT_MAX = 100  # visitors one slot takes
DEFAULT_DAYS_AHEAD = 14
DAYS_AHEAD_MAX = 90
DEFAULT_EARLY_MIN = 30  # check-in opens this long before the slot
DEFAULT_GRACE_MIN = 15  # and closes this long after its start
WINDOW_MAX_MIN = 240
VISITOR_NAME_MAX = 100
# A booking's code: no 0/O or 1/I, which a visitor reading it aloud or typing it mixes up.
BOOKING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BOOKING_CODE_LENGTH = 6

# Citizen feedback (design.md section 9): the suggestion box and its answers.
FEEDBACK_KINDS = ("suggestion", "complaint", "praise")
FEEDBACK_TEXT_MAX = 2000
FEEDBACK_CONTACT_MAX = 200
FEEDBACK_REPLY_MAX = 2000
# A feedback's code, in the booking codes' letters: 32**8 (about 10**12) codes, so guessing one
# at the public doors' rate is hopeless; typed in two groups of four ("ABCD-EFGH").
FEEDBACK_CODE_LENGTH = 8
DEFAULT_ANSWER_DAYS = 5  # working days a complaint may wait for its answer
ANSWER_DAYS_MAX = 60
# Ratings (design.md section 9). The scale is the center's: the three levels Vietnamese centers
# publish, or four faces; a score runs 1..scale, highest best. Each level's name, lowest first.
RATING_LEVELS: Final = {
    3: ("unsatisfied", "satisfied", "very_satisfied"),
    4: ("unsatisfied", "neutral", "satisfied", "very_satisfied"),
}
RATING_SCALES = tuple(RATING_LEVELS)
DEFAULT_RATING_SCALE: Final = 3
# A low rating is at or below this score: "Không hài lòng" of three, the two lowest of four faces.
LOW_SCORE: Final = {3: 1, 4: 2}
# Why a visitor was not satisfied: the chips of the tablet and the phone, in their order.
RATING_REASONS = (
    "waited_too_long",
    "clerk_attitude",
    "papers_unclear",
    "asked_to_come_back",
    "other",
)
RATING_COMMENT_MAX = 1000  # the ratings table's CHECK says the same (db/migrations.py m004)

# The dossier code (mã hồ sơ) of a receipt, scanned or typed at the counter and the kiosk.
DOSSIER_MAX = 64
DOSSIER = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")
DOSSIER_PATTERN_MAX = 200  # the length of a center's own pattern for its codes


def html_pattern(rule: re.Pattern[str]) -> str:
    """The same rule for a form's `pattern` attribute: unanchored, with '-' escaped, as
    browsers compile it with the `v` flag."""
    return rule.pattern.removeprefix("^").removesuffix("$").replace("_-]", "_\\-]")


def counter_name(number: int) -> str:
    """The name a counter goes by when none is given: what the hall sees over it."""
    return f"Quầy {number}"
