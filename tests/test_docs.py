"""The contract beside the code: docs/ says what the code does, and these tests fail when they part.

Each check reads the names from the code (routes, Socket.IO constants, the loader's keys, the
commands) rather than from a list kept here, so a new route, event, key or command that is not
documented fails here, and so does a documented one that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

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


# --- docs/center-file.md ------------------------------------------------------------------------

TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
TABLE_HEADING = re.compile(r"^## `\[\[?([a-z_.]+)\]\]?`", re.MULTILINE)
KEY_ROW = re.compile(r"^\| `([a-z_]+)` \|", re.MULTILINE)
Path_ = tuple[str, ...]


class ReadingTable(dict):  # type: ignore[type-arg]
    """A table of a center file that notes each key the loader asks it for."""

    def __init__(self, items: dict[str, Any], where: Path_, seen: set[tuple[Path_, str]]) -> None:
        super().__init__(items)
        self.where, self.seen = where, seen

    def get(self, key: Any, default: Any = None) -> Any:
        self.seen.add((self.where, key))
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.seen.add((self.where, key))
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self.seen.add((self.where, key))
        return super().__contains__(key)


def reading(value: Any, where: Path_, seen: set[tuple[Path_, str]]) -> Any:
    if isinstance(value, dict):
        items = {key: reading(item, (*where, key), seen) for key, item in value.items()}
        return ReadingTable(items, where, seen)
    if isinstance(value, list):  # the items of an array of tables share its path
        return [reading(item, where, seen) for item in value]
    return value


def load_into_new_database(data: Any, folder: Path) -> dict[str, int]:
    """Load a parsed center file with the real loader, as `flask load-config` does."""
    from core.center import load_center
    from db import connect, migrate
    from kiosk.printing import parse_printer_url

    database = connect(folder / "center.db")
    migrate(database)
    try:
        return load_center(database, data, check_printer=parse_printer_url)
    finally:
        database.conn.close()


def loader_keys(data: dict[str, Any], folder: Path) -> dict[Path_, set[str]]:
    """The keys the loader accepts, by table path (`()` the top level, `("services", "hours")`).

    The one place that knows how the loader is built. With declared item models (core.items'
    CenterFile), their fields are the keys. Without them, the loader asks each table with
    get/[]/in, so loading `data` through tables that note the questions finds its keys (the
    optional ones the example leaves out included).
    """
    try:
        from core.items import CenterFile
    except ImportError:
        return _keys_asked_by_the_loader(data, folder)
    from core.schedule import FILE_DAY_KEYS

    keys: dict[Path_, set[str]] = {}
    _model_keys(CenterFile, (), keys)
    keys[("services", "hours")] = set(FILE_DAY_KEYS)  # the hours' days: a table, not a model
    return keys


def _model_keys(model: Any, where: Path_, keys: dict[Path_, set[str]]) -> None:
    from typing import get_args

    from pydantic import BaseModel

    def models_in(annotation: Any) -> list[Any]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [model for arg in get_args(annotation) for model in models_in(arg)]

    keys.setdefault(where, set()).update(model.model_fields)
    for name, field in model.model_fields.items():
        for inner in models_in(field.annotation):
            _model_keys(inner, (*where, name), keys)


def _keys_asked_by_the_loader(data: dict[str, Any], folder: Path) -> dict[Path_, set[str]]:
    seen: set[tuple[Path_, str]] = set()
    load_into_new_database(reading(data, (), seen), folder)
    keys: dict[Path_, set[str]] = {}
    for where, key in seen:
        keys.setdefault(where, set()).add(key)
    assert {"name", "language"} <= keys.get(("center",), set()), (
        "the loader no longer reads its tables key by key: adapt loader_keys() in this file"
    )
    return keys


def documented_keys(page: str) -> dict[Path_, set[str]]:
    """Per table heading of docs/center-file.md, the keys of its table rows; () the tables."""
    headings = list(TABLE_HEADING.finditer(page))
    keys: dict[Path_, set[str]] = {(): {m[1].split(".")[0] for m in headings}}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        section = page[heading.end() : following.start() if following else len(page)]
        section = section.split("\n## ")[0]
        keys[tuple(heading[1].split("."))] = set(KEY_ROW.findall(section))
    return keys


def center_file_examples() -> list[str]:
    blocks = TOML_BLOCK.findall(read("center-file.md"))
    assert blocks, "docs/center-file.md has no ```toml example"
    return blocks


def test_the_center_file_examples_load_with_the_real_loader(tmp_path: Path) -> None:
    import tomllib

    for index, example in enumerate(center_file_examples()):
        folder = tmp_path / str(index)
        folder.mkdir()
        counts = load_into_new_database(tomllib.loads(example), folder)
        assert counts["services"] and counts["counters"]


def test_every_key_the_loader_reads_is_documented(tmp_path: Path) -> None:
    import tomllib

    documented = documented_keys(read("center-file.md"))
    for index, example in enumerate(center_file_examples()):
        folder = tmp_path / str(index)
        folder.mkdir()
        for where, keys in loader_keys(tomllib.loads(example), folder).items():
            missing = keys - documented.get(where, set())
            assert not missing, f"docs/center-file.md lacks [{'.'.join(where)}] {sorted(missing)}"


def test_every_key_documented_is_read_by_the_loader(tmp_path: Path) -> None:
    import tomllib

    read_keys: dict[Path_, set[str]] = {}
    for index, example in enumerate(center_file_examples()):
        folder = tmp_path / str(index)
        folder.mkdir()
        for where, keys in loader_keys(tomllib.loads(example), folder).items():
            read_keys.setdefault(where, set()).update(keys)
    for where, keys in documented_keys(read("center-file.md")).items():
        strangers = keys - read_keys.get(where, set())
        assert not strangers, f"the loader reads no [{'.'.join(where)}] {sorted(strangers)}"


# --- docs/commands.md ---------------------------------------------------------------------------

COMMAND_HEADING = re.compile(r"^## `([a-z][a-z-]*)`", re.MULTILINE)


def registered_commands(app: Any) -> dict[str, Any]:
    """The app's `flask --app server` commands, by name, as click lists them."""
    import click

    context = click.Context(app.cli)
    return {name: app.cli.get_command(context, name) for name in app.cli.list_commands(context)}


