"""The HTML reports open in a real headless browser (Debian's chromium) without errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from viz.walkthrough import walkthrough

BROWSER = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
    None,
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.mark.skipif(BROWSER is None, reason="no chromium installed (CI installs Debian's chromium)")
def test_html_reports_render_in_a_headless_browser(tmp_path: Path) -> None:
    replays = walkthrough(out=tmp_path / "out", quiet=True)
    for doc, replay in replays.items():
        page = tmp_path / "out" / f"{doc}-report.html"
        result = subprocess.run(
            [
                BROWSER,
                *FLAGS,
                f"--user-data-dir={tmp_path / ('profile-' + doc)}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        dom = result.stdout
        assert f"Worked example {doc}" in dom
        assert dom.count("<svg") == len(replay.figures) + bool(replay.loss_curve)
        assert dom.count('class="wrong"') == sum(e.wrong for e in replay.errata())
        console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        assert console == []
