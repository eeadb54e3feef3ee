"""How numbers, ticket labels and the fixed phrases of a call are read aloud.

This module is the single source of the words a call is made of: the clip bank generator
(`display.voice_bank`) speaks these texts into clips, and `display.speech` assembles a call from
the same keys and writes the same sentence as a caption. It is plain data and string functions,
with no audio and no speech engine.

Vietnamese reading rules (the northern convention, which the `vi` espeak-ng voice speaks):

- 10 is "mười"; 20, 30, ... are "<digit> mươi" ("hai mươi").
- A unit 1 after "mươi" is "mốt" (21 = "hai mươi mốt"), but 11 is "mười một".
- A unit 5 after "mười"/"mươi" is "lăm" (15 = "mười lăm", 25 = "hai mươi lăm"), but 5 alone and
  after "linh" stays "năm" (105 = "một trăm linh năm").
- A unit 4 after "mươi" is "tư" (24 = "hai mươi tư"); after "mười" and "linh" it stays "bốn"
  (14 = "mười bốn", 104 = "một trăm linh bốn"). "Tư" is what announcers in Hà Nội say and is
  never confused with "tứ"; "bốn" there is also correct, so a center may record either.
- A zero tens digit inside hundreds is "linh" (105 = "một trăm linh năm"; the southern "lẻ" is
  not used). Thousands are "nghìn" (northern; the south says "ngàn").

Clip keys (also the file names of the bank, `<key>.wav`): `intro`, `to_counter`, `hundred`,
`hundred_and`, `digit_0`..`digit_9`, `number_1`..`number_99`, `letter_a`..`letter_z` (and, in
Vietnamese only, `letter_dd` for "Đ").
"""

from __future__ import annotations

from core.vocabulary import LANGUAGES

VIETNAMESE_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
ENGLISH_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ENGLISH_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
ENGLISH_TENS = (
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)

# Letter names as the `vi` espeak-ng voice says them best. G is "gờ" rather than "giê": in the
# northern voice "giê" and "dê" (D) are the same sound /ze/, and services A..H are common.
# S and X are the short "ét" and "ích" (the longer "ét-xì", "ích-xì" add a syllable for nothing).
VIETNAMESE_LETTERS = {
    "a": "a",
    "b": "bê",
    "c": "xê",
    "d": "dê",
    "đ": "đê",
    "e": "e",
    "f": "ép",
    "g": "gờ",
    "h": "hát",
    "i": "i",
    "j": "di",  # "gi" alone is read as a bare consonant
    "k": "ca",
    "l": "e-lờ",
    "m": "em-mờ",
    "n": "en-nờ",
    "o": "o",
    "p": "pê",
    "q": "quy",
    "r": "e-rờ",
    "s": "ét",
    "t": "tê",
    "u": "u",
    "v": "vê",
    "w": "vê kép",
    "x": "ích",
    "y": "i-dài",
    "z": "dét",
}
# espeak-ng `en` reads a lone capital as its letter name ("A" -> /eI/, "Z" -> /zEd/).
ENGLISH_LETTERS = {letter: letter.upper() for letter in "abcdefghijklmnopqrstuvwxyz"}

PHRASES = {
    "vi": {
        "intro": "Xin mời công dân có số thứ tự",
        "to_counter": "đến quầy số",
        "hundred": "trăm",
        "hundred_and": "linh",
    },
    "en": {
        "intro": "Ticket number",
        "to_counter": "please go to counter",
        "hundred": "hundred",
        "hundred_and": "and",
    },
}

# File names stay ASCII (some recording tools and FAT USB sticks mangle others).
_LETTER_KEY_NAMES = {"đ": "dd"}


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")


