"""The administration pages as the server renders them: who sees what, no inline script or
style a strict Content-Security-Policy would block, and every word in Vietnamese too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from core.users import create_user
from db import connect
from tests.conftest import CLERK_PASSWORD, sign_in
from tests.helpers.pages import Page, assert_no_inline_code, render, section_links
from tests.helpers.paired import pair

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "monitor",
    "reports",
    "staffing",
    "simulate",
    "feedback",
    "center",
    "departments",
    "services",
    "counters",
    "kiosks",
    "displays",
    "priority",
    "announcement",
    "users",
    "tokens",
    "devices",
    "audit",
)


@pytest.fixture
def admin_client(client: Any, admin: dict[str, str]) -> Any:
    """The test client, signed in as the admin "root"."""
    return client


@pytest.mark.parametrize("name", PAGES)
def test_every_admin_page_renders_without_inline_code(admin_client: Any, name: str) -> None:
    for query in ("", "?lang=en"):
        _html, page = render(admin_client, f"/admin/{name}{query}")
        assert_no_inline_code(page)
    assert page.first("html")["lang"] == "en"


def test_signed_out_the_admin_pages_show_the_sign_in_form(client: Any) -> None:
    html, page = render(client, "/admin/")

    assert page.first("form", id="sign-in-form")
    assert page.first("body")["data-session-url"] == "/api/session"
    assert "Đăng nhập trang quản trị" in html and "sidebar" not in html
    assert_no_inline_code(page)
    _html, services = render(client, "/admin/services")
    assert services.first("form", id="sign-in-form")


def test_an_admin_lands_on_the_live_monitor_with_every_section(admin_client: Any) -> None:
    answer = admin_client.get("/admin/")
    assert answer.status_code == 302 and answer.location.endswith("/admin/monitor")

    html, page = render(admin_client, "/admin/center")
    assert section_links(page) == [f"/admin/{name}" for name in PAGES]
    assert 'value="Trung tâm thử"' in html


def test_a_supervisor_sees_the_monitor_reports_staffing_feedback_and_the_audit_log_only(
    client: Any,
) -> None:
    sign_in(client, "chi")

    assert client.get("/admin/").location.endswith("/admin/monitor")
    refused = client.get("/admin/services")
    assert refused.status_code == 403
    page = Page(refused.get_data(as_text=True))
    assert section_links(page) == [
        "/admin/monitor",
        "/admin/reports",
        "/admin/staffing",
        "/admin/simulate",
        "/admin/feedback",
        "/admin/audit",
    ]
    for allowed in ("audit", "monitor", "reports", "staffing", "simulate", "feedback"):
        assert client.get(f"/admin/{allowed}").status_code == 200


def test_a_clerk_is_told_this_is_not_for_them(client: Any) -> None:
    sign_in(client, "an")

    refused = client.get("/admin/audit")

    assert refused.status_code == 403
    assert "không dùng được trang quản trị" in refused.get_data(as_text=True)


def test_the_services_page_gives_its_script_the_services_and_the_week(admin_client: Any) -> None:
    html, page = render(admin_client, "/admin/services")

    items = page.json_blocks["service-items"]
    assert items["D"]["schedule"]["monday"] == ["07:00-11:30", "13:00-16:30"]
    assert items["A"]["schedule"] is None
    assert "Hằng ngày" in html and "07:00–11:30" in html
    assert page.first("dialog", id="service-dialog")["data-update-url"] == "/api/admin/services/KEY"
    assert page.json_blocks["holiday-items"] == []
    assert set(page.json_blocks["schedule-strings"]) >= {"half", "overlap", "format"}


def test_the_audit_page_names_each_change_in_words(admin_client: Any) -> None:
    headers = {"X-CSRF-Token": admin_client.get("/api/session").json["csrf_token"]}
    admin_client.put(
        "/api/admin/services/B",
        json={
            "name": "Chứng thực bản sao",
            "department": "TP",
            "daily_quota": 5,
            "reason": "Quá tải",
        },
        headers=headers,
    )

    html, _page = render(admin_client, "/admin/audit")
    assert "Sửa dịch vụ" in html and "Quá tải" in html
    assert "<del>3</del> → <ins>5</ins>" in html
    html, _page = render(admin_client, "/admin/audit?kind=tickets")
    assert "Sửa dịch vụ" not in html and "Không có ghi nhận nào" in html


def test_every_string_of_the_admin_pages_has_a_vietnamese_translation() -> None:
    keywords = {**DEFAULT_KEYWORDS, "lazy_pgettext": ((1, "c"), 2)}
    wanted = set()
    for method_map in ([("**.html", "jinja2")], [("**.py", "python")]):
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "admin"), method_map=method_map, keywords=keywords
        ):
            wanted.add((context, message if isinstance(message, str) else message[0]))
    translated = {(m.context, m.id) for m in catalogue("admin") if m.id and m.string}

    assert len(wanted) > 250 and not wanted - translated


def test_the_admin_catalogue_changes_no_other_page_s_words() -> None:
    """Flask-Babel merges every surface's catalogue into one: a shared msgid must agree."""
    admin = {(m.context, m.id): m.string for m in catalogue("admin") if m.id}
    for surface in ("kiosk", "counter", "display", "track", "templates"):
        for message in catalogue(surface):
            key = (message.context, message.id)
            if message.id and key in admin:
                assert admin[key] == message.string, (surface, key)


def catalogue(surface: str) -> Any:
    with (ROOT / surface / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_the_kiosks_page_shows_each_printers_last_print(app: Any, client: Any) -> None:
    from core.center import load_center
    from tests.conftest import SMALL_CENTER

    center = {
        **SMALL_CENTER,
        "kiosks": [{"id": "k1", "printer": "dummy:"}, {"id": "k2", "printer": "tcp://127.0.0.1:1"}],
    }
    load_center(connect(app.config["DATABASE"]), center)
    for kiosk in ("k1", "k2"):  # each from the device paired as that kiosk: it prints
        headers = {"X-Device-Token": pair(app, "kiosk", kiosk)}
        client.post("/api/tickets", json={"service": "A", "kiosk": kiosk}, headers=headers)
    create_user(
        connect(app.config["DATABASE"]),
        "quan",
        role="admin",
        password=CLERK_PASSWORD,
        now=app.extensions["qms.clock"](),
    )
    sign_in(client, "quan")
    html, page = render(client, "/admin/kiosks?lang=vi")
    assert page.first("td", **{"data-printer-status": "k1"})["data-ok"] == "true"
    assert page.first("td", **{"data-printer-status": "k2"})["data-ok"] == "false"
    assert "Máy in gặp sự cố" in html
