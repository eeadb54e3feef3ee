"""The visitor's pages as the server renders them (kiosk, QR code, track, landing page): the
Flask test client on a real SQLite file with SMALL_CENTER and a fixed clock."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import pytest
import qrcode
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract
from qrcode.image.svg import SvgPathImage

from tests.conftest import sign_in
from tests.helpers.pages import Page

ROOT = Path(__file__).resolve().parent.parent


def issue(client: Any, service: str, **extra: Any) -> dict[str, Any]:
    answer = client.post("/api/tickets", json={"service": service, **extra})
    assert answer.status_code == 201, answer.json
    return answer.json  # type: ignore[no-any-return]


def expected_qr(url: str) -> bytes:
    return qrcode.make(  # type: ignore[no-any-return]
        url,
        image_factory=SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    ).to_string()


def test_kiosk_page_speaks_vietnamese_by_default_with_the_centers_priorities(client: Any) -> None:
    html = client.get("/kiosk/?kiosk=k1").text
    assert '<html lang="vi">' in html
    assert "Trung tâm thử" in html
    assert "Chọn cơ quan, lĩnh vực" in html
    assert "Lấy số thường" in html
    for name in ("Người cao tuổi", "Người khuyết tật", "Phụ nữ mang thai"):
        assert name in html
    assert 'data-kiosk="k1"' in html
    assert Page(html).json_blocks["departments"] == ["TP", "TC"]
    strings = Page(html).json_blocks["strings"]
    assert strings["print_printed"] == "Mời nhận phiếu bên dưới"
    assert strings["print_failed"] == "Máy in đang gặp sự cố — vui lòng chụp ảnh mã QR này"


def test_kiosk_page_switches_to_english_and_remembers_it(client: Any) -> None:
    english = client.get("/kiosk/?kiosk=k1&lang=en").text
    assert '<html lang="en">' in english
    assert "Choose a department" in english and "Elderly" in english
    assert 'data-center-language="vi"' in english
    assert 'data-home-url="/kiosk/?kiosk=k1&amp;lang=vi"' in english
    assert "Choose a department" in client.get("/kiosk/?kiosk=k1").text  # the cookie
    assert "Chọn cơ quan, lĩnh vực" in client.get("/kiosk/?kiosk=k1&lang=vi").text


def test_kiosk_page_carries_todays_services_and_why_they_are_closed(
    client: Any, clock: Any
) -> None:
    for _ in range(3):  # B's daily quota
        issue(client, "B")
    clock.advance(hours=4)  # 12:00: D is between its two sessions
    html = client.get("/kiosk/").text
    services = {service["code"]: service for service in Page(html).json_blocks["services"]}
    assert services["A"]["is_open"] is True and services["A"]["closed_reason"] is None
    assert services["B"]["is_open"] is False
    assert services["B"]["closed_reason"] == "quota_reached"
    assert services["B"]["waiting"] == 3
    assert services["D"]["closed_reason"] == "hours"
    assert services["D"]["hours"] == ["07:00-11:30", "13:00-16:30"]
    strings = Page(html).json_blocks["strings"]
    assert strings["closed_quota"] == "Đã hết số hôm nay"
    assert strings["closed_hours"] == "Ngoài giờ nhận hồ sơ"


def test_kiosk_id_that_is_not_a_short_code_is_dropped(client: Any) -> None:
    html = client.get("/kiosk/?kiosk=%3Cscript%3E").text
    assert 'data-kiosk=""' in html
    assert "<script>" not in html


def test_qr_code_encodes_the_absolute_track_link_of_the_public_url(app: Any, client: Any) -> None:
    track_url = issue(client, "A")["track_url"]
    app.config["PUBLIC_URL"] = "http://192.168.1.10:8000"
    answer = client.get(f"/kiosk/qr.svg?data={quote(track_url)}")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    assert answer.data == expected_qr("http://192.168.1.10:8000" + track_url)


def test_qr_code_falls_back_to_the_address_the_kiosk_used(client: Any) -> None:
    track_url = issue(client, "A")["track_url"]
    answer = client.get(f"/kiosk/qr.svg?data={quote(track_url)}", base_url="http://10.0.0.7:8000")
    assert answer.data == expected_qr("http://10.0.0.7:8000" + track_url)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "https://evil.example/t/abcdefghij",
        "/admin",
        "/t/../../etc/passwd",
        "/t/short",
        "/t/a b",
    ],
)
def test_qr_code_refuses_anything_but_a_track_link(client: Any, data: str) -> None:
    assert client.get(f"/kiosk/qr.svg?data={quote(data)}").status_code == 400


def test_track_page_shows_the_ticket_and_follows_its_call(client: Any) -> None:
    ticket = issue(client, "A", priority="elderly")
    html = client.get(ticket["track_url"]).text
    assert ticket["label"] in html and "Hộ tịch" in html and "Ưu tiên" in html
    assert "Người cao tuổi" not in html  # whether priority, never why: the link may be shared
    state = Page(html).json_blocks["state"]
    assert state == {
        "label": ticket["label"],
        "status": "waiting",
        "service": "A",
        "priority": True,
        "ahead": 0,
        "estimated_wait_s": 0,
        "estimated_wait_range_min": [0, 1],
        "counter": None,
        "called_at": None,
        # nobody ahead at 08:00: called within the first five minutes, as printed
        "promised_window": {"from": "08:00", "to": "08:05"},
        "call_window": {"from": "08:00", "to": "08:05"},
        "rating": None,  # asked once the ticket is finished
    }
    assert ticket["call_window"] == state["promised_window"]
    token = ticket["track_url"].removeprefix("/t/")
    assert f'data-ticket-url="/api/tickets/{token}"' in html

    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    assert client.post("/api/counters/1/next", headers=headers).status_code == 200
    called = Page(client.get(ticket["track_url"]).text).json_blocks["state"]
    assert called["status"] == "called" and called["counter"] == 1
    assert called == client.get(f"/api/tickets/{token}").json


def test_track_page_speaks_english_with_english_service_names(client: Any) -> None:
    ticket = issue(client, "A")
    html = client.get(ticket["track_url"] + "?lang=en").text
    assert Page(html).json_blocks["service-names"]["A"] == "Hộ tịch"  # no name_en: the name
    assert Page(html).json_blocks["strings"]["counter"] == "Counter {n}"
    assert "Your number" in html


def test_track_page_for_an_unknown_link_is_a_plain_404(client: Any) -> None:
    answer = client.get("/t/no-such-ticket-link")
    assert answer.status_code == 404
    assert "Không tìm thấy số thứ tự" in answer.text


def test_home_page_links_every_surface(client: Any) -> None:
    html = client.get("/").text
    for path in ("/kiosk/", "/counter/", "/display/", "/api/openapi.json"):
        assert f'href="{path}"' in html
    assert "Máy lấy số" in html
    assert "Kiosk" in client.get("/?lang=en").text


class PageParts(HTMLParser):
    """Collects what a strict Content-Security-Policy would refuse, and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []
        self.assets: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.refused += [f"{tag} {name}" for name in attributes if name.startswith("on")]
        if "style" in attributes:
            self.refused.append(f"{tag} style")
        if tag == "script":
            if attributes.get("src"):
                self.assets.append(str(attributes["src"]))
            elif attributes.get("type") != "application/json":
                self.refused.append("inline script")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.assets.append(str(attributes["href"]))


