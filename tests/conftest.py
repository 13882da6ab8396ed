"""Fixtures shared by the test folders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .browser import BROWSER, FLAGS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, under Playwright (no browser download): one for the whole
    session, since Playwright's sync API runs one instance at a time."""
    if BROWSER is None:
        pytest.skip("no chromium installed (CI installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    flags = [f for f in FLAGS if f not in ("--headless", "--enable-logging=stderr", "--v=0")]
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=BROWSER, args=flags)
        yield chromium
        chromium.close()
