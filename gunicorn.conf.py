"""Production serving: `gunicorn server:create_app()` reads this file.

One worker (Flask-SocketIO's rule: its state lives in one process), gevent so each hall display's
websocket costs a greenlet rather than a thread (bench/ measured both). No control socket: a
second instance would silently take it over. A short graceful timeout: open websockets would
otherwise hold a restart for 30 s.
"""

import os
from typing import Any

bind = f"{os.environ.get('QMS_HOST', '0.0.0.0')}:{os.environ.get('QMS_PORT', '8000')}"
workers = 1
worker_class = os.environ.get("QMS_WORKER_CLASS", "gevent")
worker_connections = 2000
graceful_timeout = 3
timeout = 60
control_socket_disable = True
accesslog = os.environ.get("QMS_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker: Any) -> None:
    """Ready the app as the worker starts, before any request: the schema, the instance secret,
    and at the very first start the admin account, whose password is printed here, once."""
    from server import prepare

    prepare(worker.wsgi)
