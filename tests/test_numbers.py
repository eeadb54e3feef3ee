"""Reading numbers and labels aloud: the Vietnamese rules (mười/mươi, mốt, lăm, tư, linh)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from display.numbers import (
    clip_texts,
    english_number,
    number_keys,
    spoken_digits,
    vietnamese_number,
)

VIETNAMESE = {
    0: "không",
    1: "một",
    4: "bốn",
    5: "năm",
    9: "chín",
    10: "mười",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    19: "mười chín",
    20: "hai mươi",
    21: "hai mươi mốt",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    30: "ba mươi",
    31: "ba mươi mốt",
    44: "bốn mươi tư",
    45: "bốn mươi lăm",
    55: "năm mươi lăm",
    71: "bảy mươi mốt",
    99: "chín mươi chín",
    100: "một trăm",
    101: "một trăm linh một",
    104: "một trăm linh bốn",
    105: "một trăm linh năm",
    110: "một trăm mười",
    111: "một trăm mười một",
    115: "một trăm mười lăm",
    121: "một trăm hai mươi mốt",
    124: "một trăm hai mươi tư",
    205: "hai trăm linh năm",
    999: "chín trăm chín mươi chín",
    1000: "một nghìn",
    1005: "một nghìn không trăm linh năm",
    2024: "hai nghìn không trăm hai mươi tư",
    21000: "hai mươi mốt nghìn",
    1000000: "một triệu",
}

ENGLISH = {
    0: "zero",
    1: "one",
    5: "five",
    11: "eleven",
    12: "twelve",
    15: "fifteen",
    20: "twenty",
    21: "twenty-one",
    99: "ninety-nine",
    100: "one hundred",
    105: "one hundred and five",
    115: "one hundred and fifteen",
    121: "one hundred and twenty-one",
    1005: "one thousand and five",
    1234: "one thousand two hundred and thirty-four",
}


@pytest.mark.parametrize(("number", "words"), VIETNAMESE.items())
def test_vietnamese_number_reads_the_hand_checked_examples(number: int, words: str) -> None:
    assert vietnamese_number(number) == words


@pytest.mark.parametrize("number", range(1, 100))
def test_vietnamese_number_follows_the_rules_for_every_number_below_100(number: int) -> None:
    tens, unit = divmod(number, 10)
    words = vietnamese_number(number).split()
    digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    if tens == 0:
        assert words == [digits[unit]]
        return
    head = ["mười"] if tens == 1 else [digits[tens], "mươi"]
    assert words[: len(head)] == head
    tail = words[len(head) :]
    if unit == 0:
        assert tail == []
    elif unit == 5:
        assert tail == ["lăm"]
    elif unit == 1:
        assert tail == (["một"] if tens == 1 else ["mốt"])
    elif unit == 4:
        assert tail == (["bốn"] if tens == 1 else ["tư"])
    else:
        assert tail == [digits[unit]]


@pytest.mark.parametrize(("number", "words"), ENGLISH.items())
def test_english_number_reads_the_hand_checked_examples(number: int, words: str) -> None:
    assert english_number(number) == words


@pytest.mark.parametrize("reader", [vietnamese_number, english_number])
def test_numbers_out_of_range_are_refused(reader: Callable[[int], str]) -> None:
    with pytest.raises(ValueError):
        reader(-1)
    with pytest.raises(ValueError):
        reader(10**9)


def test_spoken_digits_reads_a_label_sign_by_sign() -> None:
    assert spoken_digits("A005") == ["letter_a", "digit_0", "digit_0", "digit_5"]
    assert spoken_digits("b1000") == ["letter_b", "digit_1", "digit_0", "digit_0", "digit_0"]


def test_spoken_digits_skips_signs_that_are_not_letters_or_digits() -> None:
    assert spoken_digits("Đ-12 ") == ["letter_dd", "digit_1", "digit_2"]


def test_number_keys_uses_whole_clips_below_100_and_composes_hundreds() -> None:
    assert number_keys("vi", 12) == ["number_12"]
    assert number_keys("vi", 105) == ["digit_1", "hundred", "hundred_and", "digit_5"]
    assert number_keys("vi", 121) == ["digit_1", "hundred", "number_21"]
    assert number_keys("vi", 300) == ["digit_3", "hundred"]
    assert number_keys("en", 105) == ["digit_1", "hundred", "hundred_and", "number_5"]
    assert number_keys("en", 1000) == []
    assert number_keys("vi", 0) == []


def test_every_key_number_keys_can_give_is_in_the_clip_bank() -> None:
    for lang in ("vi", "en"):
        texts = clip_texts(lang)
        for number in range(1, 1000):
            assert set(number_keys(lang, number)) <= set(texts), (lang, number)


def test_clip_texts_say_the_phrases_digits_counters_and_letters() -> None:
    vietnamese = clip_texts("vi")
    assert vietnamese["intro"] == "Xin mời công dân có số thứ tự"
    assert vietnamese["to_counter"] == "đến quầy số"
    assert vietnamese["digit_0"] == "không"
    assert vietnamese["number_12"] == "mười hai"
    assert vietnamese["letter_b"] == "bê"
    assert len([key for key in vietnamese if key.startswith("number_")]) == 99
    english = clip_texts("en")
    assert english["digit_0"] == "zero"
    assert english["number_12"] == "twelve"
    assert {key for key in english if key.startswith("letter_")} == {
        f"letter_{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"
    }


def test_clip_texts_refuses_an_unknown_language() -> None:
    with pytest.raises(ValueError):
        clip_texts("fr")
