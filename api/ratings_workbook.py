"""Every rating of a period per dossier as an Excel workbook (`GET /api/reports/ratings.xlsx`):
the CSV's rows (api/rating_reports.py) on one sheet, "Đánh giá", for a supervisor who opens it
in Excel rather than importing text.

The columns and their order are the CSV's; the headers speak the center's language. Numbers are
numbers (ticket, counter, score, scale, and `low` as 1 or 0, so a column sum counts the low
ones); the day is a date and the moment a date and time in the center's own time zone (Excel
keeps no zone). A visitor's comment is a text cell, so one that starts with "=" is shown, never
run, and keeps its words as written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.models import parse_timestamp

SHEET = {"vi": "Đánh giá", "en": "Ratings"}
HEADERS = {
    "vi": {
        "dossier": "Mã hồ sơ",
        "ticket": "Mã phiếu",
        "label": "Số thứ tự",
        "day": "Ngày",
        "at": "Thời điểm đánh giá",
        "service": "Dịch vụ",
        "counter": "Quầy",
        "clerk": "Cán bộ",
        "score": "Điểm",
        "scale": "Thang điểm",
        "level": "Mức độ",
        "low": "Chưa hài lòng",
        "reasons": "Lý do",
        "comment": "Góp ý",
        "source": "Nguồn",
    },
    "en": {
        "dossier": "Dossier",
        "ticket": "Ticket id",
        "label": "Ticket",
        "day": "Day",
        "at": "Rated at",
        "service": "Service",
        "counter": "Counter",
        "clerk": "Clerk",
        "score": "Score",
        "scale": "Scale",
        "level": "Level",
        "low": "Low",
        "reasons": "Reasons",
        "comment": "Comment",
        "source": "Source",
    },
}
DAY_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm:ss"
TEXT_COLUMNS = ("dossier", "label", "service", "clerk", "level", "reasons", "comment", "source")


def _cells(rating: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """A rating's cells: as the CSV writes it, but with numbers, a date and a moment."""
    return {
        **rating,
        "day": date.fromisoformat(rating["day"]),
        "at": parse_timestamp(rating["at"]).astimezone(zone).replace(tzinfo=None),
        "low": int(rating["low"]),
        "reasons": " ".join(rating["reasons"]),
    }


def ratings_workbook(
    ratings: Iterable[dict[str, Any]], columns: tuple[str, ...], *, zone: tzinfo, language: str
) -> bytes:
    """The workbook of core.rating_report.dossier_ratings, in the CSV's `columns`."""
    words = HEADERS.get(language, HEADERS["en"])
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET.get(language, SHEET["en"])
    sheet.append([words[column] for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, rating in enumerate(ratings, start=2):
        values = _cells(rating, zone)
        for index, column in enumerate(columns, start=1):
            _write(sheet.cell(row=row, column=index), column, values[column])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = 24 if column in ("dossier", "comment", "reasons", "at") else 12
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(cell: Any, column: str, value: Any) -> None:
    if value is None:
        return
    if column in TEXT_COLUMNS:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        return
    cell.value = value
    if isinstance(value, datetime):
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.number_format = DAY_FORMAT
