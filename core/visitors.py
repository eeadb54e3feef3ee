"""The visitor's details on a booking (design.md section 9): the phone number and name as kept,
the masked name shown to anyone holding a code, and the booking code itself. An ID number is
kept as core.identity hashes it, the hash of a card read at the kiosk, so the card finds it.

Nothing here touches the database; each check refuses bad input with `InvalidInput`.
"""

from __future__ import annotations

import re
import secrets

from core.errors import InvalidInput
from core.vocabulary import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH, VISITOR_NAME_MAX

# Vietnamese numbers: 0 and 8-10 more digits (mobile 10, landline 10-11), or +84 for the 0.
PHONE = re.compile(r"^0\d{8,10}$")
PHONE_SEPARATORS = re.compile(r"[\s.()-]")


def phone_number(text: str) -> str:
    """A Vietnamese phone number as kept: digits from its 0 ("+84 912 345 678" -> 0912345678)."""
    digits = PHONE_SEPARATORS.sub("", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not PHONE.match(digits):
        raise InvalidInput(
            "The phone number must be 9 to 11 digits starting with 0 (or +84).", code="bad_phone"
        )
    return digits


def visitor_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > VISITOR_NAME_MAX:
        raise InvalidInput(f"The name must be 1 to {VISITOR_NAME_MAX} characters.", code="bad_name")
    return name


def masked_name(name: str) -> str:
    """Enough of a name to recognise it, not to learn it: "Nguyễn Văn An" -> "Ng*** V** A"."""
    words = name.split()
    if len(words) == 1:
        return words[0][:1] + "***"
    middle = [word[:1] + "**" for word in words[1:-1]]
    return " ".join([words[0][:2] + "***", *middle, words[-1][:1]])


def new_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))
