"""The database's `flask --app server ...` commands an operator runs (design.md section 7).

Registered by cli.py. Each opens the center's database only when it runs (never for `--help`),
and creates or upgrades its schema first, as the server does when it starts.
"""

from __future__ import annotations

import getpass
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlite_utils
from flask import current_app
from flask.cli import with_appcontext

from core.center import load_center
from core.configuration import Change
from core.configuration.devices import pair_device
from core.devices import KINDS, start_pairing
from core.errors import QueueError
from core.fields import checked
from core.items import StaffName
from core.sessions import end_user_sessions
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
        end_user_sessions(database, username, now=datetime.now(UTC), why="password")
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


@click.command("pair-device")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("target", required=False)
@click.option("--name", help="What the admin pages call it, e.g. 'Kiosk sảnh chính'.")
@click.option("--code", help="Pair the device showing this code, instead of making a token.")
@with_appcontext
def pair_device_command(kind: str, target: str | None, name: str | None, code: str | None) -> None:
    """Pair a device: KIND kiosk|display|counter_screen|tablet|print_agent, TARGET its kiosk id,
    counter number or display id (none for a display of the whole hall).

    Without --code, prints a new device token, shown once: give it to a print agent (--token),
    or open a kiosk's or tablet's page with #device=TOKEN at the end of its address.
    """
    database = _database()
    moment = datetime.now(UTC)
    try:
        pairing = None if code else start_pairing(database, now=moment)
        device = pair_device(
            database,
            Change(actor=f"command-line:{getpass.getuser()}", now=moment, reason="pair-device"),
            code=code or (pairing.code if pairing else ""),
            kind=kind,
            target=target,
            name=name,
        )
    except QueueError as error:
        raise click.ClickException(error.message) from error
    if pairing is not None:
        click.echo(pairing.token)
    else:
        click.echo(f"Paired device {device['id']} as {kind} {device['target'] or ''}".rstrip())
