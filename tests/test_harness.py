"""The loopback harness: benchmarks run without the test suite, and a served port stays held."""

from __future__ import annotations

import ast
import os
import socket
from pathlib import Path

import pytest

from harness.server import ROOT, flask_command, serve

DEMO_CENTER = ROOT / "centers" / "can-tho.toml"


def imported_modules(path: Path) -> set[str]:
    """Return the modules a Python file imports, at any depth of its code."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_imported_modules_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text("import os\n\ndef late():\n    from tests import servers\n")
    assert imported_modules(source) == {"os", "tests"}


@pytest.mark.parametrize("package", ["bench", "harness"])
def test_benchmarks_and_harness_import_nothing_from_the_tests(package: str) -> None:
    files = sorted((ROOT / package).glob("*.py"))
    assert any(path.stat().st_size for path in files), f"no code found in {package}/"
    offenders = {
        path.name: sorted(name for name in imported_modules(path) if name.split(".")[0] == "tests")
        for path in files
    }
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.slow
def test_the_served_port_is_held_while_serving_and_the_server_stops_after(tmp_path: Path) -> None:
    flask_command(tmp_path / "qms.db", "load-config", str(DEMO_CENTER))
    with serve(tmp_path / "qms.db", tmp_path / "gunicorn.log") as served:
        port = int(served.url.rsplit(":", 1)[1])
        with socket.socket() as intruder, pytest.raises(OSError):
            intruder.bind(("127.0.0.1", port))
    with pytest.raises(ProcessLookupError):
        os.kill(served.pid, 0)
