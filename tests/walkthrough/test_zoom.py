"""Zoom on click, as a person sees it in headless Chromium (Debian's, driven by Playwright): a
graph wider than the page is fitted to it; a click, Enter or space shows it at its natural size,
scrolled inside its figure (the page itself never scrolls sideways), and again fits it back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from viz.check.__main__ import main as check_command
from viz.walkthrough import walkthrough

from ..browser import needs_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, ViewportSize

WINDOW: ViewportSize = {"width": 1400, "height": 900}

# What a person sees of a figure: its graph's rendered and natural width, whether the figure
# scrolls sideways, whether the page does, and the cue.
LOOK = """f => {
  const svg = f.querySelector("svg");
  return {
    width: svg.getBoundingClientRect().width,
    natural: svg.width.baseVal.value,
    fitted: f.clientWidth,
    scrolls: f.scrollWidth > f.clientWidth,
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    cursor: getComputedStyle(f).cursor,
    title: f.getAttribute("title"),
    label: f.getAttribute("aria-label"),
    tabindex: f.getAttribute("tabindex"),
  };
}"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The walkthrough's files for 001 (wide graphs) and 003 (a small loss curve), and the
    checker's HTML report of 001."""
    out = tmp_path_factory.mktemp("zoom")
    walkthrough(["001", "003"], out=out, quiet=True)
    # python -m viz.check 001 --html OUT, run in this process; 1: the document has wrong numbers
    assert check_command(["001", "--html", str(out / "check-001.html")]) in (0, 1)
    return out


@contextmanager
def opened(browser: Browser, path: Path, script: bool = True) -> Iterator[Page]:
    """A tab showing ``path``; on leaving, the tab is closed and no console error may have come."""
    errors: list[str] = []
    context = browser.new_context(viewport=WINDOW, java_script_enabled=script)
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(path.as_uri())
    yield tab
    context.close()
    assert errors == []


def look(figure: Locator) -> dict[str, Any]:
    return figure.evaluate(LOOK)  # type: ignore[no-any-return]


def assert_fitted(seen: dict[str, Any]) -> None:
    assert seen["natural"] > seen["fitted"]  # a graph that needs the zoom
    assert seen["width"] <= seen["fitted"] + 0.5 and not seen["scrolls"]
    assert seen["page"] <= seen["window"]
    assert seen["cursor"] == "zoom-in" and seen["tabindex"] == "0"
    assert seen["title"] == seen["label"] == "click to enlarge"


def assert_natural(seen: dict[str, Any]) -> None:
    assert abs(seen["width"] - seen["natural"]) < 0.5 and seen["scrolls"]
    assert seen["page"] <= seen["window"]  # the figure scrolls, not the page
    assert seen["cursor"] == "zoom-out" and seen["title"] == seen["label"] == "click to fit"


@needs_browser
@pytest.mark.parametrize("name", ["001-report.html", "check-001.html"])
def test_a_click_enlarges_a_wide_graph_and_another_fits_it_back(
    browser: Browser, reports: Path, name: str
) -> None:
    with opened(browser, reports / name) as tab:
        figure = tab.locator("figure", has=tab.locator("svg")).first
        assert_fitted(look(figure))
        figure.click()
        assert_natural(look(figure))
        figure.click()
        assert_fitted(look(figure))


@needs_browser
def test_enter_and_space_toggle_the_focused_graph(browser: Browser, reports: Path) -> None:
    with opened(browser, reports / "001-report.html") as tab:
        figure = tab.locator("figure", has=tab.locator("svg")).first
        figure.focus()
        assert figure.evaluate("f => document.activeElement === f")
        scrolled = tab.evaluate("window.scrollY")
        tab.keyboard.press("Enter")
        assert_natural(look(figure))
        tab.keyboard.press(" ")
        assert_fitted(look(figure))
        assert tab.evaluate("window.scrollY") == scrolled  # space toggled, it did not scroll the page


@needs_browser
def test_a_graph_that_fits_does_not_react(browser: Browser, reports: Path) -> None:
    with opened(browser, reports / "003-report.html") as tab:
        curve = tab.locator("h2:text('Training loss') + figure")
        before = look(curve)
        assert before["natural"] <= before["fitted"] and before["tabindex"] is None
        assert before["title"] is None and before["cursor"] == "auto"
        curve.click()
        assert look(curve) == before


@needs_browser
def test_without_javascript_graphs_are_fitted(browser: Browser, reports: Path) -> None:
    with opened(browser, reports / "001-report.html", script=False) as tab:
        figure = tab.locator("figure", has=tab.locator("svg")).first
        seen = look(figure)
        assert seen["natural"] > seen["fitted"] >= seen["width"] - 0.5 and not seen["scrolls"]
        assert seen["page"] <= seen["window"] and seen["title"] is None and seen["cursor"] == "auto"


@needs_browser
def test_the_replay_graph_zooms_and_space_does_not_play(browser: Browser, reports: Path) -> None:
    with opened(browser, reports / "001-replay.html") as tab:
        graph = tab.locator("figure#graph")
        assert_fitted(look(graph))
        graph.click()
        assert_natural(look(graph))
        graph.focus()
        tab.keyboard.press(" ")
        assert_fitted(look(graph))
        assert (
            tab.evaluate("document.body.dataset.step") == "0" and tab.locator("#play").inner_text() == "play"
        )
        tab.keyboard.press("ArrowRight")  # the replay's own keys still step
        assert tab.evaluate("document.body.dataset.step") == "1"
