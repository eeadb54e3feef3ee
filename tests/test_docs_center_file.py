"""docs/center-file.md against the loader: its examples load, and the keys it documents are the
keys the loader reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.helpers.docs import read

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
