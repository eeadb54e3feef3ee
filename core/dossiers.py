"""Dossier codes (mã hồ sơ): the receipt's code a clerk scans or types at the finish, and the
pattern a center may set for them.

The official satisfaction figure of a Vietnamese center is counted per dossier, so the ticket,
its events and its rating carry the code; a visitor who comes back for the result scans the
receipt at the kiosk and gets a ticket of the service that took the dossier.

A center's pattern is a regular expression from its center file or the admin page, matched
against text from a scanner on a public kiosk. Python's `re` backtracks: `(a+)+$` takes longer
than the age of the universe on 64 characters. So a pattern is refused when loaded unless it is
of the kind that cannot run long (no repetition inside a repetition, no alternatives inside a
repetition, no back-references or look-arounds, at most MAX_VARYING parts of varying length),
and the text it meets is DOSSIER_MAX characters at most and must match whole. Like the rest of
core/, nothing here knows of Flask.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parsed form of a pattern, to judge its cost before use
import re._parser as sre_parse
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from core.errors import InvalidInput, NotFound
from core.rows import rows
from core.vocabulary import DOSSIER, DOSSIER_MAX, DOSSIER_PATTERN_MAX

MAX_VARYING = 4  # parts of varying length (+, *, ?, {m,n}): 64 characters stay a few ms
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_REFUSED = {
    sre.GROUPREF: "back-references",
    sre.GROUPREF_EXISTS: "conditional groups",
    sre.ASSERT: "look-arounds",
    sre.ASSERT_NOT: "look-arounds",
}


def check_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a center's dossier pattern, or raise ValueError saying what is wrong with it."""
    if len(pattern) > DOSSIER_PATTERN_MAX:
        raise ValueError(f"is longer than {DOSSIER_PATTERN_MAX} characters")
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise ValueError(f"is not a valid regular expression ({error})") from None
    varying = _walk(list(parsed), inside_repeat=False)
    if varying > MAX_VARYING:
        raise ValueError(
            f"has {varying} parts of varying length (+, *, ?, {{m,n}}); at most {MAX_VARYING},"
            " so that checking a code stays fast"
        )
    return compiled


def _walk(items: list[Any], *, inside_repeat: bool) -> int:
    """Refuse what can backtrack without end; answer how many parts vary in length."""
    varying = 0
    for op, value in items:
        if op in _REFUSED:
            raise ValueError(f"uses {_REFUSED[op]}, which a dossier pattern may not")
        if op in _REPEATS:
            low, high, inner = value
            if low == high:  # a fixed count, as \d{3}: its parts vary as often as it repeats
                varying += low * _walk(list(inner), inside_repeat=inside_repeat)
            elif high <= 1:  # optional, as (-\d+)?: there or not
                varying += 1 + _walk(list(inner), inside_repeat=inside_repeat)
            elif inside_repeat:
                raise ValueError("repeats inside a repetition, as (a+)+, which can run for ever")
            else:
                varying += 1 + _walk(list(inner), inside_repeat=True)
        elif op is sre.SUBPATTERN:
            varying += _walk(list(value[-1]), inside_repeat=inside_repeat)
        elif op is sre.ATOMIC_GROUP:
            varying += _walk(list(value), inside_repeat=inside_repeat)
        elif op is sre.BRANCH:
            if inside_repeat:
                raise ValueError("repeats alternatives, as (ab|a)+, which can run for ever")
            varying += max(_walk(list(branch), inside_repeat=False) for branch in value[1])
    return varying


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return check_pattern(pattern)


def read_dossier(text: str | None, pattern: str | None) -> str | None:
    """The dossier code as given (trimmed; None when blank), or InvalidInput `bad_dossier`.

    A code is 1-64 letters, digits, '.', '_', '/' or '-', and matches the center's pattern
    whole when it has one.
    """
    code = (text or "").strip()
    if not code:
        return None
    if len(code) > DOSSIER_MAX or not DOSSIER.fullmatch(code):
        raise InvalidInput(
            f"A dossier code is 1-{DOSSIER_MAX} letters, digits, '.', '_', '/' or '-'.",
            code="bad_dossier",
        )
    if pattern and not _compiled(pattern).fullmatch(code):
        raise InvalidInput(
            f"{code!r} is not a dossier code of this center: check the receipt and try again.",
            code="bad_dossier",
        )
    return code


def dossier_service(db: Database, code: str) -> str:
    """The service that last took this dossier (its queue at the finish), or NotFound."""
    for row in rows(
        db,
        "SELECT queue FROM tickets WHERE dossier = ? AND status = 'done'"
        " ORDER BY finished_at DESC LIMIT 1",
        [code],
    ):
        return str(row["queue"])
    raise NotFound("No dossier with this code was received here.", code="unknown_dossier")
