"""Open a page in a real headless browser (Debian's chromium), as a person would, and read back
the DOM it rendered and any console errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

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
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no chromium installed (CI installs Debian's chromium)"
)


def rendered(page: Path | str, profile: Path) -> str:
    """The DOM of ``page`` (a file, or a ``file:`` URL with a fragment) after the browser rendered
    it; fails on a browser or console error."""
    assert BROWSER is not None
    url = page if isinstance(page, str) else page.as_uri()
    result = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    return result.stdout
