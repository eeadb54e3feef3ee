"""The print adapter: printer URLs, the ESC/POS job, and every way a printer can fail."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from harness.printers import (
    PAPER_NEAR_END,
    PAPER_OUT,
    PAPER_PRESENT,
    PAPER_STATUS_QUERY,
    FakeNetworkPrinter,
    FakeSerialPrinter,
    closed_port,
    listener_that_never_accepts,
    listener_with_full_backlog,
)
from kiosk.commands import SAMPLE_TICKET
from kiosk.printing import PrintResult, encode_ticket, parse_printer_url, print_ticket, send
from kiosk.ticket_image import PAPER_WIDTHS, render_ticket
from tests.helpers.escpos import decode_raster, raster_blocks

TIMEOUT_S = 0.5
MARGIN_S = 0.5  # scheduling slack on a loaded test machine
CUT = b"\x1dV\x00"
BIG_JOB = b"\x00" * (8 * 1024 * 1024)  # larger than any socket, pipe or tty buffer


pytestmark = pytest.mark.usefixtures("escpos_temp_directory")


@pytest.fixture(scope="module")
def ticket_image() -> Image.Image:
    return render_ticket(SAMPLE_TICKET, PAPER_WIDTHS["80mm"])


def timed_send(url: str, data: bytes, timeout_s: float = TIMEOUT_S) -> tuple[PrintResult, float]:
    """Send and measure the wall time ourselves: the result's own figure could be wrong."""
    start = time.monotonic()
    result = send(parse_printer_url(url), data, timeout_s)
    return result, time.monotonic() - start


def assert_same_pixels(decoded: Image.Image, expected: Image.Image) -> None:
    assert decoded.size == expected.size
    assert ImageChops.difference(decoded.convert("L"), expected.convert("L")).getbbox() is None


