"""The demo's HTTP client: it sends what a kiosk, a terminal or a tablet sends, and tallies
every answer, so the demo can say what the server refused as well as what it did."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

NO_ANSWER = 0  # the status tallied when the server could not be reached
OK = (200, 201)


@dataclass
class Tally:
    """The server's answers per kind of request ("ticket", "next", ...) and status."""

    answers: Counter[tuple[str, int]] = field(default_factory=Counter)

    def count(self, kind: str, status: int) -> None:
        self.answers[kind, status] += 1

    def succeeded(self, kind: str) -> int:
        """How many requests of this kind did what they asked (200 or 201; 204 did nothing)."""
        return sum(n for (k, status), n in self.answers.items() if k == kind and status in OK)

    def refused(self) -> dict[str, int]:
        """The refusals by class: 429 (too many), the other 4xx, 5xx, and no answer at all."""
        classes = {"429": 0, "other 4xx": 0, "5xx": 0, "no answer": 0}
        for (_kind, status), n in self.answers.items():
            if status == 429:
                classes["429"] += n
            elif 400 <= status < 500:
                classes["other 4xx"] += n
            elif status >= 500:
                classes["5xx"] += n
            elif status == NO_ANSWER:
                classes["no answer"] += n
        return classes

    def report(self) -> list[str]:
        """Lines for the operator: the refusals' total by class, then by kind and status."""
        total = sum(self.answers.values())
        classes = self.refused()
        refused = sum(classes.values())
        if not refused:
            return [f"The server refused none of the demo's {total} requests."]
        lines = [
            f"The server refused {refused} of the demo's {total} requests ("
            + ", ".join(f"{name}: {n}" for name, n in classes.items())
            + ")."
        ]
        for (kind, status), n in sorted(self.answers.items()):
            if status >= 400 or status == NO_ANSWER:
                lines.append(f"  {kind}: {status or 'no answer'} x{n}")
        return lines


@dataclass
class DemoClient:
    """One simulated device: its own cookie jar and CSRF token, or a bearer token, and the token
    of the paired device it stands for (a kiosk), if any."""

    server: str
    tally: Tally
    token: str | None = None
    device: str | None = None
    csrf: str = ""
    opener: Any = field(init=False)

    def __post_init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def send(
        self,
        kind: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        device: str | None = None,
    ) -> tuple[int, Any]:
        """Send one request (as `device` when given: a counter's tablet); tally its answer under
        `kind`; answer (status, JSON body)."""
        headers = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if device or self.device:
            headers["X-Device-Token"] = str(device or self.device)
        request = urllib.request.Request(
            self.server + path, method=method, data=json.dumps(body or {}).encode(), headers=headers
        )
        status, answer = NO_ANSWER, None
        try:
            with self.opener.open(request, timeout=10) as response:
                text = response.read()
                status, answer = response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            status, answer = error.code, _json_or_none(error.read())
        except OSError as error:  # the server is down or restarting: say so at the end
            answer = {"message": str(error)}
        self.tally.count(kind, status)
        return status, answer


def _json_or_none(text: bytes) -> Any:
    try:
        return json.loads(text or b"null")
    except ValueError:
        return None
