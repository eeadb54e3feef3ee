"""The contract beside the code: docs/ says what the code does, and the test_docs_* files fail when
they part. What those files share: where the pages are, reading one, and its `code` spans.

Each check reads the names from the code (routes, Socket.IO constants, the loader's keys, the
commands) rather than from a list kept in the tests, so a new route, event, key or command that is
not documented fails, and so does a documented one that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)
