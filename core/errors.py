"""Domain errors: each carries a stable code for the API and a human message for the clerk."""

from __future__ import annotations


class QueueError(Exception):
    """A request the queue cannot honour; `status` is the HTTP status that fits it."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(QueueError):
    status = 400
    code = "invalid"


class NotFound(QueueError):
    status = 404
    code = "not_found"


class Conflict(QueueError):
    """The state forbids it now: next while serving, a closed service, a counter held by another."""

    status = 409
    code = "conflict"


class TooMany(QueueError):
    """One client already holds as many of something as it may at once (pending pairing
    codes); one of them lapses in `retry_after_s`."""

    status = 429
    code = "too_many"

    def __init__(self, message: str, code: str | None = None, *, retry_after_s: int) -> None:
        super().__init__(message, code)
        self.retry_after_s = retry_after_s


class CenterFileError(QueueError):
    """A center file that cannot be loaded; the message names the bad item."""

    status = 400
    code = "center_file"