def _vietnamese_below_hundred(n: int) -> str:
    if n < 10:
        return VIETNAMESE_DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{VIETNAMESE_DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    elif unit == 4 and tens > 1:
        tail = "tư"
    else:
        tail = VIETNAMESE_DIGITS[unit]
    return f"{head} {tail}"


def _vietnamese_below_thousand(n: int, after_higher_group: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not after_higher_group:
        return _vietnamese_below_hundred(rest)
    # Inside a larger number a short group is read in full: 1005 = "một nghìn không trăm linh năm".
    words = [VIETNAMESE_DIGITS[hundreds], "trăm"]
    if 0 < rest < 10:
        words += ["linh", VIETNAMESE_DIGITS[rest]]
    elif rest:
        words.append(_vietnamese_below_hundred(rest))
    return " ".join(words)


def vietnamese_number(n: int) -> str:
    """Read a whole number 0..999,999,999 in Vietnamese words ("hai mươi tư")."""
    if not 0 <= n < 10**9:
        raise ValueError(f"cannot read {n}: expected 0..999999999")
    if n < 1000:
        return _vietnamese_below_thousand(n, after_higher_group=False)
    groups = [(n // 10**6, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")]
    words: list[str] = []
    for value, unit in groups:
        if value == 0:
            continue
        words.append(_vietnamese_below_thousand(value, after_higher_group=bool(words)))
        if unit:
            words.append(unit)
    return " ".join(words)


def _english_below_hundred(n: int) -> str:
    if n < 10:
        return ENGLISH_DIGITS[n]
    if n < 20:
        return ENGLISH_TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return ENGLISH_TENS[tens] + (f"-{ENGLISH_DIGITS[unit]}" if unit else "")


def _english_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _english_below_hundred(rest)
    words = f"{ENGLISH_DIGITS[hundreds]} hundred"
    return f"{words} and {_english_below_hundred(rest)}" if rest else words


def english_number(n: int) -> str:
    """Read a whole number 0..999,999,999 in British English words ("one hundred and five")."""
    if not 0 <= n < 10**9:
        raise ValueError(f"cannot read {n}: expected 0..999999999")
    if n < 1000:
        return _english_below_thousand(n)
    groups = [(n // 10**6, "million"), (n // 1000 % 1000, "thousand"), (n % 1000, "")]
    words: list[str] = []
    for value, unit in groups:
        if value == 0:
            continue
        if not unit and words and value < 100:
            words.append("and")
        words.append(_english_below_thousand(value))
        if unit:
            words.append(unit)
    return " ".join(words)


def number_words(lang: str, n: int) -> str:
    """Read a number in the words of `lang`."""
    _check_language(lang)
    return vietnamese_number(n) if lang == "vi" else english_number(n)


def letter_key(character: str) -> str | None:
    """Give the clip key of one letter of a label, or None when it is not a letter."""
    letter = character.lower()
    if letter in VIETNAMESE_LETTERS:
        return f"letter_{_LETTER_KEY_NAMES.get(letter, letter)}"
    return None


def spoken_digits(label: str) -> list[str]:
    """List the clip keys that read a ticket label one sign at a time ("A005" -> a, 0, 0, 5).

    Spaces, dashes and other signs are skipped: a label is letters and digits.
    """
    keys: list[str] = []
    for character in label:
        if character.isascii() and character.isdigit():
            keys.append(f"digit_{character}")
        elif (key := letter_key(character)) is not None:
            keys.append(key)
    return keys


def number_keys(lang: str, n: int) -> list[str]:
    """List the clip keys that read `n` as a number, or [] when the bank cannot say it whole.

    1..99 are single clips; 100..999 are composed ("một" "trăm" "linh" "năm", "one" "hundred"
    "and" "five"). Anything else is read digit by digit by the caller.
    """
    _check_language(lang)
    if 1 <= n <= 99:
        return [f"number_{n}"]
    if not 100 <= n <= 999:
        return []
    hundreds, rest = divmod(n, 100)
    keys = [f"digit_{hundreds}", "hundred"]
    if rest == 0:
        return keys
    if lang == "en":
        keys.append("hundred_and")
        keys.append(f"number_{rest}")
    elif rest < 10:
        keys += ["hundred_and", f"digit_{rest}"]
    else:
        keys.append(f"number_{rest}")
    return keys


def clip_texts(lang: str) -> dict[str, str]:
    """Map every clip key of a language's bank to the text it says."""
    _check_language(lang)
    texts = dict(PHRASES[lang])
    digits = VIETNAMESE_DIGITS if lang == "vi" else ENGLISH_DIGITS
    texts.update({f"digit_{d}": word for d, word in enumerate(digits)})
    texts.update({f"number_{n}": number_words(lang, n) for n in range(1, 100)})
    letters = VIETNAMESE_LETTERS if lang == "vi" else ENGLISH_LETTERS
    for letter, name in letters.items():
        key = letter_key(letter)
        if key is not None:
            texts[key] = name
    return texts
