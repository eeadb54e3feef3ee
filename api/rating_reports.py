"""What visitors said, for supervisors: the period's ratings with their reasons, comments and
dossiers (JSON, for the reports page and the live monitor), and every rating per dossier as a
spreadsheet (CSV, or an Excel workbook: api/ratings_workbook.py), which a center feeds to its
province's per-dossier satisfaction figure.

The period is read as the summary's (api/reports.py); what each field means is said in
core/rating_report.py.
"""

from __future__ import annotations

import csv
import io

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from api import bp
from api.auth import SUPERVISORS, require
from api.ratings_workbook import ratings_workbook
from api.reports import period
from api.validation import documented
from api.workbook import xlsx_download
from core.center import get_center
from core.errors import InvalidInput
from core.rating_report import LIST_MAX, dossier_ratings, rating_list
from db.web import get_db

DOSSIER_COLUMNS = (
    "dossier",
    "ticket",
    "label",
    "day",
    "at",
    "service",
    "counter",
    "clerk",
    "score",
    "scale",
    "level",
    "low",
    "reasons",
    "comment",
    "source",
)


def as_text(cell: str | None) -> str | None:
    """A visitor's words as text in a spreadsheet: one that starts like a formula (=, +, -, @)
    gets a leading apostrophe, or Excel would run it when the supervisor opens the file."""
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def _whole(name: str, default: int, high: int) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or int(text) > high:
        raise InvalidInput(f"{name!r} must be a whole number from 0 to {high}.", code="bad_query")
    return int(text)


@bp.get("/reports/ratings")
@require(*SUPERVISORS)
@documented(
    "The period's ratings, newest first, with reasons, comments and dossiers (?from=&to=;"
    " low=1: only low ones; said=1: only those with reasons or a comment; limit, offset)",
    access="supervisor",
    responses={200: "{scale, total, ratings}", 400: "bad dates or paging"},
)
def report_ratings() -> ResponseReturnValue:
    first, last = period()
    return jsonify(
        rating_list(
            get_db(),
            first,
            last,
            only_low=request.args.get("low") == "1",
            only_said=request.args.get("said") == "1",
            limit=_whole("limit", 500, LIST_MAX),
            offset=_whole("offset", 0, 10**9),
        )
    )


@bp.get("/reports/ratings.csv")
@require(*SUPERVISORS)
@documented(
    "Every rating of the period per dossier, as a spreadsheet (CSV, UTF-8 with BOM for Excel)",
    access="supervisor",
    responses={200: "the ratings", 400: "bad dates"},
)
def report_ratings_csv() -> ResponseReturnValue:
    first, last = period()
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads Vietnamese right only with the BOM
    writer = csv.writer(out)
    writer.writerow(DOSSIER_COLUMNS)
    for rating in dossier_ratings(get_db(), first, last):
        values = {
            **rating,
            "reasons": " ".join(rating["reasons"]),
            "low": int(rating["low"]),
            "comment": as_text(rating["comment"]),
        }
        writer.writerow(["" if values[c] is None else values[c] for c in DOSSIER_COLUMNS])
    name = f"ratings-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/ratings.xlsx")
@require(*SUPERVISORS)
@documented(
    "Every rating of the period per dossier, as an Excel workbook: the CSV's columns on one"
    " sheet, with numbers, dates and times as such",
    access="supervisor",
    responses={200: "the ratings", 400: "bad dates"},
)
def report_ratings_xlsx() -> ResponseReturnValue:
    first, last = period()
    database = get_db()
    center = get_center(database)
    workbook = ratings_workbook(
        dossier_ratings(database, first, last),
        DOSSIER_COLUMNS,
        zone=center.zone,
        language=center.language,
    )
    name = f"ratings-{first.isoformat()}-{last.isoformat()}.xlsx"
    return xlsx_download(workbook, name)
