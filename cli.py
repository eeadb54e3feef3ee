"""Every `flask --app server <command>`, registered here and nowhere else (README "Commands").

Each command is written beside what it works on (the database's in db/commands.py, the demo in
db/demo.py, the printers' in kiosk/, the voice's in display/); this is the one list the app
registers, and the one tests/test_commands.py holds against the README's table.

Building the app writes nothing, so every command's `--help` changes nothing; a command that needs
the database opens (and migrates) it itself when it runs. The commands that run away from the
server also have an entry point of their own that does not build the app at all:
`python -m kiosk.agent` on a kiosk PC, `python -m display.commands` for the voice.
"""

from __future__ import annotations

import click
from flask import Flask


def commands() -> list[click.Command]:
    from db.backups import backup, restore
    from db.commands import (
        create_token_command,
        create_user_command,
        init_db,
        load_config,
        pair_device_command,
        set_password_command,
    )
    from db.demo import demo
    from db.export import export_config
    from db.history import demo_history
    from db.retention import purge
    from display.commands import build_voice
    from kiosk.agent import print_agent
    from kiosk.commands import print_sample

    return [
        init_db,
        load_config,
        export_config,
        create_user_command,
        set_password_command,
        create_token_command,
        pair_device_command,
        backup,
        restore,
        purge,
        demo,
        demo_history,
        print_sample,
        build_voice,
        print_agent,
    ]


def register(app: Flask) -> None:
    for command in commands():
        app.cli.add_command(command)
