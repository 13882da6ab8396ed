"""The check's HTML report (the walkthrough's page, one writer for both) is one self-contained
page that a real browser renders."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from viz.walkthrough import build, page

from ..browser import needs_browser, rendered

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tanh_neuron_check.toml"


def test_the_page_is_self_contained() -> None:
    html = page(build(EXAMPLE))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html
    assert "<script" not in html.split("<iframe")[0]  # scripts only in the replay's own frame


def test_labels_are_escaped() -> None:
    doc = build(EXAMPLE)
    item = doc.check.items[0]
    item.printed = dataclasses.replace(item.printed, where="<img src=x onerror=alert(1)>")
    html = page(doc)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@needs_browser
def test_the_page_renders_in_a_headless_browser(tmp_path: Path) -> None:
    doc = build(EXAMPLE)
    report = doc.check
    path = tmp_path / "check.html"
    path.write_text(page(doc), encoding="utf-8")
    dom = rendered(path, tmp_path / "profile")
    first = report.first_wrong
    assert first is not None and f"First wrong step: {first.printed.quantity}" in dom
    for cls in ("slip", "conceptual", "inherited"):
        assert f'data-class="{cls}"' in dom
    rows = len(report.items) + report.counts["wrong"] + report.counts["rounding"]
    assert dom.count("data-index=") == rows  # every number in its section, the flagged ones above too
