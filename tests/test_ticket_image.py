"""The ticket renderer: exact paper width, 1-bit, Vietnamese that wraps inside the paper."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from kiosk.commands import SAMPLE_TICKET
from kiosk.ticket_image import PAPER_WIDTHS, render_ticket
from kiosk.ticket_text import (
    BOLD_FONT,
    FONT_DIRECTORY,
    REGULAR_FONT,
    TextStyle,
    balanced_lines,
    load_font,
    wrap_text,
)

MARGINS = {PAPER_WIDTHS["80mm"]: 16, PAPER_WIDTHS["58mm"]: 10}
BOTH_WIDTHS = pytest.mark.parametrize("width", [PAPER_WIDTHS["80mm"], PAPER_WIDTHS["58mm"]])

SAMPLE = SAMPLE_TICKET  # the ticket print-sample prints

LONG = dataclasses.replace(
    SAMPLE,
    center_name="Trung tâm Phục vụ hành chính công tỉnh Bà Rịa – Vũng Tàu và các huyện lân cận",
    department_name="Sở Lao động – Thương binh và Xã hội, Ban Quản lý các khu công nghiệp tỉnh",
    service_name=(
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam, "
        "gia hạn, cấp lại và xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép"
    ),
    label="B1234",
    priority_name="Phụ nữ mang thai hoặc nuôi con nhỏ dưới 12 tháng tuổi",
    wait_text="Khoảng 1 giờ 30 phút đến 2 giờ",
    footer="Liênhệtổngđàihỗtrợ1900123456789khôngdấucách " * 2,
    ahead_caption="Số người đang chờ trước bạn ở dịch vụ này",
)

VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)


def ink_rows(image: Image.Image, left: int, right: int) -> list[float]:
    """Share of black pixels in each row between columns left and right."""
    gray = image.convert("L")
    width = right - left
    return [
        gray.crop((left, top, right, top + 1)).histogram()[0] / width for top in range(image.height)
    ]


def is_blank(image: Image.Image) -> bool:
    return image.convert("L").getextrema() == (255, 255)


def drawn(style: TextStyle, text: str) -> bytes:
    canvas = Image.new("1", (100, 100), 0)
    style.draw(canvas, 20, 70, text, 1)
    return canvas.tobytes()


def longest_run(values: list[float], threshold: float) -> int:
    best = current = 0
    for value in values:
        current = current + 1 if value >= threshold else 0
        best = max(best, current)
    return best


def test_fonts_are_shipped_in_the_repo_with_their_license() -> None:
    assert REGULAR_FONT.is_file() and BOLD_FONT.is_file()
    assert REGULAR_FONT.parent == FONT_DIRECTORY
    assert FONT_DIRECTORY.parts[-2:] == ("static", "fonts")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIRECTORY / "OFL.txt").read_text()


@pytest.mark.parametrize("bold", [False, True])
def test_every_vietnamese_letter_has_a_real_glyph(bold: bool) -> None:
    style = TextStyle(bold, 40)
    missing = drawn(style, "\ue000")  # a private-use character: the font's missing-glyph box
    blank = drawn(style, " ")
    for letter in VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper():
        assert drawn(style, letter) not in (missing, blank), letter


@BOTH_WIDTHS
def test_render_ticket_is_exactly_the_paper_width_and_one_bit(width: int) -> None:
    image = render_ticket(SAMPLE, width)
    assert image.mode == "1"
    assert image.width == width
    assert 500 < image.height < 1400


@BOTH_WIDTHS
def test_long_vietnamese_names_wrap_inside_the_paper(width: int) -> None:
    short = render_ticket(SAMPLE, width)
    long = render_ticket(LONG, width)
    margin = MARGINS[width]
    assert long.width == width
    assert long.height > short.height + 150  # the names took more lines, not more width
    # Nothing is drawn in the side margins: no text ran past the content width.
    assert is_blank(long.crop((0, 0, margin, long.height)))
    assert is_blank(long.crop((width - margin, 0, width, long.height)))


@BOTH_WIDTHS
def test_wrap_text_keeps_every_word_and_every_line_within_the_width(width: int) -> None:
    style = TextStyle(True, 30)
    text = unicodedata.normalize("NFC", LONG.service_name)
    lines = wrap_text(text, style, width - 32)
    assert len(lines) >= 3
    assert " ".join(lines).split() == text.split()
    font = load_font(True, 30)  # Pillow's own measure, not the one wrap_text used
    assert all(font.getlength(line, mode="1") <= width - 32 for line in lines)


def test_wrap_text_breaks_a_word_wider_than_the_line() -> None:
    style = TextStyle(False, 20)
    word = "Liênhệtổngđàihỗtrợ1900123456789khôngdấucách"
    lines = wrap_text(word, style, 150)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(style.length(line) <= 150 for line in lines)


def test_balanced_lines_are_as_many_as_greedy_but_even() -> None:
    style = TextStyle(True, 26)
    text = SAMPLE.center_name
    greedy = wrap_text(text, style, 544)
    balanced = balanced_lines(text, style, 544)
    assert len(balanced) == len(greedy) == 2
    assert " ".join(balanced) == text
    shortest_greedy = min(style.length(line) for line in greedy)
    shortest_balanced = min(style.length(line) for line in balanced)
    assert shortest_balanced > shortest_greedy  # no lone "Cần Thơ" on the second line


@BOTH_WIDTHS
def test_priority_band_appears_only_for_a_priority_ticket(width: int) -> None:
    margin = MARGINS[width]
    priority = render_ticket(SAMPLE, width)
    ordinary = render_ticket(dataclasses.replace(SAMPLE, priority_name=None), width)
    # The band is many consecutive rows of mostly ink; rules and frames are only a few rows.
    assert longest_run(ink_rows(priority, margin, width - margin), 0.6) >= 30
    assert longest_run(ink_rows(ordinary, margin, width - margin), 0.6) <= 4
    assert priority.height > ordinary.height


@BOTH_WIDTHS
def test_the_qr_code_of_the_track_url_is_printed_whole(width: int) -> None:
    image = render_ticket(SAMPLE, width)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(SAMPLE.track_url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    small = Image.new("1", (modules, modules), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    found = []
    # No QR decoder is installed, so look for the exact code, whole and unscaled by halves.
    for module_px in range(3, 9):
        side = modules * module_px
        expected = small.resize((side, side), Image.Resampling.NEAREST).tobytes()
        left = (width - side) // 2
        for top in range(image.height - side):
            if image.crop((left, top, left + side, top + side)).tobytes() == expected:
                found.append((module_px, top))
    assert len(found) == 1
    module_px, _ = found[0]
    assert module_px >= 4  # a module of at least 0.5 mm at 203 dpi scans reliably


def test_decomposed_accents_render_like_composed_ones() -> None:
    decomposed = dataclasses.replace(
        SAMPLE,
        center_name=unicodedata.normalize("NFD", SAMPLE.center_name),
        service_name=unicodedata.normalize("NFD", SAMPLE.service_name),
        priority_name=unicodedata.normalize("NFD", SAMPLE.priority_name or ""),
    )
    assert decomposed.service_name != SAMPLE.service_name
    assert render_ticket(decomposed).tobytes() == render_ticket(SAMPLE).tobytes()


def test_the_number_shrinks_to_fit_a_long_label() -> None:
    width = PAPER_WIDTHS["58mm"]
    image = render_ticket(dataclasses.replace(SAMPLE, label="VIP-12345678"), width)
    margin = MARGINS[width]
    assert is_blank(image.crop((0, 0, margin, image.height)))
    assert is_blank(image.crop((width - margin, 0, width, image.height)))


def test_the_captions_are_the_callers_words() -> None:
    english = dataclasses.replace(
        SAMPLE,
        ahead_caption="People ahead of you",
        wait_caption="Estimated wait",
        qr_caption="Scan to follow your turn",
        number_caption="Your number",
    )
    assert render_ticket(english).tobytes() != render_ticket(SAMPLE).tobytes()


def test_a_logo_goes_on_top_within_the_width() -> None:
    logo = Image.new("RGBA", (800, 300), (255, 255, 255, 0))
    ImageDraw.Draw(logo).ellipse((0, 0, 799, 299), fill=(200, 0, 0, 255))
    with_logo = render_ticket(SAMPLE, PAPER_WIDTHS["80mm"], logo=logo)
    without = render_ticket(SAMPLE, PAPER_WIDTHS["80mm"])
    assert with_logo.width == PAPER_WIDTHS["80mm"]
    assert with_logo.height > without.height
    top_band = with_logo.crop((0, 0, with_logo.width, with_logo.height - without.height))
    assert not is_blank(top_band)  # the logo's ink is there


def test_render_ticket_refuses_a_width_no_printer_has() -> None:
    with pytest.raises(ValueError, match="at least 256 px"):
        render_ticket(SAMPLE, 100)


@pytest.mark.parametrize("bold", [False, True])
def test_text_drawn_from_the_glyph_cache_matches_pillow_within_a_pixel(bold: bool) -> None:
    style = TextStyle(bold, 30)
    text = unicodedata.normalize("NFC", SAMPLE.service_name + " ỆỄẶ")
    assert style.length(text) == load_font(bold, 30).getlength(text, mode="1")
    ours = Image.new("1", (1000, 60), 1)
    style.draw(ours, 10, 45, text, 0)
    pillows = Image.new("1", (1000, 60), 1)
    ImageDraw.Draw(pillows).text((10, 45), text, font=load_font(bold, 30), fill=0, anchor="ls")
    our_ink = ImageChops.invert(ours.convert("L"))
    pillow_ink = ImageChops.invert(pillows.convert("L"))
    assert our_ink.histogram()[255] > 1000
    # Pillow may place a letter with stacked accents one pixel apart in a line; nothing more.
    assert (
        ImageChops.subtract(our_ink, pillow_ink.filter(ImageFilter.MaxFilter(3))).getbbox() is None
    )
    assert (
        ImageChops.subtract(pillow_ink, our_ink.filter(ImageFilter.MaxFilter(3))).getbbox() is None
    )


@BOTH_WIDTHS
def test_a_services_checklist_is_printed_after_the_qr_within_the_paper(width: int) -> None:
    papers = ("Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh", "CCCD của cha hoặc mẹ")
    plain = render_ticket(SAMPLE, width)
    listed = render_ticket(dataclasses.replace(SAMPLE, checklist=papers), width)

    margin = MARGINS[width]
    assert listed.width == width
    # A caption and three lines more, and the ticket above them is unchanged.
    assert listed.height > plain.height + 4 * 20
    assert (
        ImageChops.difference(
            plain.crop((0, 0, width, plain.height - 120)),
            listed.crop((0, 0, width, plain.height - 120)),
        ).getbbox()
        is None
    )
    assert is_blank(listed.crop((0, 0, margin, listed.height)))
    assert is_blank(listed.crop((width - margin, 0, width, listed.height)))
