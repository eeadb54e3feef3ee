"""Decode the GS v 0 raster blocks of an ESC/POS job back into an image.

No tool on Python 3.11 renders ESC/POS bytes, so the tests read the raster themselves to check that
what reaches the printer is, pixel for pixel, the ticket that was rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

RASTER_COMMAND = b"\x1dv0"  # GS v 0 m xL xH yL yH, then xL+256*xH bytes per row, yL+256*yH rows
INVERTED_BYTES = bytes(255 - value for value in range(256))


@dataclass(frozen=True)
class RasterBlock:
    """One GS v 0 command: a band of the image, each set bit a dot of ink."""

    density: int
    width_bytes: int
    height: int
    data: bytes
    end: int  # offset in the job just after this block


def raster_blocks(job: bytes) -> list[RasterBlock]:
    """Return the GS v 0 blocks of the job in order; raise ValueError if one is cut short."""
    blocks: list[RasterBlock] = []
    position = job.find(RASTER_COMMAND)
    while position != -1:
        header = job[position + 3 : position + 8]
        if len(header) < 5:
            raise ValueError(f"GS v 0 header cut short at offset {position}")
        density, width_low, width_high, height_low, height_high = header
        width_bytes, height = width_low + 256 * width_high, height_low + 256 * height_high
        start = position + 8
        end = start + width_bytes * height
        if end > len(job):
            raise ValueError(f"GS v 0 data cut short at offset {position}")
        blocks.append(RasterBlock(density, width_bytes, height, job[start:end], end))
        # Search only after the data: raster bytes may contain anything, commands follow them.
        position = job.find(RASTER_COMMAND, end)
    return blocks


def decode_raster(job: bytes) -> Image.Image:
    """Stack the job's raster blocks into one mode "1" image, ink black as in the renderer."""
    blocks = raster_blocks(job)
    if not blocks:
        raise ValueError("no GS v 0 raster in the job")
    widths = {block.width_bytes for block in blocks}
    if len(widths) != 1:
        raise ValueError(f"raster blocks of different widths: {sorted(widths)}")
    width = widths.pop() * 8
    image = Image.new("1", (width, sum(block.height for block in blocks)), 1)
    top = 0
    for block in blocks:
        # In the raster a set bit is ink; in a mode "1" image a set bit is white.
        band = Image.frombytes("1", (width, block.height), block.data.translate(INVERTED_BYTES))
        image.paste(band, (0, top))
        top += block.height
    return image
