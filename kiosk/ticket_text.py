"""Set Vietnamese text on a 1-bit ticket: the bundled font, measuring, wrapping, drawing.

The font is shipped in the repo (`static/fonts/`, Noto Sans under the OFL), never looked up on the
system: a kiosk PC without it would print boxes instead of diacritics.

Each glyph is rasterised once and kept. FreeType runs the font's hinting program on every glyph it
renders, which made a ticket cost tens of milliseconds of measuring and drawing the same few dozen
letters; with the cache a ticket costs a few pastes per letter. Pillow's basic layout, which this
reproduces, places glyphs side by side by their advance, without kerning or shaping: right for
Vietnamese once its accents are composed onto their letters (NFC), which `compose` does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRECTORY = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR_FONT = FONT_DIRECTORY / "NotoSans-Regular.ttf"
BOLD_FONT = FONT_DIRECTORY / "NotoSans-Bold.ttf"


def compose(text: str) -> str:
    """Compose accents onto their letters (NFC): a decomposed accent would be drawn as a glyph
    of its own beside the letter."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=64)
def load_font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """Return the bundled Noto Sans at this pixel size."""
    path = BOLD_FONT if bold else REGULAR_FONT
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class _Glyph:
    mask: Image.Image | None  # mode "1", set where there is ink; None for blank glyphs
    left: int  # where the mask starts, from the pen position on the baseline
    top: int
    advance: float


@lru_cache(maxsize=4096)
def _glyph(bold: bool, size: int, character: str) -> _Glyph:
    font = load_font(bold, size)
    advance = font.getlength(character, mode="1")
    left, top, right, bottom = (int(edge) for edge in font.getbbox(character, "1", anchor="ls"))
    if right <= left or bottom <= top:
        return _Glyph(None, 0, 0, advance)
    mask = Image.new("1", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), character, font=font, fill=1, anchor="ls")
    return _Glyph(mask, left, top, advance)


@dataclass(frozen=True)
class TextStyle:
    """A weight and a pixel size of the ticket font."""

    bold: bool
    size: int

    def metrics(self) -> tuple[int, int]:
        """Return (ascent, descent): their sum is a line height that no stacked accent crosses."""
        ascent, descent = load_font(self.bold, self.size).getmetrics()
        return ascent, descent

    def length(self, text: str) -> float:
        """Return the advance width of the text in pixels."""
        return sum(_glyph(self.bold, self.size, character).advance for character in text)

    def ink_box(self, text: str) -> tuple[int, int, int, int]:
        """Return (left, top, right, bottom) of the ink, from the pen on the baseline."""
        left = top = 10**6
        right = bottom = -(10**6)
        pen = 0.0
        for character in text:
            glyph = _glyph(self.bold, self.size, character)
            if glyph.mask is not None:
                x = round(pen) + glyph.left
                left, right = min(left, x), max(right, x + glyph.mask.width)
                top, bottom = min(top, glyph.top), max(bottom, glyph.top + glyph.mask.height)
            pen += glyph.advance
        return (left, top, right, bottom) if right > left else (0, 0, 0, 0)

    def draw(self, image: Image.Image, x: float, baseline: int, text: str, fill: int) -> None:
        """Draw the text with its pen starting at (x, baseline)."""
        pen = x
        for character in text:
            glyph = _glyph(self.bold, self.size, character)
            if glyph.mask is not None:
                image.paste(fill, (round(pen) + glyph.left, baseline + glyph.top), glyph.mask)
            pen += glyph.advance


def wrap_text(text: str, style: TextStyle, max_width: int) -> list[str]:
    """Split text into lines no wider than max_width pixels, breaking inside a word only when
    the word alone is wider than the line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if style.length(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for character in word:
            if current and style.length(current + character) > max_width:
                lines.append(current)
                current = ""
            current += character
    if current:
        lines.append(current)
    return lines


def balanced_lines(text: str, style: TextStyle, max_width: int) -> list[str]:
    """Wrap into as few lines as wrap_text, but as even as possible: no lone last word."""
    lines = wrap_text(text, style, max_width)
    if len(lines) < 2:
        return lines
    # The narrowest width that keeps the same number of lines gives the most even lines.
    longest_word = max(int(style.length(word)) + 1 for word in text.split())
    narrowest, widest = min(max_width, longest_word), max_width
    while narrowest < widest:
        middle = (narrowest + widest) // 2
        if len(wrap_text(text, style, middle)) == len(lines):
            widest = middle
        else:
            narrowest = middle + 1
    return wrap_text(text, style, widest)
