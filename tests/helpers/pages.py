"""Reading rendered pages in tests: tags with their attributes, the JSON blocks scripts read, and
the checks every page must pass."""

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


def assert_no_inline_code(page: Page) -> None:
    """Check that the page has scripts, all from files (or JSON data), and no inline style or
    event handler: the Content-Security-Policy would block them."""
    scripts = [attributes for tag, attributes in page.tags if tag == "script"]
    assert scripts
    for attributes in scripts:
        assert attributes.get("src") or attributes.get("type") == "application/json", attributes
    for tag, attributes in page.tags:
        assert tag != "style"
        assert "style" not in attributes, tag
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)


def section_links(page: Page) -> list[str]:
    """The admin sections the page links to (the brand's link to /admin/ aside)."""
    hrefs = [attributes.get("href") or "" for tag, attributes in page.tags if tag == "a"]
    return [href for href in hrefs if href.startswith("/admin/") and href != "/admin/"]
