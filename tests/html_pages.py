"""Reading rendered pages in tests: tags with their attributes, and the JSON blocks scripts read."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with their attributes, and JSON blocks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_blocks: dict[str, Any] = {}
        self._json_id: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script" and attributes.get("type") == "application/json":
            self._json_id = attributes.get("id")

    def handle_data(self, data: str) -> None:
        if self._json_id:
            self.json_blocks[self._json_id] = json.loads(data)
            self._json_id = None

    def first(self, tag: str, **wanted: str) -> dict[str, str | None]:
        for name, attributes in self.tags:
            if name == tag and all(attributes.get(k) == v for k, v in wanted.items()):
                return attributes
        raise AssertionError(f"no <{tag} {wanted}>")


def render(client: Any, path: str) -> tuple[str, Page]:
    answer = client.get(path)
    assert answer.status_code == 200, path
    html = answer.get_data(as_text=True)
    return html, Page(html)
