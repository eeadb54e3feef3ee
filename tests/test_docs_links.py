"""Links and citations across the README and docs/: every link leads to a file and heading, and
every design.md section cited in the code exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.docs import DOCS, ROOT, read

LINK = re.compile(r"\]\(([^)\s]+)\)")
SECTION_CITED = re.compile(
    r"design\.md(?:'s)? (?:section|§) ?(\d+)|design\.md sections (\d+) and (\d+)"
)
SKIPPED_FOLDERS = {".venv", ".git", "node_modules", "vendor", "instance", "__pycache__"}


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {slug(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def pages_with_links() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", pages_with_links(), ids=lambda path: path.name)
def test_every_link_between_the_pages_leads_somewhere(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, mailto:: not ours to check offline
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        assert destination.exists(), f"{page.name}: {target} leads to no file"
        if anchor and destination.suffix == ".md":
            assert anchor in anchors(destination), f"{page.name}: {target} leads to no heading"


def cited_sections() -> dict[int, list[str]]:
    """The sections of design.md cited anywhere in the code, the pages and the README."""
    import os

    cited: dict[int, list[str]] = {}
    suffixes = (".py", ".js", ".html", ".md", ".toml")
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        for name in files:
            if not name.endswith(suffixes):
                continue
            path = Path(folder) / name
            for match in SECTION_CITED.finditer(path.read_text(encoding="utf-8", errors="replace")):
                for number in filter(None, match.groups()):
                    cited.setdefault(int(number), []).append(str(path.relative_to(ROOT)))
    return cited


def test_every_design_section_the_code_cites_is_in_the_design() -> None:
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", read("design.md"), re.MULTILINE)}
    cited = cited_sections()
    assert cited, "no 'design.md section N' found: has the citation form changed?"
    unknown = {number: places for number, places in cited.items() if number not in sections}
    assert not unknown, f"sections cited but missing from docs/design.md: {unknown}"
