"""The check's HTML report is one self-contained page that a real browser renders."""

from __future__ import annotations

import re
from pathlib import Path

from viz.check import check
from viz.check.report import page

from ..browser import needs_browser, rendered

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tanh_neuron_check.toml"


def test_the_page_is_self_contained() -> None:
    html = page(check(EXAMPLE))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html) and "<script" not in html
    assert "<link" not in html and "@import" not in html


def test_labels_are_escaped() -> None:
    report = check(EXAMPLE)
    report.items[0].printed = type(report.items[0].printed)(
        0, "n", "<img src=x onerror=alert(1)>", "0.8814", "", "sgd"
    )
    html = page(report)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@needs_browser
def test_the_page_renders_in_a_headless_browser(tmp_path: Path) -> None:
    report = check(EXAMPLE)
    path = tmp_path / "check.html"
    path.write_text(page(report), encoding="utf-8")
    dom = rendered(path, tmp_path / "profile")
    first = report.first_wrong
    assert first is not None and f"First wrong step: {first.printed.quantity}" in dom
    for cls in ("slip", "conceptual", "inherited"):
        assert f'data-class="{cls}"' in dom
    assert dom.count("<tr class=") == len(report.items) + report.counts["wrong"] + report.counts["rounding"]
