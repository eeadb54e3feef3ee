"""The fake printers moved to harness.printers; this name remains for the files that import it."""

from harness.printers import FakeNetworkPrinter

__all__ = ["FakeNetworkPrinter"]
