"""Backups that restore: the consistent copy behind `flask --app server backup FILE`, the
scheduled backups of a running server (`QMS_BACKUP_DIR`), and `flask --app server restore FILE`.

A copy is SQLite's online backup of the live database (a consistent moment, while clerks write),
written to a private file (0600: it holds the staff's password hashes and the visitors' phones)
under a temporary name, flushed to disk, and only then given its name: a crash or a full disk
mid-copy never leaves a half file that looks like the latest backup.

The scheduled backups run in every worker process, but one file lock in the folder lets one copy
at a time, and a copy is made only when the newest one is older than `QMS_BACKUP_EVERY` hours:
two workers never copy the same hour twice, and a worker killed mid-copy frees the lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from db import connect, migrate

log = logging.getLogger(__name__)
PREFIX, SUFFIX = "qms-", ".db"
LOCK = ".lock"
CHECK_S = 60.0  # how often a worker looks whether a backup is due
DEFAULT_EVERY_HOURS = 1.0
DEFAULT_KEEP = 24


def copy_database(source: Path, target: Path) -> None:
    """Copy the database at `source` to the new file `target` (refused if it exists), whole."""
    if target.exists():
        raise FileExistsError(f"{target} exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.{os.getpid()}.partial")
    draft.unlink(missing_ok=True)
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        origin = sqlite3.connect(source)
        copy = sqlite3.connect(draft)
        try:
            with copy:
                origin.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
        finally:
            copy.close()
            origin.close()
        with open(draft, "rb") as written:
            os.fsync(written.fileno())
        os.link(draft, target)  # never replaces a file: FileExistsError if one appeared
    finally:
        draft.unlink(missing_ok=True)


def backups(folder: Path) -> list[Path]:
    """The scheduled backups in the folder, oldest first (their names sort by time)."""
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def backup_if_due(database: Path, folder: Path, *, every_s: float, keep: int) -> Path | None:
    """Copy the database into the folder when its newest backup is older than `every_s`, then
    keep only the newest `keep`; answer the new backup (None: not due, or another process is
    copying)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        existing = backups(folder)
        if existing and time.time() - existing[-1].stat().st_mtime < every_s:
            return None
        moment = datetime.now(UTC)
        target = folder / f"{PREFIX}{moment:%Y%m%dT%H%M%S}Z{SUFFIX}"
        if target.exists():
            return None
        copy_database(database, target)
        for old in backups(folder)[:-keep]:
            old.unlink()
        return target


def start_scheduled_backups(app: Flask) -> threading.Thread | None:
    """With QMS_BACKUP_DIR set, back up every QMS_BACKUP_EVERY hours (default 1), keeping the
    newest QMS_BACKUP_KEEP (default 24), for as long as the server runs."""
    folder = app.config.get("BACKUP_DIR")
    if not folder:
        return None
    every_h = float(app.config.get("BACKUP_EVERY") or DEFAULT_EVERY_HOURS)
    keep = int(app.config.get("BACKUP_KEEP") or DEFAULT_KEEP)
    if every_h <= 0 or keep < 1:
        raise ValueError(
            f"QMS_BACKUP_EVERY must be a number of hours above 0 (got {every_h}) and"
            f" QMS_BACKUP_KEEP a number of backups, 1 or more (got {keep})."
        )
    thread = threading.Thread(
        target=_back_up_regularly,
        args=(Path(app.config["DATABASE"]), Path(folder), every_h * 3600, keep),
        name="backups",
        daemon=True,
    )
    thread.start()
    return thread


def _back_up_regularly(database: Path, folder: Path, every_s: float, keep: int) -> None:
    while True:
        try:
            made = backup_if_due(database, folder, every_s=every_s, keep=keep)
            if made is not None:
                log.info("backed up the database to %s", made)
        except Exception:  # a full backup disk is logged; the server keeps serving
            log.exception("the scheduled backup into %s failed", folder)
        time.sleep(min(every_s, CHECK_S))


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(target: Path) -> None:
    """Copy the live database to FILE, consistently, while the server runs."""
    source = Path(current_app.config["DATABASE"])
    if target.exists():
        raise click.ClickException(f"{target} exists; choose a new file name.")
    if not source.exists():
        raise click.ClickException(f"No database at {source}.")
    copy_database(source, target)
    click.echo(f"Backed up {source} to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore(source: Path) -> None:
    """Make FILE (a backup) the center's database, which must not exist yet; then start the
    server on it."""
    database = Path(current_app.config["DATABASE"])
    beside = (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
    in_the_way = [path for path in beside if path.exists()]
    if in_the_way:
        raise click.ClickException(
            f"{', '.join(map(str, in_the_way))} exists: stop the server and move the old database"
            " (with its -wal and -shm files) aside first; nothing was changed."
        )
    problem = _unusable(source)
    if problem:
        raise click.ClickException(f"{source} is not a usable backup: {problem}.")
    copy_database(source, database)
    restored = connect(database)
    try:
        migrate(restored)
        (tickets,) = restored.execute("SELECT count(*) FROM tickets").fetchone()
    finally:
        restored.conn.close()
    click.echo(f"Restored {source} to {database} ({tickets} tickets).")


def _unusable(path: Path) -> str | None:
    """Why a file cannot be restored (not SQLite, damaged, not a center's), or None."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (check,) = connection.execute("PRAGMA integrity_check").fetchone()
            has_tickets = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    if check != "ok":
        return f"the integrity check says {check}"
    return None if has_tickets else "it holds no tickets table"
