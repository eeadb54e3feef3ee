"""The page catalogues: Flask-Babel merges every surface's catalogue into one, so the same English
words translated two ways would let one page's Vietnamese overwrite another's."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("*/translations/vi/LC_MESSAGES/messages.po"))


def test_every_surface_has_a_vietnamese_catalogue() -> None:
    surfaces = {path.parts[-5] for path in catalogues()}
    assert {"kiosk", "counter", "display", "track", "templates"} <= surfaces


def test_no_two_catalogues_translate_the_same_words_differently() -> None:
    seen: dict[tuple[str | None, str], tuple[str, Path]] = {}
    clashes = []
    for path in catalogues():
        with path.open("rb") as file:
            for message in read_po(file):
                if not message.id or not message.string:
                    continue
                key = (message.context, str(message.id))
                if key in seen and seen[key][0] != message.string:
                    other = seen[key][1].relative_to(ROOT)
                    clashes.append(f"{key[1]!r}: {other} vs {path.relative_to(ROOT)}")
                seen.setdefault(key, (str(message.string), path))
    assert not clashes, "use pgettext with a context for these:\n" + "\n".join(clashes)
