"""How ESC/POS bytes reach each kind of printer: network, device file, serial, USB, CUPS.

Every transport works against a deadline and turns every way a printer can fail into one of two
exceptions, `NotPrinted` (with a reason an admin can act on) or `TimedOut` (with what it was
waiting for). `kiosk.printing.send` turns those into a `PrintResult`; nothing here decides what a
failure means for the visitor.

Where a printer can answer its paper status (DLE EOT 4), the transport asks first with a short
timeout, so an empty printer is reported as "out of paper" rather than as a ticket that silently
never came out. A printer that does not answer is simply printed to.

pyserial, pyusb and python-escpos are imported inside their transport: a kiosk on a network
printer needs none of them, and importing escpos creates a folder in the temp directory.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import struct
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import Any

from kiosk.printer_url import DEFAULT_BAUDRATE, DEFAULT_TCP_PORT, PrinterTarget

PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: roll paper sensor status, answered at once
STATUS_TIMEOUT_S = 0.25  # a printer that has not answered by then does not answer status at all
POLL_INTERVAL_S = 0.005


class NotPrinted(Exception):
    """The printer could not take the job; the message is the reason shown to the admin."""


class TimedOut(Exception):
    """The deadline passed; the message says what was being waited for."""


def remaining(deadline: float, waiting_for: str) -> float:
    """Return the seconds left before the deadline, or raise TimedOut if none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimedOut(waiting_for)
    return left


def paper_warning(answer: bytes) -> str | None:
    """Read a DLE EOT 4 answer: raise when out of paper, return a warning when it runs low."""
    if not answer or answer[0] & 0x93 != 0x12:  # fixed bits wrong: not a status byte
        return None
    if answer[0] & 0x60 == 0x60:
        raise NotPrinted("out of paper")
    if answer[0] & 0x0C == 0x0C:
        return "paper is running low"
    return None


def _unacknowledged_bytes(connection: socket.socket) -> int:
    """Bytes the peer has not acknowledged yet; 0 where the platform cannot tell."""
    try:
        import fcntl
        import termios

        raw = fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except (ImportError, OSError):
        return 0
    return int(struct.unpack("i", raw)[0])


def _resolve(host: str, port: int, deadline: float) -> list[tuple[Any, ...]]:
    """Look the host up within the bound: getaddrinfo itself has no timeout."""
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        lookup = executor.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        return lookup.result(timeout=remaining(deadline, f"looking up {host}"))
    except FutureTimeoutError:
        raise TimedOut(f"looking up {host}") from None
    except socket.gaierror as error:
        raise NotPrinted(f"unknown printer host {host!r}: {error.strerror}") from None
    finally:
        executor.shutdown(wait=False)


def _connect(host: str, port: int, deadline: float) -> socket.socket:
    address = f"{host}:{port}"
    last_error = OSError(f"no address for {host}")
    for family, kind, protocol, _, socket_address in _resolve(host, port, deadline):
        connection = socket.socket(family, kind, protocol)
        try:
            connection.settimeout(remaining(deadline, f"connecting to {address}"))
            connection.connect(socket_address)
            return connection
        except TimeoutError:
            connection.close()
            raise TimedOut(f"connecting to {address}") from None
        except OSError as error:  # try the next address, e.g. IPv4 after IPv6
            connection.close()
            last_error = error
        except TimedOut:
            connection.close()
            raise
    if isinstance(last_error, ConnectionRefusedError):
        raise NotPrinted(f"printer refused the connection ({address})")
    raise NotPrinted(f"printer {address} not reachable: {last_error.strerror or last_error}")


def _read_leftovers(connection: socket.socket) -> None:
    """Read what the printer sent late: closing with unread data resets the connection, and a
    reset can make the printer drop the end of the ticket."""
    connection.setblocking(False)
    try:
        for _ in range(16):
            if not connection.recv(4096):
                return
    except OSError:  # BlockingIOError: nothing left to read
        return


def send_tcp(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Send the job to a raw network printer (port 9100) and wait until it has taken it all."""
    host, port = target.host or "", target.port or DEFAULT_TCP_PORT
    address = f"{host}:{port}"
    with _connect(host, port, deadline) as connection:
        try:
            connection.sendall(PAPER_STATUS_QUERY)
            status_wait = remaining(deadline, f"asking {address} for its status")
            connection.settimeout(min(STATUS_TIMEOUT_S, status_wait))
            try:
                answer = connection.recv(1)
            except TimeoutError:
                answer = None
            if answer == b"":
                raise NotPrinted(f"printer {address} closed the connection")
            warning = paper_warning(answer or b"")
            connection.settimeout(remaining(deadline, f"sending to {address}"))
            connection.sendall(data)
            # The end of the job goes with it, and is acknowledged at once where the last bytes
            # alone could wait for a delayed acknowledgement (40-200 ms).
            connection.shutdown(socket.SHUT_WR)
            # The kernel takes megabytes before send blocks: only the printer's acknowledgement
            # tells that it is really reading, so wait for it within the bound.
            while _unacknowledged_bytes(connection) > 0:
                remaining(deadline, f"waiting for {address} to take the ticket")
                time.sleep(POLL_INTERVAL_S)
        except TimeoutError:
            raise TimedOut(f"sending to {address}") from None
        except OSError as error:
            raise NotPrinted(f"connection to {address} lost: {error.strerror or error}") from None
        _read_leftovers(connection)
    return warning


def send_file(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Append the job to a file or device file (/dev/usb/lp0), never blocking past the deadline."""
    path = target.path or ""
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)
    if not path.startswith("/dev/"):  # never create a plain file where an unplugged device was
        flags |= os.O_CREAT
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO or device with nothing on the other end
            raise NotPrinted(f"nothing is reading {path}") from None
        raise NotPrinted(f"cannot open {path}: {error.strerror}") from None
    try:
        view, written = memoryview(data), 0
        while written < len(data):
            try:
                written += os.write(descriptor, view[written:])
            except BlockingIOError:
                select.select([], [descriptor], [], remaining(deadline, f"writing to {path}"))
    except OSError as error:
        raise NotPrinted(f"cannot write to {path}: {error.strerror}") from None
    finally:
        os.close(descriptor)
    return None


