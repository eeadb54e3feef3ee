"""Languages of the pages: Vietnamese first, English on request (`?lang=en`, remembered in a
cookie), else the center's language. Catalogues are `.po` files beside each surface, compiled to
`.mo` in instance/ when the app starts, so nothing generated is kept in the repository.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, request
from flask_babel import Babel

from core.vocabulary import LANGUAGES

COOKIE = "lang"
SURFACES = ("kiosk", "counter", "display", "track", "templates", "admin", "book", "feedback")


def init_i18n(app: Flask) -> None:
    root = Path(app.root_path)
    compiled = Path(app.instance_path) / "translations"
    directories = [
        str(compile_catalogues(root / surface / "translations", compiled / surface))
        for surface in SURFACES
        if (root / surface / "translations").is_dir()
    ]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories) or str(compiled)
    Babel(app, locale_selector=select_language)
    app.after_request(remember_language)
    app.jinja_env.globals["current_language"] = select_language


def compile_catalogues(source: Path, target: Path) -> Path:
    """Compile each `<lang>/LC_MESSAGES/messages.po` under source to a `.mo` under target."""
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        temporary = mo_path.with_suffix(".mo.tmp")
        with temporary.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        temporary.replace(mo_path)
    return target


def select_language() -> str:
    asked = request.args.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    from core.center import get_center
    from db.web import get_db

    return get_center(get_db()).language


def remember_language(response: Response) -> Response:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    return response
