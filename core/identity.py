"""The citizen ID card (CCCD) read at the kiosk: from its QR code, only what the queue needs.

The card's QR holds `ID(12 digits)|old ID (9 digits or empty)|full name|date of birth
DDMMYYYY|sex|address|issue date DDMMYYYY`. The queue needs two things from it: who the holder
is, to find their booking (a keyed hash of the ID number, never the number), and whether they
are elderly (the birth year, and the age on the day). `read_id_card` checks the whole text and
answers only those; the name, the address, the full birth date and the raw text stay in its
frame and are dropped with it. Nothing here stores, logs or repeats the card's content, not even
in a refusal's message. Like the rest of core/, nothing here knows of Flask.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from core.errors import InvalidInput

# The Law on the Elderly (Luật Người cao tuổi 2009): 60 and over.
DEFAULT_ELDERLY_AGE = 60
ELDERLY_AGE_RANGE = (50, 100)
ID_QR_MAX = 300  # a real card's QR text is about 150 characters
ELDERLY = "elderly"  # the priority category a card of the age gives

ID_NUMBER = re.compile(r"^[0-9]{12}$")
OLD_ID_NUMBER = re.compile(r"^[0-9]{9}$")
CARD_DATE = re.compile(r"^[0-9]{8}$")
FIELDS = 7
OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class CardHolder:
    """What is kept of a card: the ID number's keyed hash, the birth year, the age that day."""

    id_hash: str
    birth_year: int
    age: int


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, code="bad_id_qr")


def id_hash(id_number: str, key: bytes) -> str:
    """The keyed hash an ID number is kept as (HMAC-SHA256 with the instance secret)."""
    digits = re.sub(r"\s", "", id_number)
    if not (ID_NUMBER.match(digits) or OLD_ID_NUMBER.match(digits)):
        raise InvalidInput("The ID number must be 12 digits (or 9 for an old card).", code="bad_id")
    if not key:
        raise ValueError("an ID number is hashed with the instance secret, not an empty key")
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def age_on(birth: date, day: date) -> int:
    """Whole years lived on `day`; born on 29 February, a year is full on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _card_date(text: str, what: str) -> date:
    if not CARD_DATE.match(text):
        raise _refuse(f"The card's {what} is not a date written DDMMYYYY.")
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise _refuse(f"The card's {what} is not a real day.") from None


def read_id_card(text: str, *, key: bytes, today: date) -> CardHolder:
    """Check a CCCD's QR text and keep only the ID's keyed hash, the birth year and the age."""
    if not isinstance(text, str) or len(text) > ID_QR_MAX:
        raise _refuse(f"This is not an ID card's QR code (longer than {ID_QR_MAX} characters).")
    fields = text.strip().split("|")
    if len(fields) != FIELDS:
        raise _refuse(
            f"This is not an ID card's QR code: it has {len(fields)} parts, a card's has {FIELDS}."
        )
    number, old_number, name, born, sex, address, issued = (field.strip() for field in fields)
    if not ID_NUMBER.match(number):
        raise _refuse("The card's ID number must be 12 digits.")
    if old_number and not OLD_ID_NUMBER.match(old_number):
        raise _refuse("The card's old ID number must be 9 digits, or empty.")
    if not name or not sex or not address:
        raise _refuse("The card's QR code lacks the holder's name, sex or address.")
    birth = _card_date(born, "date of birth")
    issue = _card_date(issued, "issue date")
    if birth > today or birth.year < OLDEST_BIRTH_YEAR:
        raise _refuse("The card's date of birth cannot be right.")
    if not birth <= issue <= today:
        raise _refuse("The card's issue date cannot be right.")
    return CardHolder(id_hash=id_hash(number, key), birth_year=birth.year, age=age_on(birth, today))


def is_elderly(holder: CardHolder, elderly_age: int) -> bool:
    """Whether the card says its holder is of the age for an elderly priority ticket."""
    return holder.age >= elderly_age
