"""docs/events.md against realtime: every Socket.IO namespace and event is in it, and every one it
describes exists."""

from __future__ import annotations

import re

from tests.helpers.docs import code_spans, read

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
