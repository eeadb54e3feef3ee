"""docs/commands.md against the `flask --app server` commands: every command and option is in
it, and every one it describes exists."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers.docs import read

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
