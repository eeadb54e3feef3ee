"""The `build-voice` command: regenerate the committed clip bank after a change of wording.

Registered with the others by cli.py; it needs no app context, so it also runs as
`python -m display.commands` on a machine where the server is not set up (all but `--services`,
which reads the center's services from its database).
"""

from __future__ import annotations

from pathlib import Path

import click

from display.guidance import department_clip_key
from display.numbers import LANGUAGES
from display.speech import service_clip_key
from display.voice_bank import build_bank

DEFAULT_SOUNDS_DIR = Path(__file__).resolve().parent.parent / "sounds"


@click.command("build-voice")
@click.option(
    "--lang",
    type=click.Choice([*LANGUAGES, "all"]),
    default="all",
    show_default=True,
    help="Language of the bank to build.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SOUNDS_DIR,
    show_default=True,
    help="Sounds folder: clips go to OUT/<lang>/, the chime to OUT/chime.wav.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="KEY",
    help="Build only this clip key (or 'chime'); repeatable.",
)
@click.option(
    "--services",
    is_flag=True,
    help="Build only the center's service and department names (service_<CODE>,"
    " department_<CODE>), from its database, for announcement templates that say {service}"
    " and the kiosk's help button.",
)
@click.option("--verbose", "-v", is_flag=True, help="Print every clip as it is made.")
def build_voice(lang: str, out: Path, only: tuple[str, ...], services: bool, verbose: bool) -> None:
    """Generate the voice clip bank (espeak-ng through pyttsx3) and the chime."""
    languages = list(LANGUAGES) if lang == "all" else [lang]
    failed = False
    for language in languages:
        extra = service_texts(language) if services else {}
        try:
            report = build_bank(
                language,
                out,
                only=list(only) or list(extra) or None,
                extra_texts=extra,
                progress=click.echo if verbose else None,
            )
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--only") from error
        click.echo(
            f"{language}: {len(report.built)} clips built in {report.seconds:.1f} s"
            f" ({len(report.by_command_line)} by the espeak-ng command line,"
            f" {report.retries} retries), {len(report.kept)} recordings kept,"
            f" {report.total_bytes / 1e6:.2f} MB in {report.language_dir}"
        )
        for key in report.failed:
            click.echo(f"{language}: clip {key!r} could not be made", err=True)
        failed = failed or not report.ok
    if failed:
        raise SystemExit(1)


def service_texts(lang: str) -> dict[str, str]:
    """The center's service and department names as clips to build:
    {"service_A": "Hộ tịch", "department_TP": "Sở Tư pháp", ...}."""
    from flask.cli import NoAppException, ScriptInfo

    from core.center import list_departments, list_services
    from db import connect

    try:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    except NoAppException as error:
        raise click.UsageError("--services reads the center: run `flask --app server`.") from error
    if not Path(app.config["DATABASE"]).exists():
        raise click.UsageError(
            f"--services reads the center, and {app.config['DATABASE']} is missing."
        )
    database = connect(app.config["DATABASE"])
    try:
        services = [service for service in list_services(database) if service.enabled]
        offered = {service.department for service in services}
        return {
            service_clip_key(service.code): (service.name_en or service.name)
            if lang == "en"
            else service.name
            for service in services
        } | {
            department_clip_key(department.code): (department.name_en or department.name)
            if lang == "en"
            else department.name
            for department in list_departments(database)
            if department.code in offered
        }
    finally:
        database.conn.close()


if __name__ == "__main__":
    build_voice()
