"""Moved to tests.helpers.escpos; this name remains for the files that import it."""

from tests.helpers.escpos import decode_raster

__all__ = ["decode_raster"]
