"""Accessibility measures for the browser tests: axe-core's audit, letter heights on a TV, the
size of text in device pixels, and boxes that spill out of their place.

axe-core (tests/browser/vendor/axe.min.js, MPL-2.0, test-only) is injected into the page; the
pages' strict CSP would refuse it, so a context audited with it is opened with `bypass_csp=True`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent.parent / "browser" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")

# A 55-inch 16:9 panel is 121.8 cm wide; the page fills it whatever its pixels.
TV_WIDTH_CM = 121.8


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """Audit the page as it is now with axe-core; answer its violations of these impacts, each
    as "rule-id: help (selectors)"."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{violation['id']}: {violation['help']} "
        f"({', '.join(str(node['target']) for node in violation['nodes'][:5])})"
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


# The height of a capital H in the element's own font (canvas metrics: the real glyph), in CSS px.
_CAP_HEIGHT = """
element => {
  const style = getComputedStyle(element);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const metrics = context.measureText("H");
  return metrics.actualBoundingBoxAscent + metrics.actualBoundingBoxDescent;
}
"""


def letter_heights_cm(page: Page, selector: str) -> list[float]:
    """The capital height of every visible element matching `selector`, in cm on a 55-inch TV
    showing the page across its width."""
    page.evaluate("document.fonts.ready")
    width = page.evaluate("window.innerWidth")
    heights = []
    for element in page.locator(selector).all():
        if element.is_visible():
            heights.append(element.evaluate(_CAP_HEIGHT) * TV_WIDTH_CM / width)
    return heights


def text_size_on_screen(page: Page, selector: str) -> float:
    """The font size of the first element matching `selector` in device pixels (what the eye
    sees: CSS pixels times the zoom)."""
    return float(
        page.locator(selector).first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize) * window.devicePixelRatio"
        )
    )


_SPILLS = """
selector => {
  const spills = [];
  const page = document.documentElement;
  const screen = { left: 0, top: 0, right: page.clientWidth, bottom: page.clientHeight };
  const outside = (box, frame) =>
    box.right > frame.right + 1 || box.bottom > frame.bottom + 1
    || box.left < frame.left - 1 || box.top < frame.top - 1;
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    const text = element.textContent.trim().slice(0, 20);
    const name = `${element.className || element.tagName} "${text}"`;
    if (outside(box, screen)) {
      spills.push(`${name} leaves the screen (${Math.round(box.right)}x${Math.round(box.bottom)})`);
    }
    const parent = element.parentElement.getBoundingClientRect();
    if (outside(box, parent)) {
      const where = `${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.right)}`
        + `,${Math.round(box.bottom)}`;
      spills.push(`${name} leaves its parent's box (${where})`);
    }
    if (element.scrollWidth > element.clientWidth + 1) {
      spills.push(`${name} is cut (${element.scrollWidth} px wide in ${element.clientWidth})`);
    }
  }
  return spills;
}
"""


def spills(page: Page, selector: str) -> list[str]:
    """Elements matching `selector` that leave the screen or their parent's box, or whose text
    is wider than they are (cut or ellipsised)."""
    return list(page.evaluate(_SPILLS, selector))
