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
from core.vocabulary import LOW_SCORE, RATING_LEVELS

LIST_MAX = 5000  # ratings one page of the list answers; the CSV has them all
# A low rating, on the scale it was given on: converting keeps what is low (core.ratings.level_on).
LOW = "r.score <= CASE r.scale {} END".format(
    " ".join(f"WHEN {scale} THEN {low}" for scale, low in LOW_SCORE.items())
)


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
    where = [
        *([LOW] if only_low else []),
        *(["(r.reasons IS NOT NULL OR r.comment IS NOT NULL)"] if only_said else []),
    ]
    condition = "".join(f" AND {clause}" for clause in where)
    total = db.execute(
        f"SELECT count(*) FROM ratings AS r WHERE r.day BETWEEN ? AND ?{condition}",
        [first.isoformat(), last.isoformat()],
    ).fetchone()[0]
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    order = f"r.at DESC, r.ticket DESC{page}"
    found = list(_ratings(db, first, last, scale, order=order, where=condition))
    return {"scale": scale, "total": total, "ratings": found}


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
        "SELECT score, scale FROM (SELECT score, scale, row_number() OVER (PARTITION BY dossier"
        " ORDER BY at DESC, ticket DESC) AS newest FROM ratings"
        " WHERE dossier IS NOT NULL AND day BETWEEN ? AND ?) WHERE newest = 1",
        [first.isoformat(), last.isoformat()],
    )
    satisfied = sum(
        not is_low(level_on(row["score"], row["scale"], scale), scale) for row in latest
    )
    return {
        "rated": len(latest),
        "satisfied": satisfied,
        "satisfied_share": round(satisfied / len(latest), 3) if latest else None,
    }


def _ratings(
    db: Database, first: date, last: date, scale: int, *, order: str, where: str = ""
) -> Any:
    for row in rows(
        db,
        "SELECT r.ticket, t.label, r.day, r.at, r.service, r.counter, r.clerk, r.dossier,"
        " r.score, r.scale, r.reasons, r.comment, r.source FROM ratings AS r"
        " JOIN tickets AS t ON t.id = r.ticket"
        f" WHERE r.day BETWEEN ? AND ?{where} ORDER BY {order}",
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