def command_sections() -> dict[str, str]:
    page = read("commands.md")
    headings = list(COMMAND_HEADING.finditer(page))
    return {
        heading[1]: page[heading.end() : following.start() if following else len(page)]
        for heading, following in zip(headings, [*headings[1:], None], strict=True)
    }


def command_params(command: Any) -> list[tuple[str, list[str]]]:
    return [(param.name, list(param.opts)) for param in command.params]


def test_every_command_is_in_the_commands_reference(app: Any) -> None:
    commands = registered_commands(app)
    assert {"init-db", "load-config", "backup"} <= set(commands)
    missing = sorted(set(commands) - set(command_sections()))
    assert not missing, f"commands missing from docs/commands.md: {missing}"


@pytest.mark.parametrize("name", COMMAND_HEADING.findall(read("commands.md")))
def test_every_command_the_commands_reference_describes_exists(app: Any, name: str) -> None:
    assert name in registered_commands(app), f"docs/commands.md describes no command {name!r}"


def test_every_option_of_every_command_is_documented(app: Any) -> None:
    sections = command_sections()
    for name, command in registered_commands(app).items():
        documented = set(re.findall(r"`(--?[a-z][a-z-]*)`", sections.get(name, "")))
        for _param, opts in command_params(command):
            if opts and opts[0].startswith("-"):
                assert set(opts) & documented, f"docs/commands.md: {name} lacks {opts}"


def test_every_option_documented_exists(app: Any) -> None:
    commands = registered_commands(app)
    for name, section in command_sections().items():
        if name not in commands:
            continue  # the test above says so
        accepted = {opt for _param, opts in command_params(commands[name]) for opt in opts}
        table_options = set(re.findall(r"^\| `(--?[a-z][a-z-]*)`", section, re.MULTILINE))
        strangers = sorted(table_options - accepted)
        assert not strangers, f"docs/commands.md: {name} has no option {strangers}"


# --- docs/budgets.md ----------------------------------------------------------------------------


def design_section(number: int) -> str:
    page = read("design.md")
    start = page.index(f"\n## {number}. ")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


def test_every_budget_of_the_design_is_in_the_budgets_page() -> None:
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", design_section(8), re.MULTILINE)
    budgets = [(what, budget) for what, budget in rows if what not in ("what", "---")]
    assert len(budgets) >= 7
    page = read("budgets.md")
    for what, budget in budgets:
        assert f"| {what} | {budget} |" in page, f"docs/budgets.md lacks the budget {what!r}"


def test_the_budgets_page_names_every_benchmark_and_only_real_ones() -> None:
    page = read("budgets.md")
    named = set(re.findall(r"bench/[a-z_]+\.py", page))
    scripts = {f"bench/{path.name}" for path in (ROOT / "bench").glob("bench_*.py")}
    assert scripts, "no benchmark found in bench/"
    assert scripts <= named, f"benchmarks missing from docs/budgets.md: {sorted(scripts - named)}"
    strangers = sorted(name for name in named if not (ROOT / name).is_file())
    assert not strangers, f"docs/budgets.md names benchmarks that do not exist: {strangers}"


# --- links and citations ------------------------------------------------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")
SECTION_CITED = re.compile(
    r"design\.md(?:'s)? (?:section|§) ?(\d+)|design\.md sections (\d+) and (\d+)"
)
SKIPPED_FOLDERS = {".venv", ".git", "node_modules", "vendor", "instance", "__pycache__"}


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {slug(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def pages_with_links() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", pages_with_links(), ids=lambda path: path.name)
def test_every_link_between_the_pages_leads_somewhere(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, mailto:: not ours to check offline
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        assert destination.exists(), f"{page.name}: {target} leads to no file"
        if anchor and destination.suffix == ".md":
            assert anchor in anchors(destination), f"{page.name}: {target} leads to no heading"


def cited_sections() -> dict[int, list[str]]:
    """The sections of design.md cited anywhere in the code, the pages and the README."""
    import os

    cited: dict[int, list[str]] = {}
    suffixes = (".py", ".js", ".html", ".md", ".toml")
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        for name in files:
            if not name.endswith(suffixes):
                continue
            path = Path(folder) / name
            for match in SECTION_CITED.finditer(path.read_text(encoding="utf-8", errors="replace")):
                for number in filter(None, match.groups()):
                    cited.setdefault(int(number), []).append(str(path.relative_to(ROOT)))
    return cited


def test_every_design_section_the_code_cites_is_in_the_design() -> None:
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", read("design.md"), re.MULTILINE)}
    cited = cited_sections()
    assert cited, "no 'design.md section N' found: has the citation form changed?"
    unknown = {number: places for number, places in cited.items() if number not in sections}
    assert not unknown, f"sections cited but missing from docs/design.md: {unknown}"
