"""Moved to tests.helpers.configuration; this name remains for the files that import it."""

from tests.helpers.configuration import ZONE, last_entry, printer_check, refused

__all__ = ["ZONE", "last_entry", "printer_check", "refused"]
