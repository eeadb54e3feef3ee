"""The summary as an Excel workbook (`GET /api/reports/summary.xlsx`): the sheet a manager opens.

One sheet per way of looking at the period: the totals, the services, the departments, the
counters, the clerks, and the weekday x hour grid. Figures are numbers, not text (waits in
minutes with one decimal, shares as percentages Excel formats), so the manager can sum, sort
and chart them; names keep their Vietnamese as written. Headers speak the center's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Words:
    sheets: tuple[str, ...]
    key: tuple[str, ...]
    name: str
    figures: tuple[str, ...]
    hours: tuple[str, ...]
    weekdays: tuple[str, ...]
    period: str
    total: str


HEADERS = {
    "vi": Words(
        sheets=("Tổng hợp", "Dịch vụ", "Sở ngành", "Quầy", "Cán bộ", "Theo giờ"),
        key=("", "Mã", "Mã", "Quầy", "Cán bộ"),
        name="Tên",
        figures=(
            "Đã cấp số",
            "Đã phục vụ",
            "Vắng mặt",
            "Đã hủy",
            "Chờ trung bình (phút)",
            "9/10 người chờ tối đa (phút)",
            "Phục vụ trung bình (phút)",
            "Đạt thời gian chờ mục tiêu",
            "Điểm đánh giá trung bình",
            "Số lượt đánh giá",
        ),
        hours=("Thứ", "Giờ", "Đã cấp số", "Trung bình mỗi ngày", "Đã phục vụ", "Chờ TB (phút)"),
        weekdays=("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
        period="Từ {first} đến {last}",
        total="Toàn trung tâm",
    ),
    "en": Words(
        sheets=("Summary", "Services", "Departments", "Counters", "Clerks", "Hours"),
        key=("", "Code", "Code", "Counter", "Clerk"),
        name="Name",
        figures=(
            "Issued",
            "Served",
            "No-show",
            "Cancelled",
            "Mean wait (min)",
            "9 in 10 waited at most (min)",
            "Mean service (min)",
            "Called within target",
            "Mean rating",
            "Ratings",
        ),
        hours=("Weekday", "Hour", "Issued", "Per day", "Served", "Mean wait (min)"),
        weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        period="From {first} to {last}",
        total="The whole center",
    ),
}
PERCENT = "0%"
MINUTES = "0.0"


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _figures(row: dict[str, Any]) -> list[Any]:
    return [
        row["issued"],
        row["served"],
        row["no_show"],
        row["cancelled"],
        _minutes(row["wait_mean_s"]),
        _minutes(row["wait_p90_s"]),
        _minutes(row["service_mean_s"]),
        row["service_level"],
        row["rating_mean"],
        row["ratings"],
    ]


def _sheet(book: Workbook, title: str, header: list[str], lines: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(line)
    sheet.freeze_panes = "A2"
    for index, title_text in enumerate(header, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(str(title_text)) + 2))
        for cell in sheet[letter][1:]:
            if title_text in (HEADERS["vi"].figures[7], HEADERS["en"].figures[7]):
                cell.number_format = PERCENT
            elif "(min)" in str(title_text) or "(phút)" in str(title_text):
                cell.number_format = MINUTES


def summary_workbook(
    report: dict[str, Any], hours: dict[str, Any], *, center: str, language: str
) -> bytes:
    """The workbook of a summary (core.reports.summary) and its hours (core.hours_report)."""
    words = HEADERS.get(language, HEADERS["en"])
    book = Workbook()
    book.remove(book.active)
    figures = list(words.figures)
    period = words.period.format(first=report["from"], last=report["to"])
    _sheet(
        book,
        words.sheets[0],
        [center, period, *figures],
        [[words.total, "", *_figures(report["totals"])]],
    )
    tables = (("services", "service"), ("departments", "department"), ("counters", "counter"))
    for index, (table, key) in enumerate(tables, start=1):
        lines = [[row[key], row["name"], *_figures(row)] for row in report[table]]
        _sheet(book, words.sheets[index], [words.key[index], words.name, *figures], lines)
    clerks = [[row["clerk"], *_figures(row)] for row in report["clerks"]]
    _sheet(book, words.sheets[4], [words.key[4], *figures], clerks)
    cells = [
        [
            words.weekdays[cell["weekday"]],
            cell["hour"],
            cell["issued"],
            cell["issued_per_day"],
            cell["served"],
            _minutes(cell["wait_mean_s"]),
        ]
        for cell in hours["cells"]
    ]
    _sheet(book, words.sheets[5], list(words.hours), cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(workbook: bytes, name: str) -> Response:
    """A workbook as a download named `name`."""
    return Response(
        workbook,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
