"""The HTML reports open in a real headless browser (Debian's chromium) without errors."""

from __future__ import annotations

import re
from pathlib import Path

from viz.check.ledger import Ledger
from viz.walkthrough import walkthrough

from ..browser import needs_browser, rendered


@needs_browser
def test_html_reports_render_in_a_headless_browser(tmp_path: Path) -> None:
    docs = walkthrough(out=tmp_path / "out", quiet=True)
    for doc, d in docs.items():
        dom = rendered(tmp_path / "out" / f"{doc}-report.html", tmp_path / f"profile-{doc}")
        assert f"Worked example {doc}" in dom
        assert dom.count("<svg") == len(d.figures) + bool(d.loss_curve)
        counts = d.check.counts
        flagged = counts["wrong"] + counts["rounding"]  # in their own tables, and in their sections
        assert dom.count('data-class="') == flagged + len(d.check.items)
        assert "<h2>Watch the step happen</h2>" in dom and "<iframe srcdoc=" in dom
        assert dom.count("<math") >= len(d.explained)  # every explanation typeset in MathML


@needs_browser
def test_the_replay_of_001_ends_with_the_updated_weights(tmp_path: Path) -> None:
    docs = walkthrough(["001"], out=tmp_path / "out", quiet=True)
    page = docs["001"].page
    assert page is not None
    url = f"{(tmp_path / 'out' / '001-replay.html').as_uri()}#step={len(page) - 1}"
    dom = rendered(url, tmp_path / "profile")
    ex = docs["001"].check.example
    ledger = Ledger(ex, ex.optimizers[0])
    for name in ("w1", "w5", "w8"):  # after forward, zero_grad, backward edge by edge and the SGD step
        node = re.search(rf'<g id="n\d+" class="node[^"]*" data-node="{name}" data-value="([^"]*)"', dom)
        after = ledger.truth(ledger.key(f"{name}'"))
        assert node is not None and float(node.group(1)) == after, name
