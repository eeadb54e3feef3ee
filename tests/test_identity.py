"""Reading the citizen ID card's QR at the kiosk: only a keyed hash of the number, the birth year
and the age that day come out; anything that is not a card's QR is refused in words that never
repeat what it held."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest

from core.errors import InvalidInput
from core.identity import (
    ID_QR_MAX,
    CardHolder,
    age_on,
    id_hash,
    is_elderly,
    read_id_card,
)

KEY = b"instance-secret"
TODAY = date(2026, 11, 30)

# Real-format samples (made-up people): number|old number|name|birth|sex|address|issued.
ELDER = (
    "001050012345|012345678|Nguyễn Văn An|15031950|Nam"
    "|Số 12 Hàng Bạc, Phường Hàng Đào, Quận Hoàn Kiếm, Hà Nội|20042021"
)
YOUNG = (
    "092190001234||Trần Thị Bích Ngọc|02091990|Nữ"
    "|Khu vực 3, Phường An Khánh, Quận Ninh Kiều, Cần Thơ|10082022"
)


def card(born: str, *, number: str = "079066001111", issued: str = "01012022") -> str:
    return f"{number}||Lê Văn Bảy|{born}|Nam|Ấp 4, Xã Tân Phú, Huyện Châu Thành, Bến Tre|{issued}"


def test_a_card_gives_the_keyed_hash_of_its_number_the_birth_year_and_the_age() -> None:
    holder = read_id_card(ELDER, key=KEY, today=TODAY)

    expected = hmac.new(KEY, b"001050012345", hashlib.sha256).hexdigest()
    assert holder == CardHolder(id_hash=expected, birth_year=1950, age=76)


def test_a_card_without_an_old_number_is_read() -> None:
    holder = read_id_card(YOUNG, key=KEY, today=TODAY)

    assert (holder.birth_year, holder.age) == (1990, 36)


def test_what_is_kept_holds_nothing_of_the_name_address_or_number() -> None:
    kept = repr(read_id_card(ELDER, key=KEY, today=TODAY))

    for secret in ("Nguyễn", "Hàng Bạc", "001050012345", "012345678", "15031950"):
        assert secret not in kept


def test_the_scanners_line_end_and_spaces_around_parts_are_ignored() -> None:
    assert read_id_card(f" {ELDER}\r\n", key=KEY, today=TODAY).birth_year == 1950


def test_the_hash_depends_on_the_key() -> None:
    assert id_hash("001050012345", KEY) != id_hash("001050012345", b"another-secret")
    assert id_hash("0010 5001 2345", KEY) == id_hash("001050012345", KEY)


def test_an_id_number_that_is_not_one_is_not_hashed() -> None:
    with pytest.raises(InvalidInput) as refused:
        id_hash("00105001234", KEY)
    assert refused.value.code == "bad_id"
    with pytest.raises(ValueError):
        id_hash("001050012345", b"")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "1 parts"),
        ("https://example.com/book/ABC234", "1 parts"),
        (ELDER + "|extra", "8 parts"),
        (ELDER.replace("|Nam|", "|"), "6 parts"),
        (ELDER.replace("001050012345", "00105001234"), "ID number must be 12 digits"),
        (ELDER.replace("001050012345", "00105001234X"), "ID number must be 12 digits"),
        (ELDER.replace("012345678", "0123"), "old ID number must be 9 digits"),
        (ELDER.replace("Nguyễn Văn An", ""), "lacks the holder's name"),
        (ELDER.replace("15031950", "1503195"), "date of birth is not a date"),
        (ELDER.replace("15031950", "1950-03-15"), "date of birth is not a date"),
        (ELDER.replace("15031950", "31021950"), "date of birth is not a real day"),
        (ELDER.replace("15031950", "29021950"), "date of birth is not a real day"),
        (ELDER.replace("15031950", "01012030"), "date of birth cannot be right"),
        (ELDER.replace("15031950", "01011850"), "date of birth cannot be right"),
        (ELDER.replace("20042021", "20042030"), "issue date cannot be right"),
        (ELDER.replace("20042021", "20041940"), "issue date cannot be right"),
        (ELDER.replace("20042021", "99999999"), "issue date is not a real day"),
        ("x" * (ID_QR_MAX + 1), "longer than"),
    ],
)
def test_a_malformed_qr_is_refused_in_words_that_repeat_nothing_of_it(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_id_card(text, key=KEY, today=TODAY)

    assert refused.value.code == "bad_id_qr" and refused.value.status == 400
    assert says in refused.value.message
    for secret in ("Nguyễn", "Hàng Bạc", "001050012345", "1950", "example.com"):
        assert secret not in refused.value.message


@pytest.mark.parametrize(
    ("born", "age", "elderly"),
    [
        ("30111966", 60, True),  # 60 today
        ("01121966", 59, False),  # 60 tomorrow
        ("29111966", 60, True),  # 60 yesterday
        ("30111967", 59, False),
        ("30112026", 0, False),  # born today: a newborn's card is not refused
    ],
)
def test_the_age_on_the_day_decides_around_the_threshold(
    born: str, age: int, elderly: bool
) -> None:
    holder = read_id_card(card(born, issued="30112026"), key=KEY, today=TODAY)

    assert holder.age == age
    assert is_elderly(holder, 60) is elderly


def test_the_threshold_is_the_centers() -> None:
    holder = read_id_card(card("01011960"), key=KEY, today=TODAY)  # 66

    assert is_elderly(holder, 65) and not is_elderly(holder, 70)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2024, 2, 28), 59),
        (date(2024, 2, 29), 60),  # a leap year: the birthday itself
        (date(2025, 2, 28), 60),
        (date(2025, 3, 1), 61),  # not a leap year: the year is full on 1 March
        (date(2026, 2, 28), 61),
        (date(2026, 3, 1), 62),
    ],
)
def test_a_leap_day_birthday_counts_its_years_in_every_year(day: date, age: int) -> None:
    assert age_on(date(1964, 2, 29), day) == age
    holder = read_id_card(card("29021964"), key=KEY, today=day)
    assert (holder.birth_year, holder.age) == (1964, age)