def test_pages_carry_no_inline_code_and_their_assets_and_fonts_load(client: Any) -> None:
    track_url = issue(client, "A")["track_url"]
    for page in ("/kiosk/?kiosk=k1", track_url, "/t/no-such-ticket-link", "/"):
        parts = PageParts()
        parts.feed(client.get(page).text)
        assert parts.refused == [], page
        for asset in parts.assets:
            with client.get(asset) as answer:
                assert answer.status_code == 200, asset
                fonts = re.findall(r'url\("([^"]+)"\)', answer.text)
            for font in fonts:
                with client.get(urljoin(asset, font)) as answer:
                    assert answer.status_code == 200, font


@pytest.mark.parametrize("surface", ["kiosk", "track", "templates"])
def test_every_word_on_the_pages_has_its_vietnamese_translation(surface: str) -> None:
    catalogue = ROOT / surface / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with catalogue.open("rb") as po_file:
        translated = {message.id for message in read_po(po_file) if message.id and message.string}
    folder = ROOT / surface if surface == "templates" else ROOT / surface / "templates"
    missing = []
    for template in sorted(folder.rglob("*.html")):
        with template.open("rb") as source:
            for line, _function, message, _comments in babel_extract(
                source, ["_", "gettext"], [], {"extensions": "jinja2.ext.i18n"}
            ):
                if message not in translated:
                    missing.append(f"{template.name}:{line} {message!r}")
    assert missing == []