# URLs


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("dummy:", {"scheme": "dummy"}),
        ("none:", {"scheme": "none"}),
        ("file:///var/spool/ticket.bin", {"scheme": "file", "path": "/var/spool/ticket.bin"}),
        ("file:///tmp/my%20printer", {"scheme": "file", "path": "/tmp/my printer"}),
        ("tcp://192.168.1.50:9100", {"scheme": "tcp", "host": "192.168.1.50", "port": 9100}),
        ("tcp://printer-kiosk-1", {"scheme": "tcp", "host": "printer-kiosk-1", "port": 9100}),
        ("tcp://10.0.0.5:4242", {"host": "10.0.0.5", "port": 4242}),
        ("TCP://[::1]:9101", {"scheme": "tcp", "host": "::1", "port": 9101}),
        ("usb://04b8:0e15", {"scheme": "usb", "vendor_id": 0x04B8, "product_id": 0x0E15}),
        ("usb://0x0416:0x5011", {"vendor_id": 0x0416, "product_id": 0x5011}),
        ("usb://04b8:0e15", {"in_endpoint": 0x82, "out_endpoint": 0x01}),
        ("usb://0483:5743?in_ep=0x81&out_ep=0x02", {"in_endpoint": 0x81, "out_endpoint": 0x02}),
        ("serial:///dev/ttyUSB0", {"scheme": "serial", "path": "/dev/ttyUSB0", "baudrate": 9600}),
        ("serial:///dev/ttyS1?baudrate=115200", {"path": "/dev/ttyS1", "baudrate": 115200}),
        ("cups://TM-T20", {"scheme": "cups", "queue": "TM-T20"}),
    ],
)
def test_parse_printer_url_reads_every_scheme(url: str, fields: dict[str, object]) -> None:
    target = parse_printer_url(url)
    for name, value in fields.items():
        assert getattr(target, name) == value
    assert target.url == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "unknown scheme"),
        ("192.168.1.50:9100", "unknown scheme '192.168.1.50'"),
        ("lpt://1", "unknown scheme 'lpt'"),
        ("http://printer", "unknown scheme 'http'"),
        ("dummy:something", "takes nothing after the colon"),
        ("tcp:192.168.1.50", "expected tcp://"),
        ("tcp://", "missing host"),
        ("tcp://:9100", "missing host"),
        ("tcp://printer:0", "port must be 1-65535"),
        ("tcp://printer:65536", "port must be 1-65535"),
        ("tcp://printer:ipp", "port must be 1-65535"),
        ("tcp://printer:9100/queue", "expected tcp://host or tcp://host:port"),
        ("tcp://printer?timeout=3", "unknown option 'timeout'"),
        ("usb://04b8", "expected usb://VID:PID"),
        ("usb://04b8:zz15", "VID:PID must be hex"),
        ("usb://4b8e15:1", "VID:PID must be hex"),
        ("usb://04b8:0e15?out_ep=bulk", "out_ep must be hex"),
        ("usb://04b8:0e15?endpoint=1", "unknown option 'endpoint'"),
        ("serial://dev/ttyUSB0", "absolute path"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "baudrate must be a number"),
        ("serial:///dev/ttyUSB0?speed=9600", "unknown option 'speed'"),
        ("file://relative/path", "absolute path"),
        ("cups://", "expected cups://queue"),
    ],
)
def test_parse_printer_url_names_the_bad_url_and_the_accepted_forms(url: str, problem: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_printer_url(url)
    message = str(raised.value)
    assert problem in message
    assert repr(url) in message
    assert "tcp://host[:port]" in message and "usb://VID:PID" in message


def test_none_is_a_kiosk_that_does_not_print() -> None:
    assert parse_printer_url("none:").prints is False
    assert parse_printer_url("dummy:").prints is True
    result = print_ticket("none:", Image.new("1", (384, 8), 1))
    assert not result.ok
    assert "does not print" in (result.reason or "")


# the ESC/POS job


def test_encode_ticket_holds_the_rendered_image_pixel_for_pixel_then_cuts(
    ticket_image: Image.Image,
) -> None:
    job = encode_ticket(ticket_image)
    assert job.startswith(b"\x1b@")  # ESC @: start from a reset printer
    assert job.endswith(CUT)
    assert_same_pixels(decode_raster(job), ticket_image)
    assert job.index(CUT) > raster_blocks(job)[-1].end


def test_encode_ticket_splits_a_tall_image_into_bands_that_stack_back() -> None:
    tall = Image.new("1", (384, 2500), 1)
    draw = ImageDraw.Draw(tall)
    for top in range(0, 2500, 97):  # stripes crossing every band boundary
        draw.rectangle((top % 300, top, top % 300 + 80, top + 40), fill=0)
    job = encode_ticket(tall)
    assert len(raster_blocks(job)) == 3
    assert_same_pixels(decode_raster(job), tall)


def test_encode_ticket_writes_nothing_to_stdout(
    ticket_image: Image.Image, capsys: pytest.CaptureFixture[str]
) -> None:
    encode_ticket(ticket_image)
    assert capsys.readouterr().out == ""


# network printers


def test_tcp_print_reaches_the_printer_pixel_for_pixel(ticket_image: Image.Image) -> None:
    with FakeNetworkPrinter(status_answer=PAPER_PRESENT) as printer:
        result = print_ticket(printer.url, ticket_image, timeout_s=3.0)
        jobs = printer.wait_for_jobs(1)
    assert result.ok, result.reason
    assert result.reason is None
    assert len(jobs) == 1
    assert jobs[0].startswith(PAPER_STATUS_QUERY)
    assert jobs[0][len(PAPER_STATUS_QUERY) :] == encode_ticket(ticket_image)
    assert_same_pixels(decode_raster(jobs[0]), ticket_image)


def test_tcp_printer_that_does_not_answer_status_still_prints(ticket_image: Image.Image) -> None:
    with FakeNetworkPrinter(status_answer=b"") as printer:
        result = print_ticket(printer.url, ticket_image, timeout_s=3.0)
        jobs = printer.wait_for_jobs(1)
    assert result.ok, result.reason
    assert_same_pixels(decode_raster(jobs[0]), ticket_image)


def test_tcp_printer_out_of_paper_gets_no_job(ticket_image: Image.Image) -> None:
    with FakeNetworkPrinter(status_answer=PAPER_OUT) as printer:
        result = print_ticket(printer.url, ticket_image, timeout_s=3.0)
        jobs = printer.wait_for_jobs(1)
    assert not result.ok
    assert result.reason == "out of paper"
    assert jobs == [PAPER_STATUS_QUERY]


def test_tcp_printer_near_paper_end_prints_with_a_warning(ticket_image: Image.Image) -> None:
    with FakeNetworkPrinter(status_answer=PAPER_NEAR_END) as printer:
        result = print_ticket(printer.url, ticket_image, timeout_s=3.0)
        jobs = printer.wait_for_jobs(1)
    assert result.ok
    assert result.reason == "paper is running low"
    assert_same_pixels(decode_raster(jobs[0]), ticket_image)


def test_tcp_printer_that_is_down_refuses_at_once() -> None:
    with closed_port() as port:
        result, elapsed = timed_send(f"tcp://127.0.0.1:{port}", b"job")
    assert not result.ok
    assert result.reason == f"printer refused the connection (127.0.0.1:{port})"
    assert elapsed < TIMEOUT_S


def test_tcp_printer_that_never_answers_the_connection_times_out_within_the_bound() -> None:
    with listener_with_full_backlog() as port:
        result, elapsed = timed_send(f"tcp://127.0.0.1:{port}", b"job")
    assert not result.ok
    assert result.reason == f"timed out after {TIMEOUT_S} s connecting to 127.0.0.1:{port}"
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


def test_tcp_listener_that_never_accepts_times_out_within_the_bound() -> None:
    with listener_that_never_accepts() as port:
        result, elapsed = timed_send(f"tcp://127.0.0.1:{port}", BIG_JOB)
    assert not result.ok
    assert result.reason is not None and result.reason.startswith(f"timed out after {TIMEOUT_S} s")
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


def test_tcp_printer_that_accepts_but_never_reads_times_out_within_the_bound() -> None:
    with FakeNetworkPrinter(read_limit=0, receive_buffer=4096) as printer:
        result, elapsed = timed_send(printer.url, BIG_JOB)
    assert not result.ok
    assert result.reason is not None and result.reason.startswith(f"timed out after {TIMEOUT_S} s")
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


def test_tcp_printer_that_hangs_mid_ticket_is_not_reported_printed(
    ticket_image: Image.Image,
) -> None:
    job = encode_ticket(ticket_image)  # a single ticket, small enough for the kernel's buffers
    with FakeNetworkPrinter(
        status_answer=PAPER_PRESENT, read_limit=8192, receive_buffer=4096
    ) as printer:
        result, elapsed = timed_send(printer.url, job)
        received = printer.current.snapshot()
    assert not result.ok
    assert result.reason == (
        f"timed out after {TIMEOUT_S} s waiting for 127.0.0.1:{printer.port} to take the ticket"
    )
    assert len(received) == 8192
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


def test_tcp_unknown_host_is_not_reachable_quickly() -> None:
    result, elapsed = timed_send("tcp://no-such-printer.invalid", b"job", timeout_s=3.0)
    assert not result.ok
    assert result.reason is not None
    assert "no-such-printer.invalid" in result.reason
    assert elapsed < 3.0 + MARGIN_S


# serial printers (a pseudo-terminal stands in for the port)


def test_serial_print_reaches_the_printer_pixel_for_pixel(ticket_image: Image.Image) -> None:
    job = encode_ticket(ticket_image)
    with FakeSerialPrinter(status_answer=PAPER_PRESENT) as printer:
        result = send(parse_printer_url(printer.url), job, timeout_s=3.0)
        received = printer.wait_for_bytes(len(PAPER_STATUS_QUERY) + len(job))
    assert result.ok, result.reason
    assert received == PAPER_STATUS_QUERY + job
    assert_same_pixels(decode_raster(received), ticket_image)


def test_serial_printer_out_of_paper_gets_no_job(ticket_image: Image.Image) -> None:
    with FakeSerialPrinter(status_answer=PAPER_OUT) as printer:
        result = print_ticket(printer.url, ticket_image, timeout_s=3.0)
        received = printer.wait_for_bytes(len(PAPER_STATUS_QUERY), timeout_s=0.3)
    assert not result.ok
    assert result.reason == "out of paper"
    assert received == PAPER_STATUS_QUERY


def test_serial_printer_that_stops_reading_times_out_within_the_bound() -> None:
    with FakeSerialPrinter(read_limit=len(PAPER_STATUS_QUERY)) as printer:
        result, elapsed = timed_send(printer.url, BIG_JOB)
    assert not result.ok
    assert result.reason is not None and result.reason.startswith(f"timed out after {TIMEOUT_S} s")
    assert "baud" in result.reason
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


def test_serial_port_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    result, elapsed = timed_send(f"serial://{tmp_path}/ttyUSB9", b"job")
    assert not result.ok
    assert result.reason is not None and "cannot open serial port" in result.reason
    assert elapsed < TIMEOUT_S


# files and devices


def test_file_printer_appends_each_job(tmp_path: Path, ticket_image: Image.Image) -> None:
    path = tmp_path / "printer.bin"
    first = print_ticket(f"file://{path}", ticket_image)
    second = print_ticket(f"file://{path}", ticket_image)
    assert first.ok and second.ok
    job = encode_ticket(ticket_image)
    assert path.read_bytes() == job + job


def test_file_printer_device_that_is_unplugged_is_reported_and_not_created() -> None:
    missing = "/dev/qms-test-printer-that-does-not-exist"
    result, _ = timed_send(f"file://{missing}", b"job")
    assert not result.ok
    assert result.reason == f"cannot open {missing}: No such file or directory"
    assert not os.path.exists(missing)


def test_file_printer_fifo_with_no_reader_is_reported(tmp_path: Path) -> None:
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)
    result, elapsed = timed_send(f"file://{fifo}", b"job")
    assert not result.ok
    assert result.reason == f"nothing is reading {fifo}"
    assert elapsed < TIMEOUT_S


