"""docs/budgets.md against the design and bench/: every budget of design.md section 8 is in it,
and it names every benchmark and only real ones."""

from __future__ import annotations

import re

from tests.helpers.docs import ROOT, read


def design_section(number: int) -> str:
    page = read("design.md")
    start = page.index(f"\n## {number}. ")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


def test_every_budget_of_the_design_is_in_the_budgets_page() -> None:
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", design_section(8), re.MULTILINE)
    budgets = [(what, budget) for what, budget in rows if what not in ("what", "---")]
    assert len(budgets) >= 7
    page = read("budgets.md")
    for what, budget in budgets:
        assert f"| {what} | {budget} |" in page, f"docs/budgets.md lacks the budget {what!r}"


def test_the_budgets_page_names_every_benchmark_and_only_real_ones() -> None:
    page = read("budgets.md")
    named = set(re.findall(r"bench/[a-z_]+\.py", page))
    scripts = {f"bench/{path.name}" for path in (ROOT / "bench").glob("bench_*.py")}
    assert scripts, "no benchmark found in bench/"
    assert scripts <= named, f"benchmarks missing from docs/budgets.md: {sorted(scripts - named)}"
    strangers = sorted(name for name in named if not (ROOT / name).is_file())
    assert not strangers, f"docs/budgets.md names benchmarks that do not exist: {strangers}"
