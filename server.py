"""The application factory: `create_app()` for gunicorn (`server:create_app()`), and
`python server.py` to run it on one machine.

Configuration is layered: DEFAULTS, then `instance/config.py`, then `QMS_<KEY>` environment
variables, then the test mapping. Nothing is built at import time, and building the app writes
nothing: the Flask command line builds it for every command, `--help` included. The writes a
server needs (the instance secret, the schema, the first admin) are `prepare(app)`, called when
serving starts: by gunicorn's worker (gunicorn.conf.py), by `python server.py`, and otherwise
before the first request.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from security import register_security

ROOT = Path(__file__).resolve().parent

DEFAULTS: dict[str, Any] = {
    "DATABASE": "instance/qms.db",
    "HOST": "0.0.0.0",
    "PORT": 8000,
    "PUBLIC_URL": "",  # e.g. "http://192.168.1.10:8000": makes the printed QR absolute
    "TICKET_RATE_LIMIT": "30/minute",
    "FEEDBACK_RATE_LIMIT": "20/hour",  # feedback given per client address (a kiosk is one)
    "TICKET_DAILY_LIMIT": 100,  # tickets a day per client address (a paired kiosk: per device)
    "MESSAGE_QUEUE": None,  # "redis://127.0.0.1:6379/0" when several processes serve one center
    "DEFAULT_SERVICE_S": 300,  # service time assumed before a service has history
    "PRINT_TIMEOUT_S": 3.0,
    "PUSH_DELAY_S": 0.15,  # queue snapshots are coalesced over this delay; calls go at once
    "DEFAULT_PRINTER": "none:",  # printer of a kiosk the center file does not list
    "SOUNDS_DIR": str(ROOT / "sounds"),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PROXY_HOPS": 0,  # reverse proxies in front (nginx for HTTPS): trust their X-Forwarded-*
    "BACKUP_DIR": None,  # a folder: the server backs the database up there (db/backups.py)
    "BACKUP_EVERY": 1,  # hours between scheduled backups
    "BACKUP_KEEP": 24,  # scheduled backups kept, the newest
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config layers, database, realtime, adapters, blueprints, commands.

    Test apps (`TESTING`) are prepared at once, since their tests fill the database next.
    """
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder="static")
    load_config(app, test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_database(app)
    register_realtime(app)
    register_adapters(app)
    register_security(app)
    register_blueprints(app)
    register_commands(app)
    app.wsgi_app = _PreparedFirst(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.testing:
        prepare(app)
    return app


PREPARED = "qms.prepared"
_preparing = threading.Lock()


def prepare(app: Flask) -> Flask:
    """Make the app ready to serve, once: the instance secret, the schema, the first admin."""
    if app.extensions.get(PREPARED):
        return app
    from db.advice import start_advice_tick
    from db.backups import start_scheduled_backups
    from db.first_admin import init_first_admin
    from db.midnight import start_midnight_watch
    from db.retention import start_daily_purge
    from db.web import migrate_database

    with _preparing:
        if not app.extensions.get(PREPARED):
            if not app.config.get("SECRET_KEY"):
                app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
            migrate_database(app)
            init_first_admin(app)
            if not app.testing:
                start_daily_purge(app)
                start_midnight_watch(app)
                start_scheduled_backups(app)
                start_advice_tick(app)
            app.extensions[PREPARED] = True
    return app


def prepare_or_wait_for_storage(app: Flask) -> None:
    """Prepare the app as a worker starts; when its database cannot be opened or written (a
    full or read-only disk), log it and serve all the same: every request answers 503
    `storage` and tries again, so the center comes back by itself once the disk is fixed."""
    from api.errors import storage_fault

    try:
        prepare(app)
    except Exception as error:
        if not storage_fault(error):
            raise
        app.logger.error(
            "storage fault at start (%s): answering 503 storage until the database at %s can"
            " be opened and written",
            error,
            app.config["DATABASE"],
        )


class _PreparedFirst:
    """Prepares the app before the first request, for a server started without the hook or
    whose database could not be prepared at the start (a storage fault: 503 until it can)."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not self.app.extensions.get(PREPARED):
            from api.errors import STORAGE_MESSAGE, storage_fault

            try:
                prepare(self.app)
            except Exception as error:
                if not storage_fault(error):
                    raise
                from flask import json
                from werkzeug.wrappers import Response

                body = json.dumps({"error": "storage", "message": STORAGE_MESSAGE})
                answer = Response(body, 503, {"Retry-After": "30"}, mimetype="application/json")
                return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QMS")
    if test_config:
        app.config.from_mapping(test_config)
    # "off" is for benchmarks and load tests: it lifts the per-address limits of the public doors.
    app.config["RATELIMIT_ENABLED"] = str(app.config["TICKET_RATE_LIMIT"]).strip() != "off"
    database = Path(app.config["DATABASE"])
    if not database.is_absolute():
        app.config["DATABASE"] = str(ROOT / database)
    if not app.config.get("SECRET_KEY"):  # made by prepare() when missing
        app.config["SECRET_KEY"] = _read_instance_secret(Path(app.instance_path))


def _read_instance_secret(instance: Path) -> str | None:
    path = instance / "secret_key"
    return path.read_text().strip() if path.exists() else None


def _instance_secret(instance: Path) -> str:
    """A secret key kept in instance/ so sessions survive restarts and agree across workers."""
    path = instance / "secret_key"
    if not path.exists():  # written aside, then linked: workers starting at once agree on one
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f"secret_key.{os.getpid()}.{threading.get_ident()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def register_database(app: Flask) -> None:
    from db.web import init_app

    init_app(app)

    @app.get("/healthz")
    def healthz() -> Any:
        from db.web import get_db

        get_db().execute("SELECT 1").fetchone()
        return jsonify(status="ok")


def register_realtime(app: Flask) -> None:
    import realtime

    realtime.init_app(app)


def register_adapters(app: Flask) -> None:
    """Hardware behind narrow adapters: the kiosks' printers and the hall's voice."""
    import realtime
    from display.guidance import KioskGuidance
    from display.speech import CallAudio
    from kiosk.delivery import TicketDelivery

    app.extensions["qms.printing"] = TicketDelivery(
        public_url=app.config["PUBLIC_URL"],
        default_printer=app.config["DEFAULT_PRINTER"],
        timeout_s=float(app.config["PRINT_TIMEOUT_S"]),
        on_status=realtime.dispatch,  # printer reports are domain events too
        to_agent=realtime.send_print_job,
    )
    app.extensions["qms.call_audio"] = CallAudio(Path(app.config["SOUNDS_DIR"]))
    # The kiosk's help button: its screens read aloud from the same clip bank.
    app.extensions["qms.kiosk_guidance"] = KioskGuidance(app.extensions["qms.call_audio"])


def register_blueprints(app: Flask) -> None:
    import admin
    import api
    import book
    import counter
    import display
    import feedback
    import kiosk
    import track
    from i18n import init_i18n

    init_i18n(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(counter.bp)
    app.register_blueprint(display.bp)
    app.register_blueprint(track.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(book.bp)
    app.register_blueprint(feedback.bp)
    app.add_url_rule("/", "home", _home)


def _home() -> Any:
    from flask import render_template

    return render_template("home.html")


def register_commands(app: Flask) -> None:
    from cli import register

    register(app)


if __name__ == "__main__":
    import realtime

    application = prepare(create_app())
    realtime.socketio.run(
        application,
        host=application.config["HOST"],
        port=int(application.config["PORT"]),
        allow_unsafe_werkzeug=True,
        debug=os.environ.get("QMS_DEBUG") == "1",
    )
