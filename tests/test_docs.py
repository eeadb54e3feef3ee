"""The contract beside the code: docs/ says what the code does, and these tests fail when they part.

Each check reads the names from the code (routes, Socket.IO constants, the loader's keys, the
commands) rather than from a list kept here, so a new route, event, key or command that is not
documented fails here, and so does a documented one that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from api.reference import BEGIN, END, api_routes, doc_path, route_index

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
STATIC_ENDPOINT = re.compile(r"(^|\.)static$")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


# --- docs/http-api.md ---------------------------------------------------------------------------

ROUTE = re.compile(r"\b(GET|POST|PUT|DELETE|PATCH) (/[^\s`|,?]*)")


def documented_routes(text: str) -> set[tuple[str, str]]:
    """(method, path) pairs the page names, `PUT`/`DELETE /api/x` written out as both."""
    found = set()
    for span in code_spans(text):
        for method, path in ROUTE.findall(span):
            found.add((method, path.rstrip(".")))
    # "`PUT`/`DELETE /api/admin/counters/<number>`": a method alone before a route.
    for methods, path in re.findall(r"((?:`(?:GET|POST|PUT|DELETE)`/)+)`[A-Z]+ (/[^`\s]+)`", text):
        for method in re.findall(r"[A-Z]+", methods):
            found.add((method, path))
    return found


def page_routes(app: Any) -> set[tuple[str, str]]:
    """The app's routes outside /api, static files left out."""
    return {
        (method, doc_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/") and not STATIC_ENDPOINT.search(rule.endpoint)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_is_in_the_http_reference(app: Any) -> None:
    documented = documented_routes(read("http-api.md"))
    missing = [route for route in api_routes(app) if route not in documented]
    assert not missing, f"routes missing from docs/http-api.md: {missing}"


def test_every_api_route_is_described_outside_the_generated_index(app: Any) -> None:
    page = read("http-api.md")
    prose = page[: page.index(BEGIN)] + page[page.index(END) :]
    missing = [route for route in api_routes(app) if route not in documented_routes(prose)]
    assert not missing, f"routes with no description in docs/http-api.md: {missing}"


def test_every_page_route_is_in_the_http_reference(app: Any) -> None:
    documented = documented_routes(read("http-api.md"))
    missing = sorted(page_routes(app) - documented)
    assert not missing, f"page routes missing from docs/http-api.md: {missing}"


def test_every_route_the_http_reference_names_exists(app: Any) -> None:
    served = set(api_routes(app)) | page_routes(app)
    strangers = sorted(documented_routes(read("http-api.md")) - served)
    assert not strangers, f"docs/http-api.md names routes the app does not serve: {strangers}"


def test_the_route_index_is_what_the_code_writes(app: Any) -> None:
    page = read("http-api.md")
    written = page[page.index(BEGIN) + len(BEGIN) : page.index(END)].strip()
    assert written == route_index(app).strip(), (
        "docs/http-api.md's route index is stale: run .venv/bin/python -m api.reference"
    )


def test_the_route_index_shows_each_routes_access_and_answers(app: Any) -> None:
    index = route_index(app)
    assert "| `POST /api/tickets` | public |" in index
    assert "`service`, `priority?`, `kiosk?`, `paper?`" in index
    assert "| `POST /api/counters/<number>/move` | supervisor |" in index
    assert "409 the counter's state forbids it" in index
