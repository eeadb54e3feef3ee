"""docs/http-api.md against the app: every route served is in it, described outside the
generated route index, and every route it names is served; the index is what the code writes."""

from __future__ import annotations

import re
from typing import Any

from api.reference import BEGIN, END, api_routes, doc_path, route_index
from tests.helpers.docs import code_spans, read

STATIC_ENDPOINT = re.compile(r"(^|\.)static$")
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
