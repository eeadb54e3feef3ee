"""Print a rendered ticket on the kiosk's thermal printer, whatever cable it hangs on.

Each kiosk names its printer with a URL (`tcp://10.0.0.5`, `usb://04b8:0e15`, ...; see
`kiosk.printer_url`), so changing printers is configuration, not code. A ticket is encoded to
ESC/POS once (`encode_ticket`) and the same bytes can go to any printer, or to a print agent on
another machine (`send`).

A ticket is issued whether or not it prints: the visitor still sees it on the kiosk screen. So
`send` and `print_ticket` never raise and never take longer than their bound; a printer that is
off, unplugged, out of paper, or that takes the connection and then stops reading comes back as a
`PrintResult` with ok=False and a reason an admin can act on. The caller logs it. This module
never touches the database, so a slow printer can never hold a transaction open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PIL import Image

from kiosk.printer_transports import TRANSPORTS, NotPrinted, TimedOut
from kiosk.printer_url import PrinterTarget, parse_printer_url

__all__ = [
    "PrintResult",
    "PrinterTarget",
    "encode_ticket",
    "parse_printer_url",
    "print_ticket",
    "send",
]

DEFAULT_TIMEOUT_S = 3.0
RASTER_BAND_HEIGHT = 960  # rows per GS v 0 command: python-escpos's default, safe on small printers
INK = bytes(255 - value for value in range(256))  # Pillow's white bits become unprinted dots


@dataclass(frozen=True)
class PrintResult:
    """The outcome of one print; on success, reason may carry a warning such as low paper."""

    ok: bool
    reason: str | None
    elapsed_s: float


def encode_ticket(image: Image.Image) -> bytes:
    """Return the ESC/POS job for the image: reset, GS v 0 raster bands, feed, cut."""
    # Imported here: importing escpos creates a folder in the temp directory.
    from escpos.printer import Dummy

    printer = Dummy()
    printer.hw("INIT")
    printer._raw(raster(image))
    printer.cut()
    return bytes(printer.output)


def raster(image: Image.Image) -> bytes:
    """The image as GS v 0 commands of at most RASTER_BAND_HEIGHT rows each.

    Pillow already stores a mode "1" image as packed rows of bits (set = white); ESC/POS wants
    the same rows with set = ink. Flipping the bytes costs well under a millisecond, where
    python-escpos's own per-image conversion cost about 9 ms of a ticket's 20 ms budget.
    """
    if image.mode != "1":
        image = image.convert("1")
    if image.width % 8:
        padded = Image.new("1", (image.width + 8 - image.width % 8, image.height), 1)
        padded.paste(image, (0, 0))
        image = padded
    width_bytes = image.width // 8
    commands = []
    for top in range(0, image.height, RASTER_BAND_HEIGHT):
        band = image.crop((0, top, image.width, min(image.height, top + RASTER_BAND_HEIGHT)))
        header = b"\x1dv0\x00" + bytes(
            [width_bytes & 0xFF, width_bytes >> 8, band.height & 0xFF, band.height >> 8]
        )
        commands.append(header + band.tobytes().translate(INK))
    return b"".join(commands)


def send(target: PrinterTarget, data: bytes, timeout_s: float = DEFAULT_TIMEOUT_S) -> PrintResult:
    """Send ESC/POS bytes to the printer within timeout_s; never raise."""
    start = time.monotonic()
    try:
        warning = TRANSPORTS[target.scheme](target, data, start + timeout_s)
    except TimedOut as error:
        return PrintResult(
            False, f"timed out after {timeout_s} s {error}", time.monotonic() - start
        )
    except NotPrinted as error:
        return PrintResult(False, str(error), time.monotonic() - start)
    except Exception as error:  # drivers raise anything; a print failure must not fail a request
        return PrintResult(False, f"{type(error).__name__}: {error}", time.monotonic() - start)
    return PrintResult(True, warning, time.monotonic() - start)


def print_ticket(
    printer_url: str, image: Image.Image, timeout_s: float = DEFAULT_TIMEOUT_S
) -> PrintResult:
    """Parse the URL, encode the image and send it; a bad URL is a not-ok result."""
    try:
        target = parse_printer_url(printer_url)
    except ValueError as error:
        return PrintResult(False, str(error), 0.0)
    data = encode_ticket(image) if target.prints else b""
    return send(target, data, timeout_s)
