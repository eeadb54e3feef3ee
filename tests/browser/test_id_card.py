"""The citizen ID card at the kiosk, in Chromium against the real server: a 2D scanner (a
keyboard wedge) types the card's QR text and Enter far faster than a hand, anywhere on the
screen; an elderly holder's ticket is then priority without a tap, and nothing of the card but a
keyed hash and the birth year reaches the database or the server's log. A person typing the same
characters slowly is not a scanner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.center import load_center
from db import connect, migrate
from harness.server import gunicorn
from tests.conftest import SMALL_CENTER
from tests.helpers.devices import PORTRAIT, VIOLATIONS, choose, open_kiosk, shot, take_ticket

NUMBER = "001050012345"
NAME, ADDRESS = "Nguyễn Văn An", "Số 12 Hàng Bạc, Phường Hàng Đào, Quận Hoàn Kiếm, Hà Nội"
ELDER_QR = f"{NUMBER}|012345678|{NAME}|15031950|Nam|{ADDRESS}|20042021"
YOUNG_QR = "092190001234||Trần Thị Bích Ngọc|02091990|Nữ|Khu vực 3, Phường An Khánh|10082022"
SHORT_CARD = "001050012345||Le An|15031950|Nam|Can Tho|20042021"  # a card's, if scanned
SCANNER_DELAY_MS = 2  # a scanner's keystrokes
HAND_DELAY_MS = 110  # a quick typist's
TICKETS = re.compile(r"/api/tickets$")


@pytest.fixture(scope="module")
def card_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """SMALL_CENTER served by gunicorn, logging every request, in a folder the tests read."""
    folder = tmp_path_factory.mktemp("id-card")
    database = connect(folder / "qms.db")
    migrate(database)
    load_center(database, SMALL_CENTER)
    database.conn.close()
    environment = {"QMS_ACCESS_LOG": "-", "GUNICORN_CMD_ARGS": "--log-level debug"}
    with gunicorn(folder / "qms.db", folder / "gunicorn.log", **environment) as base:
        yield base, folder


def scan(page: Page, text: str) -> None:
    """A keyboard-wedge scanner: the text a few milliseconds a key, then Enter."""
    page.keyboard.type(text, delay=SCANNER_DELAY_MS)
    page.keyboard.press("Enter")


def scan_for_a_ticket(page: Page, text: str) -> dict[str, Any]:
    with page.expect_response(TICKETS) as response:
        scan(page, text)
    answer: dict[str, Any] = response.value.json()
    expect(page.locator("#ticket-label")).to_have_text(answer["label"])
    return answer


def test_a_scanned_elderly_card_takes_an_elderly_ticket_and_leaves_nothing_personal(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    base, folder = card_server
    page = open_kiosk(new_context, base)
    choose(page, "Sở Tư pháp", "Hộ tịch")

    ticket = scan_for_a_ticket(page, ELDER_QR)

    assert (ticket["priority"], ticket["priority_source"]) == ("elderly", "id_card")
    expect(page.locator("#ticket-priority")).to_have_text("Ưu tiên: Người cao tuổi")
    expect(page.locator("#ticket-card")).to_have_text(
        "Đã đọc CCCD: năm sinh 1950 — ưu tiên người cao tuổi. Không lưu họ tên, địa chỉ."
    )
    shot(page, "kiosk-id-card-ticket")

    files = [folder / "qms.db", folder / "qms.db-wal", folder / "gunicorn.log"]
    written = b"".join(path.read_bytes() for path in files if path.exists())
    assert b"POST /api/tickets" in written  # the log was searched, with the request in it
    as_typed = "".join(character for character in ELDER_QR if ord(character) < 128)
    typed_name, typed_address = as_typed.split("|")[2], as_typed.split("|")[5]
    for secret in (NUMBER, NAME, ADDRESS, "15031950", typed_name, typed_address, "Hng Bc"):
        assert secret.encode() not in written, secret


def test_a_card_scanned_before_the_service_counts_for_the_next_ticket(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    page = open_kiosk(new_context, card_server[0])

    scan(page, ELDER_QR)

    notice = page.locator("#card-notice")
    expect(notice).to_contain_text("Đã đọc CCCD: năm sinh 1950 — ưu tiên người cao tuổi.")
    expect(notice).to_contain_text("Vui lòng chọn thủ tục")
    page.locator(".department", has_text="Sở Tư pháp").tap()
    with page.expect_response(TICKETS) as response:
        page.locator(".service", has_text="Chứng thực").tap()
    assert response.value.json()["priority"] == "elderly"
    expect(page.locator("#ticket-priority")).to_have_text("Ưu tiên: Người cao tuổi")


def test_a_young_card_lets_the_visitor_choose_and_keeps_the_choice(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    page = open_kiosk(new_context, card_server[0])
    choose(page, "Sở Tư pháp", "Hộ tịch")

    scan(page, YOUNG_QR)

    expect(page.locator("#card-notice")).to_contain_text("năm sinh 1990 — chưa đủ 60 tuổi")
    ticket = take_ticket(page, "Phụ nữ mang thai")
    assert (ticket["priority"], ticket["priority_source"]) == ("pregnant", "kiosk")
    assert ticket["birth_year"] == 1990


def test_a_qr_that_is_not_a_card_is_said_and_the_buttons_work_as_before(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    page = open_kiosk(new_context, card_server[0])
    choose(page, "Sở Tư pháp", "Hộ tịch")

    scan(page, "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=ABC")

    expect(page.locator("#card-notice")).to_have_text(
        "Mã QR này không phải CCCD. Vui lòng chọn như bình thường."
    )
    expect(page.locator("[data-screen=priority]")).to_be_visible()
    ticket = take_ticket(page, "Lấy số thường")
    assert ticket["priority"] is None and ticket["birth_year"] is None


def test_the_same_characters_typed_by_a_hand_are_not_a_scan(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    page = open_kiosk(new_context, card_server[0])
    choose(page, "Sở Tư pháp", "Hộ tịch")
    posted: list[str] = []
    page.on(
        "request", lambda request: posted.append(request.url) if request.method == "POST" else None
    )

    page.keyboard.type(SHORT_CARD, delay=HAND_DELAY_MS)  # a whole card's text, by hand
    page.keyboard.press("Enter")
    ticket = scan_for_a_ticket(page, ELDER_QR)  # then a scanner: whatever came first has come

    assert len([url for url in posted if TICKETS.search(url)]) == 1
    assert ticket["priority"] == "elderly"


def test_the_camera_reader_is_served_only_when_the_kiosk_asks(
    new_context: Any, card_server: tuple[str, Path]
) -> None:
    plain = open_kiosk(new_context, card_server[0])
    camera: Page = new_context(has_touch=True).new_page()
    camera.add_init_script(VIOLATIONS)
    camera.set_viewport_size(PORTRAIT)
    camera.goto(f"{card_server[0]}/kiosk/?kiosk=k1&camera=1")

    assert plain.evaluate("typeof window.jsQR") == "undefined"
    expect(camera.locator("#kiosk")).to_have_attribute("data-camera", "1")
    camera.wait_for_function("typeof window.jsQR === 'function'")
    expect(camera.locator("#camera")).to_be_hidden()  # no camera here: the page goes on without
    choose(camera, "Sở Tư pháp", "Hộ tịch")
    assert scan_for_a_ticket(camera, ELDER_QR)["priority"] == "elderly"
    assert camera.evaluate("window.cspViolations") == []


def fake_camera_video(path: Path, text: str) -> Path:
    """A Y4M video Chromium's fake camera plays in a loop: a card's QR code, still."""
    import qrcode
    from PIL import Image

    code = qrcode.make(text, border=4).get_image().convert("L").resize((640, 640), Image.NEAREST)
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code.resize((460, 460), Image.NEAREST), (90, 10))
    luma, chroma = frame.tobytes(), bytes([128]) * (320 * 240)
    with path.open("wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420jpeg\n")
        for _ in range(5):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def test_the_kiosks_camera_reads_a_card_held_up_to_it(
    browser: Any, tmp_path: Path, card_server: tuple[str, Path]
) -> None:
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    video = fake_camera_video(tmp_path / "card.y4m", ELDER_QR)
    camera_args = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    # a browser of its own: the fake camera is a launch option
    with_camera = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *camera_args]
    )
    try:
        context = with_camera.new_context(has_touch=True, viewport=PORTRAIT)
        context.grant_permissions(["camera"], origin=card_server[0])
        page = context.new_page()
        page.goto(f"{card_server[0]}/kiosk/?kiosk=k1&camera=1")
        expect(page.locator(".department").first).to_be_visible()

        expect(page.locator("#card-notice")).to_contain_text("năm sinh 1950", timeout=15_000)
        page.locator(".department", has_text="Sở Tư pháp").tap()
        with page.expect_response(TICKETS) as response:
            page.locator(".service", has_text="Hộ tịch").tap()
        assert response.value.json()["priority_source"] == "id_card"
    finally:
        with_camera.close()
