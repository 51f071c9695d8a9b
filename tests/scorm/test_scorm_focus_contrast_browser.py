"""The player's keyboard focus ring stands out (WCAG 2.1 AA 1.4.11: 3:1 against what is next to
it) on every background a focusable element of the player sits on: the contents list, the lesson,
the header on a phone. Measured on the rendered page in Chromium."""

import re

import pytest
from scorm_helpers import DATA, build, unpack


def luminance(rgb: tuple[int, int, int]) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


RING_AND_BACKDROP = """(selector) => {
  const element = document.querySelector(selector);
  let node = element.parentElement, backdrop = "rgb(255, 255, 255)";
  for (; node; node = node.parentElement) {  // the ring is drawn outside the element, on its parent's colour
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { backdrop = colour; break; }
  }
  return [getComputedStyle(element).outlineColor, getComputedStyle(element).outlineStyle, backdrop];
}"""


@pytest.mark.parametrize(
    "width,tabs,selector",
    [
        (1200, 3, ".p2p-toc a[data-unit='1']"),  # skip link, first unit, second unit
        (1200, 5, "#p2p-result-link"),  # after the three units of the contents
        (1200, 6, "#p2p-next"),  # after the contents and the result link
        (360, 2, "#p2p-toc-toggle"),  # in the header, on a phone
    ],
)
def test_focus_ring_contrast(page, tmp_path, static_server, width, tabs, selector):
    package = build(DATA / "html_course", "scorm2004", tmp_path / "build")
    url = static_server(unpack(package, tmp_path / "pkg")).url
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{url}/index.html")
    page.locator("body[data-p2p-ready]").wait_for()
    for _ in range(tabs):
        page.keyboard.press("Tab")
    assert page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector)
    ring, style, backdrop = page.evaluate(RING_AND_BACKDROP, selector)
    assert style == "solid"
    assert contrast(rgb(ring), rgb(backdrop)) >= 3, (ring, backdrop)
