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


# --- docs/events.md -----------------------------------------------------------------------------

EVENT_NAME = re.compile(r"[a-z][a-z_]*")


def socket_names() -> tuple[set[str], set[str]]:
    """(namespaces, event names) of realtime: its UPPER_CASE text constants, "/..." being
    namespaces and snake_case words events, plus any name emitted as a literal. Read from the
    module (or package) rather than listed here, so a reorganised realtime still answers."""
    import ast
    import importlib
    import inspect
    import pkgutil

    import realtime

    modules = [realtime]
    if hasattr(realtime, "__path__"):
        modules += [
            importlib.import_module(f"realtime.{info.name}")
            for info in pkgutil.iter_modules(realtime.__path__)
        ]
    namespaces: set[str] = set()
    events: set[str] = set()
    for module in modules:
        for name, value in vars(module).items():
            if not (name.isupper() and isinstance(value, str)):
                continue
            if value.startswith("/"):
                namespaces.add(value)
            elif EVENT_NAME.fullmatch(value):
                events.add(value)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "emit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                events.add(node.args[0].value)
    return namespaces, events


def test_every_namespace_and_event_is_in_the_events_reference() -> None:
    namespaces, events = socket_names()
    assert {"/display", "/counter", "/kiosk"} <= namespaces, "realtime's names were not found"
    assert {"called", "board", "services"} <= events, "realtime's names were not found"
    documented = set(code_spans(read("events.md")))
    missing = sorted((namespaces | events) - documented)
    assert not missing, f"namespaces or events missing from docs/events.md: {missing}"


def test_every_namespace_and_event_the_events_reference_describes_exists() -> None:
    namespaces, events = socket_names()
    page = read("events.md")
    described = set(re.findall(r"^### `([^`]+)`", page, re.MULTILINE))
    table = page[page.index("## Namespaces") : page.index("## Events")]
    rows = set(re.findall(r"^\| `(/[a-z_]+)`", table, re.MULTILINE))
    assert described and rows
    assert described <= events, f"docs/events.md describes unknown events: {described - events}"
    assert rows <= namespaces, f"docs/events.md lists unknown namespaces: {rows - namespaces}"
    assert events <= described, f"events with no section: {events - described}"
