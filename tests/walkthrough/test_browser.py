"""The HTML reports open in a real headless browser (Debian's chromium) without errors."""

from __future__ import annotations

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
