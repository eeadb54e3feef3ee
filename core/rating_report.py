"""What visitors said of a period: each rating with its reasons, comment and dossier, and the
satisfaction counted per dossier, as a Vietnamese center reports it to its province.

Reports speak the center's scale in force (`[center] rating_scale`): a rating given on another
scale is converted (core.ratings.level_on), so "Không hài lòng" means the same over the years.
The per-dossier figure counts each dossier once, by its latest rating (a visitor may rate the
visit that handed the dossier in and the one that took the result). Reads only; knows nothing of
Flask.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from core.center import get_center
from core.ratings import is_low, level_on
from core.rows import rows
from core.vocabulary import RATING_LEVELS

LIST_MAX = 5000  # ratings one page of the list answers; the CSV has them all


def rating_list(
    db: Database,
    first: date,
    last: date,
    *,
    only_low: bool = False,
    only_said: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """The period's ratings, newest first: each with its ticket's label, service, counter, clerk,
    dossier, score on the scale it was given, its level on the center's scale, reasons, comment.

    `only_low`: the low ones; `only_said`: those with reasons or a comment (what a supervisor
    reads). Answers {scale, total, ratings}; `total` counts them all, past `limit`.
    """
    scale = get_center(db).rating_scale
    found = [
        rating
        for rating in _ratings(db, first, last, scale, order="r.at DESC, r.ticket DESC")
        if (not only_low or rating["low"]) and (not only_said or rating["said"])
    ]
    end = None if limit is None else offset + limit
    return {"scale": scale, "total": len(found), "ratings": found[offset:end]}


def dossier_ratings(db: Database, first: date, last: date) -> list[dict[str, Any]]:
    """Every rating of the period, by dossier (those without one last), then in time order."""
    scale = get_center(db).rating_scale
    order = "r.dossier IS NULL, r.dossier, r.at, r.ticket"
    return list(_ratings(db, first, last, scale, order=order))


def dossier_figures(db: Database, first: date, last: date, scale: int) -> dict[str, Any]:
    """Dossiers rated in the period, each counted once by its latest rating; how many were
    satisfied (not low) and their share: the center's per-dossier satisfaction figure."""
    latest = rows(
        db,
        "SELECT score, scale FROM ratings AS r WHERE dossier IS NOT NULL AND day BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM ratings AS later WHERE later.dossier = r.dossier"
        " AND later.day BETWEEN ? AND ? AND (later.at, later.ticket) > (r.at, r.ticket))",
        [first.isoformat(), last.isoformat()] * 2,
    )
    satisfied = sum(
        not is_low(level_on(row["score"], row["scale"], scale), scale) for row in latest
    )
    return {
        "rated": len(latest),
        "satisfied": satisfied,
        "satisfied_share": round(satisfied / len(latest), 3) if latest else None,
    }


def _ratings(db: Database, first: date, last: date, scale: int, *, order: str) -> Any:
    for row in rows(
        db,
        "SELECT r.ticket, t.label, r.day, r.at, r.service, r.counter, r.clerk, r.dossier,"
        " r.score, r.scale, r.reasons, r.comment, r.source FROM ratings AS r"
        f" JOIN tickets AS t ON t.id = r.ticket WHERE r.day BETWEEN ? AND ? ORDER BY {order}",
        [first.isoformat(), last.isoformat()],
    ):
        level = level_on(row["score"], row["scale"], scale)
        reasons = json.loads(row["reasons"]) if row["reasons"] else []
        yield {
            **row,
            "reasons": reasons,
            "level": RATING_LEVELS[scale][level - 1],
            "low": is_low(level, scale),
            "said": bool(reasons or row["comment"]),
        }
