"""The counter terminal and hall display pages as the server renders them: language, the data
their scripts read, and no inline script a strict Content-Security-Policy would block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.helpers.pages import assert_no_inline_code, render

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "path", ["/counter/", "/display/", "/counter/?lang=en", "/display/?lang=en"]
)
def test_pages_have_no_inline_script_style_or_event_handler(client: Any, path: str) -> None:
    _html, page = render(client, path)
    assert_no_inline_code(page)


def test_counter_page_speaks_vietnamese_by_default_and_links_to_english(client: Any) -> None:
    html, page = render(client, "/counter/")
    assert page.first("html")["lang"] == "vi"
    assert "Gọi số tiếp theo" in html and "Đăng nhập" in html
    assert page.first("a", hreflang="en")["href"] == "?lang=en"
    strings = page.json_blocks["strings"]
    assert strings["errors"]["counter_taken"].startswith("Quầy {number} đang do {clerk}")
    assert strings["status"] == {"closed": "Đóng", "open": "Đang mở", "paused": "Tạm nghỉ"}


def test_counter_page_in_english_is_remembered_in_a_cookie(client: Any) -> None:
    html, page = render(client, "/counter/?lang=en")
    assert page.first("html")["lang"] == "en"
    assert "Call next" in html
    _html, again = render(client, "/counter/")
    assert again.first("html")["lang"] == "en"


def test_counter_page_gives_its_script_the_api_urls_and_the_service_names(client: Any) -> None:
    _html, page = render(client, "/counter/")
    body = page.first("body")
    assert body["data-session-url"] == "/api/session"
    assert body["data-counters-url"] == "/api/counters"
    assert page.json_blocks["service-names"] == {
        "A": "Hộ tịch",
        "B": "Chứng thực",
        "D": "Doanh nghiệp",
    }
    assert page.json_blocks["priority-names"]["elderly"] == "Người cao tuổi"
    transfer_choices = [
        attributes["value"]
        for tag, attributes in page.tags
        if tag == "input" and attributes.get("name") == "service"
    ]
    assert transfer_choices == ["A", "B", "D"]


def test_display_page_lists_every_service_queue_and_the_center_time_zone(client: Any) -> None:
    html, page = render(client, "/display/")
    codes = [a["data-service"] for tag, a in page.tags if tag == "li" and "data-service" in a]
    assert codes == ["A", "B", "D"]
    assert "Hộ tịch" in html and "Mời công dân có số" in html
    body = page.first("body")
    assert body["data-timezone"] == "Asia/Ho_Chi_Minh"
    assert body["data-server-now"] == "2026-11-30T01:00:00.000+00:00"  # the app's clock
    assert body["data-played"] == "0"
    assert page.first("audio")["id"] == "announcer"


def test_display_page_in_english(client: Any) -> None:
    html, page = render(client, "/display/?lang=en&display=hall-1")
    assert page.first("body")["data-language"] == "en"
    assert page.first("body")["data-display"] == "hall-1"
    assert "Now calling number" in html
    assert page.json_blocks["strings"]["counter"] == "Counter {number}"


def test_display_page_ignores_a_display_id_that_is_not_a_plain_name(client: Any) -> None:
    _html, page = render(client, "/display/?display=%22%3E%3Cscript%3E")
    assert page.first("body")["data-display"] == ""


@pytest.mark.parametrize("surface", ["counter", "display"])
def test_every_string_of_a_page_has_a_vietnamese_translation(surface: str) -> None:
    wanted = {
        (context, message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / surface / "templates"),
            method_map=[("**.html", "jinja2")],
        )
    }
    po_path = ROOT / surface / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    translated = {(m.context, m.id) for m in catalogue if m.id and m.string}
    assert wanted and not wanted - translated
