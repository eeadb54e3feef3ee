"""gunicorn.conf.py as a center serves it, with the worker run under cProfile (bench_tickets.py
--profile): the profile is written to $QMS_PROFILE_OUT when the worker exits.

Under gevent every greenlet runs on the worker's one thread, so the profile holds all of them:
the requests, the hub's waits, the pushes. Time spent waiting shows under the hub, not under
the request that waited.
"""

import cProfile
import os
import runpy
from pathlib import Path
from typing import Any

SERVED = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in SERVED.items() if not name.startswith("__")})
_profile = cProfile.Profile()


def post_worker_init(worker: Any) -> None:
    SERVED["post_worker_init"](worker)
    _profile.enable()


def worker_exit(server: Any, worker: Any) -> None:
    _profile.disable()
    _profile.dump_stats(os.environ["QMS_PROFILE_OUT"])
