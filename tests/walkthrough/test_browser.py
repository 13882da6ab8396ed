"""The HTML reports open in a real headless browser (Debian's chromium) without errors."""

from __future__ import annotations

import re
from pathlib import Path

from viz.walkthrough import walkthrough

from ..browser import needs_browser, rendered


@needs_browser
def test_html_reports_render_in_a_headless_browser(tmp_path: Path) -> None:
    replays = walkthrough(out=tmp_path / "out", quiet=True)
    for doc, replay in replays.items():
        dom = rendered(tmp_path / "out" / f"{doc}-report.html", tmp_path / f"profile-{doc}")
        assert f"Worked example {doc}" in dom
        assert dom.count("<svg") == len(replay.figures) + bool(replay.loss_curve)
        counts = replay.check.counts
        flagged = counts["wrong"] + counts["rounding"]  # shown in their own tables, and in the full one
        assert dom.count('data-class="') == flagged + len(replay.check.items)
        assert "<h2>Watch the step happen</h2>" in dom and "<iframe srcdoc=" in dom


@needs_browser
def test_the_replay_of_001_ends_with_the_updated_weights(tmp_path: Path) -> None:
    replays = walkthrough(["001"], out=tmp_path / "out", quiet=True)
    page = replays["001"].page
    assert page is not None
    url = f"{(tmp_path / 'out' / '001-replay.html').as_uri()}#step={len(page) - 1}"
    dom = rendered(url, tmp_path / "profile")
    values = replays["001"].values
    for name in ("w1", "w5", "w8"):  # after forward, zero_grad, backward edge by edge and the SGD step
        node = re.search(rf'<g id="n\d+" class="node[^"]*" data-node="{name}" data-value="([^"]*)"', dom)
        assert node is not None and node.group(1) == repr(values[f"{name}+"]), name
