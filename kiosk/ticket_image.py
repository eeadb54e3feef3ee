"""Render a queue ticket as a 1-bit image the width of the thermal paper.

Printers cannot be trusted with Vietnamese text: in text mode most of them print `?` for the
diacritics. So the whole ticket is drawn here with Pillow and the font bundled in the repo (see
`kiosk.ticket_text`), and the printer only ever receives a raster. The same image serves the
paperless path, since it is what the visitor would have had in hand.

Every text is measured in pixels and wrapped, so a long department or service name grows the
ticket downwards instead of running off the paper. The words printed are all given by the caller:
this module decides the layout, never the language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw

from kiosk.ticket_text import (
    BOLD_FONT,
    FONT_DIRECTORY,
    REGULAR_FONT,
    TextStyle,
    balanced_lines,
    compose,
    wrap_text,
)

__all__ = [
    "BOLD_FONT",
    "FONT_DIRECTORY",
    "PAPER_WIDTHS",
    "REGULAR_FONT",
    "TextStyle",
    "TicketPrintout",
    "balanced_lines",
    "render_ticket",
    "wrap_text",
]

PAPER_WIDTHS: dict[str, int] = {"80mm": 576, "58mm": 384}
MINIMUM_WIDTH_PX = 256
WHITE = 1
BLACK = 0


@dataclass(frozen=True)
class TicketPrintout:
    """Everything printed on one ticket, already formatted in the visitor's language."""

    center_name: str
    department_name: str
    service_name: str
    label: str
    priority_name: str | None
    issued_at_text: str
    ahead: int
    wait_text: str
    track_url: str
    footer: str
    ahead_caption: str = "Số người chờ trước bạn"
    wait_caption: str = "Thời gian chờ dự kiến"
    qr_caption: str = "Quét mã để theo dõi lượt"
    number_caption: str = "Số thứ tự"
    appointment_text: str | None = None  # "Lịch hẹn 09:30" on a booked visitor's ticket
    checklist: tuple[str, ...] = ()  # the papers to bring, when the service prints them
    checklist_caption: str = "Bạn cần mang theo"


@dataclass(frozen=True)
class _Layout:
    """Sizes for one paper width: 80 mm is the reference, narrower paper keeps text readable."""

    width: int
    margin: int
    gap: int

    def size(self, reference_px: int) -> int:
        # Shrinking text in proportion to the paper would make 58 mm tickets hard to read,
        # so narrower paper keeps most of the reference size and wraps more instead.
        factor = self.width / PAPER_WIDTHS["80mm"]
        return round(reference_px * (0.4 + 0.6 * factor))

    def style(self, reference_px: int, bold: bool = False) -> TextStyle:
        return TextStyle(bold, self.size(reference_px))

    @property
    def content_width(self) -> int:
        return self.width - 2 * self.margin


def _text_block(
    text: str, layout: _Layout, style: TextStyle, inverted: bool = False, padding: int = 0
) -> Image.Image:
    """Draw text centred on as many lines as it needs; inverted is white on a black band."""
    lines = balanced_lines(compose(text), style, layout.content_width - 2 * padding)
    ascent, descent = style.metrics()
    line_height = ascent + descent
    height = max(1, len(lines)) * line_height + 2 * padding
    block = Image.new("1", (layout.content_width, height), BLACK if inverted else WHITE)
    for index, line in enumerate(lines):
        x = (layout.content_width - style.length(line)) / 2
        baseline = padding + index * line_height + ascent
        style.draw(block, x, baseline, line, WHITE if inverted else BLACK)
    return block


def _number_block(label: str, layout: _Layout) -> Image.Image:
    """Draw the ticket number as large as the paper allows, measured on its ink."""
    label = compose(label)
    # A little air on each side reads better than a number touching the paper edges.
    available = layout.content_width * 9 // 10
    style = layout.style(200, bold=True)
    left, top, right, bottom = style.ink_box(label)
    # Ink width grows linearly with size, so one measurement gives the fitting size; the loop
    # only corrects rounding and is bounded.
    if right - left > available:
        size = int(style.size * available / (right - left))
        for _ in range(20):
            style = TextStyle(True, size)
            left, top, right, bottom = style.ink_box(label)
            if right - left <= available:
                break
            size -= 2
    block = Image.new("1", (layout.content_width, max(1, bottom - top)), WHITE)
    style.draw(block, (layout.content_width - (right - left)) / 2 - left, -top, label, BLACK)
    return block


def _value_block(text: str, layout: _Layout, size: int) -> Image.Image:
    """Draw a short value in bold on one line, shrinking it rather than wrapping."""
    text = compose(text)
    style = TextStyle(True, size)
    for _ in range(30):  # bounded: a value that still does not fit at 12 px is wrapped
        if style.length(text) <= layout.content_width or style.size <= 12:
            break
        style = TextStyle(True, style.size - 2)
    if style.length(text) > layout.content_width:
        return _text_block(text, layout, style)
    ascent, descent = style.metrics()
    block = Image.new("1", (layout.content_width, ascent + descent), WHITE)
    style.draw(block, (layout.content_width - style.length(text)) / 2, ascent, text, BLACK)
    return block