def send_serial(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Write the job to a serial printer, asking its paper status first."""
    import serial

    path, baudrate = target.path or "", target.baudrate or DEFAULT_BAUDRATE
    line_time_s = len(data) * 10 / baudrate
    waiting_for = f"writing to {path} (this ticket needs {line_time_s:.1f} s at {baudrate} baud)"
    try:
        port = serial.Serial(path, baudrate, timeout=STATUS_TIMEOUT_S, dsrdtr=True)
    except (serial.SerialException, ValueError) as error:
        raise NotPrinted(f"cannot open serial port {path}: {error}") from None
    try:
        port.write_timeout = remaining(deadline, waiting_for)
        port.timeout = min(STATUS_TIMEOUT_S, port.write_timeout)
        port.write(PAPER_STATUS_QUERY)
        warning = paper_warning(port.read(1))
        port.write_timeout = remaining(deadline, waiting_for)
        port.write(data)
        while port.out_waiting > 0:  # closing would wait for the line to drain, unbounded
            remaining(deadline, waiting_for)
            time.sleep(POLL_INTERVAL_S)
    except (serial.SerialTimeoutException, TimedOut):
        port.reset_output_buffer()  # or closing waits for bytes the printer will not take
        raise TimedOut(waiting_for) from None
    except serial.SerialException as error:
        raise NotPrinted(f"serial port {path} failed: {error}") from None
    finally:
        port.close()
    return warning


def send_usb(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Write the job to a USB printer through python-escpos, asking its paper status first."""
    import usb.core
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Usb

    name = f"{target.vendor_id or 0:04x}:{target.product_id or 0:04x}"

    def milliseconds(seconds: float) -> int:
        return max(1, int(seconds * 1000))

    printer = Usb(
        target.vendor_id,
        target.product_id,
        timeout=milliseconds(remaining(deadline, f"opening USB printer {name}")),
        in_ep=target.in_endpoint,
        out_ep=target.out_endpoint,
    )
    try:
        printer.open()
    except DeviceNotFoundError:
        raise NotPrinted(
            f"USB printer {name} not found (unplugged, off, or no permission)"
        ) from None
    except usb.core.NoBackendError:
        raise NotPrinted("libusb is not installed on this machine") from None
    try:
        printer.device.default_timeout = milliseconds(STATUS_TIMEOUT_S)
        try:
            warning = paper_warning(bytes(printer.query_status(PAPER_STATUS_QUERY)))
        except usb.core.USBError:  # no answer or no way back: print without the status
            warning = None
        printer.timeout = milliseconds(remaining(deadline, f"writing to USB printer {name}"))
        printer._raw(data)
    except usb.core.USBTimeoutError:
        raise TimedOut(f"writing to USB printer {name}") from None
    except usb.core.USBError as error:
        raise NotPrinted(f"USB printer {name} failed: {error}") from None
    finally:
        printer.close()
    return warning


def send_cups(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Hand the job to a CUPS queue as raw data with `lp`."""
    queue = target.queue or ""
    command = ["lp", "-d", queue, "-o", "raw", "-s"]
    try:
        timeout = remaining(deadline, f"CUPS queue {queue}")
        completed = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except FileNotFoundError:
        raise NotPrinted("the lp command (CUPS client) is not installed") from None
    except subprocess.TimeoutExpired:
        raise TimedOut(f"waiting for CUPS queue {queue}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise NotPrinted(f"CUPS did not take the job for {queue}: {message}")
    return None


def send_dummy(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Take the job and drop it: for development and tests."""
    return None


def send_nowhere(target: PrinterTarget, data: bytes, deadline: float) -> str | None:
    """Refuse: a paperless kiosk has no printer."""
    raise NotPrinted("this kiosk does not print (printer none:)")


Transport = Callable[[PrinterTarget, bytes, float], str | None]

TRANSPORTS: dict[str, Transport] = {
    "dummy": send_dummy,
    "none": send_nowhere,
    "file": send_file,
    "tcp": send_tcp,
    "usb": send_usb,
    "serial": send_serial,
    "cups": send_cups,
}
