"""The `print-sample` command: render a sample ticket to check a printer or the layout.

Installers use it at a new kiosk to see that the printer URL works and that Vietnamese prints
right, before any visitor takes a ticket. It needs no database and no running server, so it is a
plain click command, registered with the others by cli.py, that also works on its own.
"""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.printing import print_ticket
from kiosk.ticket_image import PAPER_WIDTHS, TicketPrintout, render_ticket

SAMPLE_TICKET = TicketPrintout(
    center_name="Trung tâm Phục vụ hành chính công TP Cần Thơ",
    department_name="Sở Tư pháp",
    service_name="Chứng thực bản sao, chữ ký, hợp đồng giao dịch",
    label="A005",
    priority_name="Người cao tuổi",
    issued_at_text="28/11/2026 08:15",
    ahead=4,
    wait_text="10–20 phút",
    track_url="http://192.168.1.10:5000/t/k7Qm2xPz9RbT",
    footer="Vui lòng giữ phiếu và chú ý màn hình gọi số.",
)


@click.command("print-sample")
@click.option("--printer", "printer_url", metavar="URL", help="Printer URL, e.g. tcp://10.0.0.5")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the ticket image to this PNG file.",
)
@click.option(
    "--paper",
    type=click.Choice(sorted(PAPER_WIDTHS)),
    default="80mm",
    show_default=True,
    help="Paper width.",
)
def print_sample(printer_url: str | None, out_path: Path | None, paper: str) -> None:
    """Render a sample Vietnamese ticket to a PNG and/or print it."""
    if printer_url is None and out_path is None:
        raise click.UsageError("give --printer URL, --out FILE.png, or both")
    image = render_ticket(SAMPLE_TICKET, PAPER_WIDTHS[paper])
    if out_path is not None:
        image.save(out_path, format="PNG", optimize=True)
        click.echo(f"wrote {out_path} ({image.width}x{image.height} px)")
    if printer_url is not None:
        result = print_ticket(printer_url, image)
        if not result.ok:
            raise click.ClickException(f"not printed: {result.reason}")
        note = f" ({result.reason})" if result.reason else ""
        click.echo(f"printed on {printer_url} in {result.elapsed_s:.2f} s{note}")
