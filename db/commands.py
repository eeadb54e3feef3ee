"""The database's `flask --app server ...` commands an operator runs (design.md section 7).

Registered by cli.py. Each opens the center's database only when it runs (never for `--help`),
and creates or upgrades its schema first, as the server does when it starts.
"""

from __future__ import annotations

import getpass
import sqlite3
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlite_utils
from flask import current_app
from flask.cli import with_appcontext

from core.center import load_center
from core.errors import QueueError
from core.fields import checked
from core.items import StaffName
from core.users import create_token, create_user, set_password
from core.vocabulary import ROLES
from db import connect, migrate


def _database() -> sqlite_utils.Database:
    """The center's database, its schema created or upgraded."""
    database = connect(current_app.config["DATABASE"])
    migrate(database)
    return database


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema."""
    applied = migrate(connect(current_app.config["DATABASE"]))
    click.echo(
        f"Database {current_app.config['DATABASE']}: "
        f"{'applied ' + ', '.join(applied) if applied else 'up to date'}."
    )


@click.command("load-config")
@click.argument("center_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_config(center_file: Path) -> None:
    """Load a center file (TOML): departments, services, counters, kiosks. All or nothing."""
    from kiosk.printing import parse_printer_url

    try:
        data = tomllib.loads(center_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise click.ClickException(f"{center_file}: not valid TOML: {error}") from error
    database = _database()
    try:
        counts = load_center(
            database,
            data,
            check_printer=parse_printer_url,
            actor=f"load-config ({getpass.getuser()})",
            now=datetime.now(UTC),
        )
    except QueueError as error:
        raise click.ClickException(
            f"{center_file}: {error.message} Nothing was changed."
        ) from error
    click.echo(f"Loaded {center_file}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="The name shown over the counter (the counter screen).")
@with_appcontext
def create_user_command(username: str, role: str, password: str, name: str | None) -> None:
    """Add a staff account."""
    database = _database()
    try:
        shown = checked(StaffName, {"display_name": name}).display_name
        create_user(
            database,
            username,
            role=role,
            password=password,
            now=datetime.now(UTC),
            display_name=shown,
        )
    except QueueError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"User {username} ({role}) created.")


@click.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password_command(username: str, password: str) -> None:
    """Set a staff account's password (the first admin's, a forgotten one); signs it out."""
    database = _database()
    try:
        set_password(database, username, password)
    except QueueError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Password of {username} set; its sessions are signed out.")


@click.command("create-token")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@with_appcontext
def create_token_command(name: str, role: str) -> None:
    """Make a bearer token for a program (call button, dossier system); shown once."""
    database = _database()
    try:
        token = create_token(database, name, role=role, now=datetime.now(UTC))
    except QueueError as error:
        raise click.ClickException(error.message) from error
    click.echo(token)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(target: Path) -> None:
    """Copy the live database to FILE, consistently, while the server runs."""
    if target.exists():
        raise click.ClickException(f"{target} exists; choose a new file name.")
    if not Path(current_app.config["DATABASE"]).exists():
        raise click.ClickException(f"No database at {current_app.config['DATABASE']}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(current_app.config["DATABASE"])
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    destination.close()
    source.close()
    click.echo(f"Backed up {current_app.config['DATABASE']} to {target}.")
