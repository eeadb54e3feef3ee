"""A keep-alive HTTP client, as a kiosk, a counter terminal or a phone holds one, for the replayed
day's requests to the real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
from typing import Any

from harness.day_plan import PASSWORD


class Client:
    """A keep-alive HTTP client with the session cookie and CSRF header once signed in."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Content-Type": "application/json"}

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One request; on a keep-alive connection the server closed while idle (gunicorn keeps
        one 2 s), open a new one and send again, as a browser does."""
        payload = json.dumps(body) if body is not None else None
        try:
            self.connection.request(method, path, payload, self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()
            self.connection.request(method, path, payload, self.headers)
            response = self.connection.getresponse()
        text = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.headers["Cookie"] = cookie.split(";")[0]
        return response.status, json.loads(text) if text else None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.connection.close()

    def sign_in(self, username: str) -> None:
        status, answer = self.send(
            "POST", "/api/session", {"username": username, "password": PASSWORD}
        )
        assert status == 200, answer
        self.headers["X-CSRF-Token"] = answer["csrf_token"]
