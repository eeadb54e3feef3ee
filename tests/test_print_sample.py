"""The `print-sample` command: a sample ticket to a PNG, to a printer, or an error that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from kiosk.commands import print_sample
from tests.helpers.escpos import decode_raster

pytestmark = pytest.mark.usefixtures("escpos_temp_directory")


def test_print_sample_writes_the_png_and_prints_the_same_ticket(tmp_path: Path) -> None:
    png, printer = tmp_path / "ticket.png", tmp_path / "printer.bin"
    arguments = ["--out", str(png), "--paper", "58mm", "--printer", f"file://{printer}"]
    result = CliRunner().invoke(print_sample, arguments)
    assert result.exit_code == 0, result.output
    assert f"wrote {png} (384x" in result.output
    assert f"printed on file://{printer}" in result.output
    with Image.open(png) as written:
        assert written.size[0] == 384
        printed = decode_raster(printer.read_bytes())
        difference = ImageChops.difference(written.convert("L"), printed.convert("L"))
        assert difference.getbbox() is None


def test_print_sample_reports_a_printer_that_cannot_print(tmp_path: Path) -> None:
    result = CliRunner().invoke(print_sample, ["--printer", "tcp://printer:70000"])
    assert result.exit_code == 1
    assert "not printed: bad printer URL 'tcp://printer:70000': port must be 1-65535" in (
        result.output
    )


def test_print_sample_needs_somewhere_to_put_the_ticket() -> None:
    result = CliRunner().invoke(print_sample, [])
    assert result.exit_code == 2
    assert "give --printer URL, --out FILE.png, or both" in result.output
