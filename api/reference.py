"""The route index of docs/http-api.md, written from the app's routes and the same `documented`
metadata (summary, body model, answers, access) that writes /api/openapi.json.

The page's prose says what each answer holds; the index below it is generated, so a route added,
removed or re-documented in the code shows up as a stale page in tests/test_docs_http_api.py:

    .venv/bin/python -m api.reference            # rewrite the index in docs/http-api.md
    .venv/bin/python -m api.reference --check    # exit 1 when the page is out of date

Not imported by the app: it only reads it.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

DOC = Path(__file__).resolve().parent.parent / "docs" / "http-api.md"
BEGIN = "<!-- route index: written by `python -m api.reference` from the code; do not edit -->"
END = "<!-- end of route index -->"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_]+)>")


def doc_path(rule: str) -> str:
    """A Flask rule as the docs write it: `<int:number>` becomes `<number>`."""
    return CONVERTER.sub(r"<\1>", rule)


def api_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) the app serves under /api, in the docs' spelling, sorted."""
    return sorted(
        (method, doc_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) - IGNORED_METHODS
    )


def route_index(app: Flask) -> str:
    """The markdown table of every /api route: who may call it, its body and its answers."""
    lines = [
        "| method, path | who | what | body | answers |",
        "|---|---|---|---|---|",
    ]
    rows = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        info: dict[str, Any] | None = getattr(app.view_functions[rule.endpoint], "openapi", None)
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            rows.append((doc_path(rule.rule), method, info))
    for path, method, info in sorted(rows, key=lambda row: (row[0], row[1])):
        if info is None:
            lines.append(f"| `{method} {path}` | ? | (not in /api/openapi.json) | | |")
            continue
        responses = sorted(info["responses"].items())
        answers = "; ".join(f"{status} {text}" for status, text in responses)
        cells = (
            f"`{method} {path}`",
            info["access"],
            info["summary"],
            _body_fields(info["body"]),
            answers,
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _body_fields(model: Any) -> str:
    """A body model's keys, `?` after the optional ones: `service, priority?, kiosk?`."""
    if model is None:
        return ""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return ", ".join(
        f"`{name}`" if name in required else f"`{name}?`" for name in schema.get("properties", {})
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def with_index(page: str, app: Flask) -> str:
    """The page with its generated block replaced by the current route index."""
    start, end = page.index(BEGIN) + len(BEGIN), page.index(END)
    return page[:start] + "\n\n" + route_index(app) + "\n" + page[end:]


def reference_app() -> Flask:
    """An app on a throw-away database: only its routes are read."""
    from server import create_app

    folder = tempfile.mkdtemp(prefix="qms-reference-")
    return create_app(
        {"TESTING": True, "DATABASE": f"{folder}/qms.db", "SECRET_KEY": "reference-only"}
    )


def main(argv: list[str]) -> int:
    page = DOC.read_text(encoding="utf-8")
    current = with_index(page, reference_app())
    if "--check" in argv:
        if current != page:
            print(f"{DOC} is out of date: run python -m api.reference", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(current, encoding="utf-8")
    print(f"Wrote the route index of {DOC}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
