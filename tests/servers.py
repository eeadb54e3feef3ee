"""The server runner moved to harness.server; this name remains for the files that import it."""

from harness.server import ROOT, flask_command, gunicorn

__all__ = ["ROOT", "flask_command", "gunicorn"]