def test_file_printer_fifo_that_is_never_read_times_out_within_the_bound(tmp_path: Path) -> None:
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open, and never read
    try:
        result, elapsed = timed_send(f"file://{fifo}", BIG_JOB)
    finally:
        os.close(reader)
    assert not result.ok
    assert result.reason == f"timed out after {TIMEOUT_S} s writing to {fifo}"
    assert TIMEOUT_S * 0.9 <= elapsed < TIMEOUT_S + MARGIN_S


# the other schemes


def test_dummy_printer_takes_the_job() -> None:
    result = print_ticket("dummy:", Image.new("1", (384, 16), 1))
    assert result == PrintResult(True, None, result.elapsed_s)


def test_usb_printer_that_is_not_plugged_in_is_reported_within_the_bound() -> None:
    result, elapsed = timed_send("usb://04b8:0e15", b"job")
    assert not result.ok
    assert result.reason is not None
    assert "04b8:0e15" in result.reason or "libusb" in result.reason
    assert elapsed < TIMEOUT_S + MARGIN_S


def test_cups_queue_that_cannot_print_is_reported() -> None:
    result, elapsed = timed_send("cups://qms-test-queue-that-does-not-exist", b"job")
    assert not result.ok
    assert result.reason is not None
    assert "lp command" in result.reason or "qms-test-queue-that-does-not-exist" in result.reason
    assert elapsed < TIMEOUT_S + MARGIN_S


def test_print_ticket_with_a_bad_url_returns_a_result_instead_of_raising() -> None:
    result = print_ticket("tcp://printer:99999", Image.new("1", (384, 16), 1))
    assert not result.ok
    assert result.reason is not None and "port must be 1-65535" in result.reason
