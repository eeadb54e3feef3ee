"""Two server processes need a message queue to share their pushes (`QMS_WORKERS=2` with
`QMS_MESSAGE_QUEUE`, design.md section 9): without one they refuse to start, before anything is
made.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.server import ROOT

pytestmark = pytest.mark.slow


def test_two_workers_without_a_message_queue_refuse_to_start(tmp_path: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if key != "QMS_MESSAGE_QUEUE"
    } | {"QMS_WORKERS": "2", "QMS_DATABASE": str(tmp_path / "qms.db")}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "server:create_app()"]
    result = subprocess.run(
        [*command, "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "QMS_WORKERS=2" in result.stderr and "QMS_MESSAGE_QUEUE" in result.stderr
    assert not (tmp_path / "qms.db").exists()  # refused before anything was made
