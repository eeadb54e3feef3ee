"""What every response tells the browser, and how the session cookie is kept.

The center's LAN is shared with the public: the hall Wi-Fi, the kiosks, visitors' phones. So the
pages run under a strict Content-Security-Policy (scripts and styles only from our own files,
never inline, no framing), the session cookie is HttpOnly and SameSite=Lax (and Secure over
HTTPS, or always with `QMS_SESSION_COOKIE_SECURE=1` behind a TLS proxy), and a session lasts one
shift (`QMS_SESSION_HOURS`, 12 by default), counted from signing in.

`style-src 'self'` without 'unsafe-inline' holds because no template uses a `style` attribute or
a `<style>` element (tests/test_security.py checks every template); scripts that move a bar set
`element.style` from JavaScript, which the policy allows. The JSON data a page needs sits in
`<script type="application/json">` blocks, which are data, not script, and are not blocked.
`connect-src` adds `ws:` and `wss:` because browsers before CSP level 3 (older phones following a
ticket) do not count the page's own websocket as 'self'.

Behind a reverse proxy (nginx serving HTTPS in front of gunicorn), every request comes from the
proxy's address: the per-address limits would then count the whole hall as one client, and the
cookie would not know the page is HTTPS. `QMS_PROXY_HOPS=1` (the number of proxies in front)
makes the app trust that many X-Forwarded-For/-Proto/-Host values (werkzeug's ProxyFix). It is
0 by default, since without a proxy anyone could send those headers to pass as another address.

Input limits live here too, for every route at once, present and future: request bodies are capped
(`QMS_MAX_CONTENT_LENGTH`, 1 MiB by default: 413); JSON nested past Python's recursion limit, or
with an integer beyond SQLite's 64 bits, is a bad body (400) rather than a RecursionError or an
OverflowError deep in a query; and path integers are bounded the same way (a counter number of 30
digits matches no route: 404).

The secret key signs the session cookies: whoever guesses it can sign in as anyone. A key from
`QMS_SECRET_KEY` shorter than 32 characters, made of few distinct
characters ("aaaa...", "1212..."), or holding a placeholder's words ("change-me-secret-key..."),
stops the server from starting, with a message saying how to
make a good one (test apps excepted). The one generated into instance/secret_key is 64 random hex
digits, readable by its owner only.

A stranger's malformed Socket.IO packets cost a line of log, not a traceback each: engineio,
python-socketio and gunicorn log what their packet parsers choke on as errors with the whole stack,
so a loop of bad packets would fill the disk and bury real errors. `BadPacketLog` turns such a
record (an exception raised inside engineio or socketio, below any of our code) into one warning
line, at most BAD_PACKET_LINES a minute, with the count of those left out; an exception raised in
our own handlers keeps its traceback.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # a track page's URL is the visitor's key: it stays home
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
SESSION_HOURS = 12  # one clerk's shift
SQLITE_INTEGER_MAX = 2**63 - 1
MAX_CONTENT_LENGTH = 1024 * 1024  # JSON commands are small; a center file is a few kB
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_DISTINCT = 8  # a random key of 32 characters has ~14 distinct hex digits or more
# Words of the placeholders that guides and examples print ("change-me-to-a-long-secret-key"):
# a key copied from one is known to everyone who read it. A random key never holds them.
PLACEHOLDER_WORDS = ("change", "secret", "default", "example", "replace", "password", "your")


BAD_PACKET_LINES = 10  # a minute: enough to see an attack, too few to fill a disk
PACKET_LOGGERS = ("engineio.server", "socketio.server", "gunicorn.error")
_PROJECT = str(Path(__file__).resolve().parent)


class WeakSecretKey(ValueError):
    """The configured secret key could be guessed: the server refuses to start with it."""


def register_security(app: Flask) -> None:
    """Bound the input, set the session cookie's rules and lifetime, add the headers.

    Call it before the blueprints are registered: routes take their converters when added.
    """
    check_secret_key(app)
    quiet_bad_packets()
    app.url_map.converters["int"] = SQLiteInteger
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.json.loads = _bounded_json(app.json.loads)  # type: ignore[method-assign]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False  # the lifetime counts from signing in
    app.permanent_session_lifetime = timedelta(
        hours=float(app.config.get("SESSION_HOURS", SESSION_HOURS))
    )
    app.session_interface = SessionCookie()
    app.after_request(add_security_headers)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops < 0:
        raise ValueError(f"QMS_PROXY_HOPS must be 0 or more, not {hops}.")
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def check_secret_key(app: Flask) -> None:
    """Refuse a guessable `QMS_SECRET_KEY` (unless a test's own mapping replaced it).

    Without one, prepare() generates a random key into instance/secret_key.
    """
    text = os.environ.get("QMS_SECRET_KEY", "")
    if app.testing or not text or str(app.config.get("SECRET_KEY")) != text:
        return
    if len(text) < SECRET_KEY_MIN_LENGTH:
        problem = f"is {len(text)} characters long; it needs {SECRET_KEY_MIN_LENGTH} or more"
    elif len(set(text)) < SECRET_KEY_MIN_DISTINCT:
        problem = f"is made of only {len(set(text))} different characters; it must be random"
    elif any(word in text.lower() for word in PLACEHOLDER_WORDS):
        problem = "looks like a placeholder copied from an example; it must be random"
    else:
        return
    raise WeakSecretKey(
        f"QMS_SECRET_KEY {problem}, or anyone could sign session cookies. Make one with\n"
        "  python -c 'import secrets; print(secrets.token_hex(32))'\n"
        "or unset it: the server then keeps a random key in instance/secret_key."
    )


def quiet_bad_packets() -> None:
    """Put one BadPacketLog on the loggers of engineio, socketio and gunicorn (once a process)."""
    for name in PACKET_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(known, BadPacketLog) for known in logger.filters):
            logger.addFilter(_BAD_PACKET_LOG)


class BadPacketLog(logging.Filter):
    """A malformed packet's error, as one rate-limited warning line without its traceback."""

    def __init__(
        self, per_minute: int = BAD_PACKET_LINES, clock: Callable[[], float] = time.monotonic
    ):
        super().__init__()
        self.per_minute = per_minute
        self.clock = clock
        self.window_start = float("-inf")
        self.lines = self.left_out = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        if exception is None or not raised_by_the_protocol(exception):
            return True
        with self._lock:
            moment, earlier = self.clock(), 0
            if moment - self.window_start >= 60:
                self.window_start, self.lines, earlier, self.left_out = moment, 0, self.left_out, 0
            if self.lines >= self.per_minute:
                self.left_out += 1
                return False
            self.lines += 1
        record.msg = "refused a malformed Socket.IO packet: %s %.100r%s"
        record.args = (
            type(exception).__name__,
            str(exception),
            f" ({earlier} more in the minute before were not logged)" if earlier else "",
        )
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def raised_by_the_protocol(exception: BaseException) -> bool:
    """Whether the exception rose in engineio's or socketio's code below every frame of ours."""
    ours = protocol = -1
    for index, (frame, _line) in enumerate(traceback.walk_tb(exception.__traceback__)):
        file = frame.f_code.co_filename
        if "/engineio/" in file or "/socketio/" in file:
            protocol = index
        elif file.startswith(_PROJECT) and "site-packages" not in file:
            ours = index
    return protocol > ours


_BAD_PACKET_LOG = BadPacketLog()


class SQLiteInteger(IntegerConverter):
    """`<int:...>` limited to what SQLite can store; larger numbers match no route (404)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        lowest = -SQLITE_INTEGER_MAX - 1 if min is None else min
        highest = SQLITE_INTEGER_MAX if max is None else max
        super().__init__(map, fixed_digits, lowest, highest, signed)


def _bounded_json(loads: Callable[..., Any]) -> Callable[..., Any]:
    """Make JSON the database cannot hold a ValueError, which Flask answers as a bad body.

    `[[[[...]]]]` past the recursion limit, and integers outside SQLite's 64 bits (a ticket id
    of 20 digits would otherwise reach a query and raise OverflowError there).
    """

    def guarded(text: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads(text, **{"parse_int": _sqlite_int, **kwargs})
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error

    return guarded


def _sqlite_int(digits: str) -> int:
    value = int(digits)
    if not -SQLITE_INTEGER_MAX - 1 <= value <= SQLITE_INTEGER_MAX:
        raise ValueError(f"integer out of range: {digits[:30]}")
    return value


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure when the request came over HTTPS as well."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def add_security_headers(response: Response) -> Response:
    """The same headers on every page, file and API answer; API answers are never cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
