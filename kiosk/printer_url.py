"""Parse the printer URL that names each kiosk's printer.

A kiosk's printer is configuration, not code: one string says both the cable and the address,
`tcp://10.0.0.5`, `usb://04b8:0e15`, `serial:///dev/ttyUSB0?baudrate=19200`. A mistyped URL is
found when the configuration is read, with a message that names it and lists the accepted forms,
not when the first visitor takes a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

ACCEPTED_FORMS = (
    "dummy:, none:, agent:, file:///path, tcp://host[:port], "
    "usb://VID:PID[?in_ep=0x82&out_ep=0x01], serial:///dev/ttyUSB0[?baudrate=9600], cups://queue"
)
DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600


@dataclass(frozen=True)
class PrinterTarget:
    """A parsed printer URL: the scheme and the fields that scheme uses."""

    scheme: str
    url: str
    host: str | None = None
    port: int | None = None
    path: str | None = None
    vendor_id: int | None = None
    product_id: int | None = None
    in_endpoint: int | None = None
    out_endpoint: int | None = None
    baudrate: int | None = None
    queue: str | None = None

    @property
    def prints(self) -> bool:
        """Tell whether this kiosk prints at all (`none:` is a paperless kiosk)."""
        return self.scheme != "none"

    @property
    def via_agent(self) -> bool:
        """Tell whether the kiosk's own PC prints, through `flask print-agent` (`agent:`)."""
        return self.scheme == "agent"


def _bad_url(url: str, problem: str) -> ValueError:
    return ValueError(f"bad printer URL {url!r}: {problem}. Accepted forms: {ACCEPTED_FORMS}")


def _parse_hex(url: str, text: str, what: str) -> int:
    digits = text[2:] if text.lower().startswith("0x") else text
    if not 1 <= len(digits) <= 4 or any(
        character not in "0123456789abcdefABCDEF" for character in digits
    ):
        raise _bad_url(url, f"{what} must be hex (1-4 digits), got {text!r}")
    return int(digits, 16)


def _parse_port(url: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise _bad_url(url, f"port must be 1-65535, got {text!r}")
    return int(text)


def _options(url: str, query: str, allowed: tuple[str, ...]) -> dict[str, str]:
    options = {name: values[-1] for name, values in parse_qs(query, keep_blank_values=True).items()}
    for name in options:
        if name not in allowed:
            accepted = ", ".join(allowed) or "none"
            raise _bad_url(url, f"unknown option {name!r} (accepted: {accepted})")
    return options


def _parse_tcp(url: str, netloc: str, path: str, query: str) -> PrinterTarget:
    _options(url, query, ())
    if "@" in netloc or path not in ("", "/"):
        raise _bad_url(url, "expected tcp://host or tcp://host:port")
    if netloc.startswith("["):  # an IPv6 literal, [::1]:9100
        host, _, after = netloc[1:].partition("]")
        if after and not after.startswith(":"):
            raise _bad_url(url, "expected [IPv6]:port")
        port_text = after[1:]
    else:
        host, _, port_text = netloc.partition(":")
    if not host:
        raise _bad_url(url, "missing host")
    port = _parse_port(url, port_text) if port_text else DEFAULT_TCP_PORT
    return PrinterTarget("tcp", url, host=host, port=port)


def _parse_usb(url: str, netloc: str, path: str, query: str) -> PrinterTarget:
    options = _options(url, query, ("in_ep", "out_ep"))
    vendor_text, colon, product_text = netloc.partition(":")
    if not colon or path not in ("", "/"):
        raise _bad_url(url, "expected usb://VID:PID, e.g. usb://04b8:0e15")
    return PrinterTarget(
        "usb",
        url,
        vendor_id=_parse_hex(url, vendor_text, "VID:PID"),
        product_id=_parse_hex(url, product_text, "VID:PID"),
        in_endpoint=_parse_hex(url, options.get("in_ep", "0x82"), "in_ep"),
        out_endpoint=_parse_hex(url, options.get("out_ep", "0x01"), "out_ep"),
    )


def _parse_cups(url: str, netloc: str, path: str, query: str) -> PrinterTarget:
    _options(url, query, ())
    if not netloc or path not in ("", "/"):
        raise _bad_url(url, "expected cups://queue")
    return PrinterTarget("cups", url, queue=unquote(netloc))


def _absolute_path(url: str, scheme: str, netloc: str, path: str) -> str:
    if netloc not in ("", "localhost") or not path.startswith("/") or len(path) < 2:
        raise _bad_url(url, f"expected an absolute path, {scheme}:///path")
    return path


def _parse_file(url: str, netloc: str, path: str, query: str) -> PrinterTarget:
    _options(url, query, ())
    return PrinterTarget("file", url, path=_absolute_path(url, "file", netloc, path))


def _parse_serial(url: str, netloc: str, path: str, query: str) -> PrinterTarget:
    path = _absolute_path(url, "serial", netloc, path)
    baudrate_text = _options(url, query, ("baudrate",)).get("baudrate", str(DEFAULT_BAUDRATE))
    if not baudrate_text.isdigit() or not 50 <= int(baudrate_text) <= 4_000_000:
        raise _bad_url(url, f"baudrate must be a number like 9600 or 115200, got {baudrate_text!r}")
    return PrinterTarget("serial", url, path=path, baudrate=int(baudrate_text))


_PARSERS = {
    "tcp": _parse_tcp,
    "usb": _parse_usb,
    "cups": _parse_cups,
    "file": _parse_file,
    "serial": _parse_serial,
}


def parse_printer_url(url: str) -> PrinterTarget:
    """Parse a printer URL; raise ValueError naming the URL and the accepted forms."""
    text = url.strip()
    scheme, separator, rest = text.partition(":")
    scheme = scheme.lower()
    if scheme in ("dummy", "none", "agent") and separator:
        if rest not in ("", "//"):
            raise _bad_url(url, f"{scheme}: takes nothing after the colon")
        return PrinterTarget(scheme, text)
    if not separator or scheme not in _PARSERS:
        raise _bad_url(url, f"unknown scheme {scheme!r}")
    if not rest.startswith("//"):
        raise _bad_url(url, f"expected {scheme}://...")
    parts = urlsplit(text)
    return _PARSERS[scheme](text, parts.netloc, unquote(parts.path), parts.query)
