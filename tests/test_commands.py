"""Every command the README documents exists, every registered command is documented, and a
command's `--help` changes nothing: no database, no instance secret, no admin account."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_FILES = ("secret_key", "qms.db", "qms.db-wal", "qms.db-shm")
PASSWORD = re.compile(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}")


def documented_commands() -> list[str]:
    """The first word of each row of the README's Commands table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Commands\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z][a-z-]*)[ `]", section, re.MULTILINE)


DOCUMENTED = documented_commands()


def test_the_readme_documents_every_registered_command_and_no_other(tmp_path: Path) -> None:
    from server import create_app

    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "qms.db"), "SECRET_KEY": "t"})
    assert len(DOCUMENTED) >= 10
    assert sorted(DOCUMENTED) == sorted(app.cli.commands)
    app.extensions["qms.pool"].close()


def instance_state() -> dict[str, Any]:
    """The files of instance/ that building the app used to write, as they stand."""
    instance = ROOT / "instance"
    return {
        name: (path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else None
        for name in INSTANCE_FILES
        for path in [instance / name]
    }


def run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a command from a fresh, empty directory, as on a new machine."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("QMS_ADMIN_PASSWORD", "QMS_SECRET_KEY")
    }
    environment |= {"QMS_DATABASE": str(tmp_path / "data" / "qms.db"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *command],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", DOCUMENTED)
def test_a_commands_help_changes_nothing(tmp_path: Path, command: str) -> None:
    before = instance_state()
    result = run(tmp_path, "-m", "flask", "--app", "server", command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: python -m flask {command} "), result.stdout
    assert list(tmp_path.iterdir()) == []  # no database, nor its folder
    assert instance_state() == before  # no secret written, no default database
    output = result.stdout + result.stderr
    assert "First start" not in output and not PASSWORD.search(output)


def test_the_print_agent_runs_on_its_own_without_the_server(tmp_path: Path) -> None:
    before = instance_state()
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['agent', '--help']\n"
        "try:\n"
        "    runpy.run_module('kiosk.agent', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print('server built' if 'server' in sys.modules else 'server untouched')\n"
    )
    result = run(tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert "--kiosk" in result.stdout and "--printer" in result.stdout
    assert result.stdout.rstrip().endswith("server untouched")
    assert list(tmp_path.iterdir()) == [] and instance_state() == before
    module = run(tmp_path, "-m", "kiosk.agent", "--help")
    assert module.returncode == 0 and "Usage: python -m kiosk.agent" in module.stdout


def test_a_documented_command_that_needs_the_database_makes_it_when_it_runs(
    tmp_path: Path,
) -> None:
    result = run(tmp_path, "-m", "flask", "--app", "server", "init-db")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "qms.db").exists()
    output = result.stdout + result.stderr
    assert "First start" not in output  # only the server makes the first admin