def _cells_block(printout: TicketPrintout, layout: _Layout) -> Image.Image:
    """Draw people ahead and estimated wait side by side in two framed cells."""
    cell_width = layout.content_width // 2
    inner = _Layout(cell_width, layout.margin // 2 + 6, layout.gap)
    cells = [
        (
            _text_block(caption, inner, layout.style(20)),
            _value_block(value, inner, layout.size(40)),
        )
        for caption, value in (
            (printout.ahead_caption, str(printout.ahead)),
            (printout.wait_caption, printout.wait_text),
        )
    ]
    caption_height = max(caption.height for caption, _ in cells)
    value_height = max(value.height for _, value in cells)
    padding = layout.gap
    value_top = padding + caption_height + layout.gap // 2
    block = Image.new("1", (layout.content_width, value_top + value_height + padding), WHITE)
    for column, (caption, value) in enumerate(cells):
        x = column * cell_width + inner.margin
        block.paste(caption, (x, padding))
        block.paste(value, (x, value_top + (value_height - value.height) // 2))
    line = max(2, layout.size(3))
    draw = ImageDraw.Draw(block)
    draw.rectangle((0, 0, block.width - 1, block.height - 1), outline=BLACK, width=line)
    middle = cell_width - line // 2
    draw.rectangle((middle, 0, middle + line - 1, block.height - 1), fill=BLACK)
    return block


def _qr_block(url: str, layout: _Layout) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    # Whole pixels per module keep every module the same size, which scanners need.
    module_px = max(2, min(layout.size(215), layout.content_width) // modules)
    small = Image.new("1", (modules, modules), WHITE)
    small.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    side = modules * module_px
    block = Image.new("1", (layout.content_width, side), WHITE)
    code_image = small.resize((side, side), Image.Resampling.NEAREST)
    block.paste(code_image, ((layout.content_width - side) // 2, 0))
    return block


def _logo_block(logo: Image.Image, layout: _Layout) -> Image.Image:
    if logo.mode in ("RGBA", "LA", "P"):
        logo = logo.convert("RGBA")
        background = Image.new("RGBA", logo.size, (255, 255, 255, 255))
        logo = Image.alpha_composite(background, logo)
    grey = logo.convert("L")
    grey.thumbnail((layout.content_width, layout.size(110)), Image.Resampling.LANCZOS)
    block = Image.new("1", (layout.content_width, grey.height), WHITE)
    block.paste(grey.convert("1"), ((layout.content_width - grey.width) // 2, 0))
    return block


def _rule(layout: _Layout, thickness: int) -> Image.Image:
    return Image.new("1", (layout.content_width, thickness), BLACK)


def _stack(blocks: Sequence[Image.Image | int], layout: _Layout) -> Image.Image:
    """Paste blocks top to bottom inside the margins; an int in the list is blank space."""
    height = sum(item if isinstance(item, int) else item.height for item in blocks)
    ticket = Image.new("1", (layout.width, height), WHITE)
    top = 0
    for item in blocks:
        if isinstance(item, int):
            top += item
            continue
        ticket.paste(item, (layout.margin, top))
        top += item.height
    return ticket


def render_ticket(
    printout: TicketPrintout, width_px: int = PAPER_WIDTHS["80mm"], logo: Image.Image | None = None
) -> Image.Image:
    """Draw the ticket as a mode "1" image exactly width_px wide, as tall as its content."""
    if width_px < MINIMUM_WIDTH_PX:
        raise ValueError(f"ticket width must be at least {MINIMUM_WIDTH_PX} px, got {width_px}")
    narrow = width_px < PAPER_WIDTHS["80mm"]
    layout = _Layout(width_px, margin=10 if narrow else 16, gap=10 if narrow else 14)
    gap = layout.gap
    blocks: list[Image.Image | int] = [gap]
    if logo is not None:
        blocks += [_logo_block(logo, layout), gap]
    blocks += [
        _text_block(printout.center_name, layout, layout.style(26, bold=True)),
        _text_block(printout.department_name, layout, layout.style(24)),
        gap // 2,
        _rule(layout, 2),
        gap,
        _text_block(printout.service_name, layout, layout.style(30, bold=True)),
        gap,
        _text_block(printout.number_caption, layout, layout.style(22)),
        gap // 2,
        _number_block(printout.label, layout),
        gap,
    ]
    if printout.priority_name:
        band_style = layout.style(28, bold=True)
        band = _text_block(printout.priority_name.upper(), layout, band_style, True, padding=6)
        blocks += [band, gap]
    if printout.appointment_text:
        blocks += [_text_block(printout.appointment_text, layout, layout.style(28, bold=True)), gap]
    blocks += [
        _text_block(printout.issued_at_text, layout, layout.style(22)),
        gap,
        _cells_block(printout, layout),
        gap * 2,
        _qr_block(printout.track_url, layout),
        _text_block(printout.qr_caption, layout, layout.style(20)),
    ]
    if printout.checklist:
        blocks += [gap, _rule(layout, 1), gap]
        blocks.append(_text_block(printout.checklist_caption, layout, layout.style(22, bold=True)))
        blocks += [
            _text_block(f"- {paper}", layout, layout.style(20)) for paper in printout.checklist
        ]
    if printout.footer:
        footer = _text_block(printout.footer, layout, layout.style(20))
        blocks += [gap, _rule(layout, 1), gap, footer]
    blocks.append(gap * 2)
    return _stack(blocks, layout)
