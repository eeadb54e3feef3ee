"""Every API error is `{"error": code, "message": text}` with a 4xx; never a traceback.

One 5xx is part of the contract: when the database cannot be written (a full disk, a file or
filesystem made read-only, an I/O error) the answer is 503 `{"error": "storage"}` (design.md
section 9). Nothing was answered as done, so nothing is lost; the client may try again once the
disk is fixed, and the server needs no restart.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from limits import RateLimitItemPerDay
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from api import bp
from core.errors import QueueError, TooMany
from core.fields import explain

log = logging.getLogger(__name__)
MAX_MESSAGE = 500  # characters: a message names one problem; a stranger's megabyte is cut short


def error(status: int, code: str, message: str) -> ResponseReturnValue:
    """The answer to a refused request; its message is capped (it may quote the request)."""
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return jsonify(error=code, message=message), status


@bp.errorhandler(QueueError)
def queue_error(exception: QueueError) -> ResponseReturnValue:
    answer = error(exception.status, exception.code, exception.message)
    if isinstance(exception, TooMany):  # the client may come back when one of its own lapses
        return *answer, {"Retry-After": str(exception.retry_after_s)}  # type: ignore[misc]
    return answer


@bp.errorhandler(ValidationError)
def validation_error(exception: ValidationError) -> ResponseReturnValue:
    """A body the models refuse: the first refusal, with its code ("range", "code", ...)."""
    code, _place, message = explain(exception)
    return error(400, code, message if message.endswith(".") else f"{message}.")


def _http_error(exception: HTTPException) -> Any:
    if not request.path.startswith("/api/"):
        return exception
    if exception.code == 429 and _per_day(exception):
        log.warning("ticket door: %s reached the daily cap", request.remote_addr)
        return error(
            429,
            "daily_limit",
            "This device has taken as many tickets as one device may take today; "
            "please ask at the information desk.",
        )
    if exception.code == 429:
        return error(
            429,
            "rate_limited",
            f"Too many requests from this device ({exception.description}); "
            "please wait a moment and try again.",
        )
    code = (exception.name or "error").lower().replace(" ", "_")
    return error(exception.code or 500, code, exception.description or exception.name)


# SQLite's words for a database it cannot write (SQLITE_FULL, SQLITE_READONLY*, SQLITE_IOERR*,
# SQLITE_CANTOPEN): faults of the machine's storage, not of the request.
STORAGE_FAULTS = (
    "database or disk is full",
    "readonly database",
    "disk i/o error",
    "unable to open database file",
)


STORAGE_MESSAGE = (
    "The server cannot save right now (its disk is full or read-only); nothing was saved."
)


def storage_fault(exception: BaseException) -> bool:
    """Whether an error is the storage failing rather than a defect or a bad request."""
    if not isinstance(exception, sqlite3.DatabaseError):  # OperationalError is one
        return False
    text = str(exception).lower()
    return any(words in text for words in STORAGE_FAULTS)


def _storage_error(exception: Exception) -> Any:
    from db.web import discard_db

    discard_db()  # a connection that met an I/O error is not given to the next request
    log.error("storage fault on %s %s: %s", request.method, request.path, exception)
    message = STORAGE_MESSAGE
    if not request.path.startswith("/api/"):
        return message, 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "30"}
    return jsonify(error="storage", message=message), 503, {"Retry-After": "30"}


def _per_day(exception: HTTPException) -> bool:
    """Whether the limit reached is a day's (the ticket door's QMS_TICKET_DAILY_LIMIT)."""
    reached = getattr(getattr(exception, "limit", None), "limit", None)
    return isinstance(reached, RateLimitItemPerDay)


def _server_error(exception: Exception) -> Any:
    if storage_fault(exception):
        return _storage_error(exception)
    if isinstance(exception, HTTPException):
        return _http_error(exception)
    if isinstance(exception, QueueError):  # raised by a page view: answer it, in words
        if request.path.startswith("/api/"):
            return queue_error(exception)
        return exception.message, exception.status, {"Content-Type": "text/plain; charset=utf-8"}
    log.exception("unexpected error on %s %s", request.method, request.path)
    if not request.path.startswith("/api/"):
        return "Internal error", 500
    return error(500, "internal", "Something went wrong on the server; it has been logged.")


@bp.record_once
def _register_app_handlers(state: Any) -> None:
    app: Flask = state.app
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
