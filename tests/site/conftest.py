"""The built site, served on 127.0.0.1, and a headless Chromium (Debian's, driven by Playwright)
to use it as a person would."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from viz.site import Site, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The site, built once for the session (npm's packages come from the user cache)."""
    if shutil.which("npm") is None:
        pytest.skip("no npm: the site is built with Node.js's npm (CI has it)")
    return build_site(tmp_path_factory.mktemp("site") / "out")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Site) -> Iterator[str]:
    """The site's address on a static server on 127.0.0.1 (any free port)."""
    handler = functools.partial(_Quiet, directory=str(site.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Page:
    """A tab on the site, with every console error and uncaught exception collected."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        self.tab = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.tab.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, fragment: str = "") -> None:
        self.tab.goto(self.base + "index.html" + fragment)

    def ready(self) -> None:
        self.tab.wait_for_selector("body[data-ready=true]", timeout=60_000)

    def report(self) -> dict[str, str | None]:
        """The report's state, as its ``data-*`` attributes give it."""
        return self.tab.locator("#report").evaluate("el => Object.assign({}, el.dataset)")  # type: ignore[no-any-return]

    def checks(self) -> int:
        return int(self.report().get("checks") or 0)

    def check(self) -> None:
        """Press Check and wait until the page has answered (a report or an error)."""
        before = self.answers()
        self.tab.click("#check")
        self.answered(before)

    def answers(self) -> int:
        """How many times the page has answered Check."""
        return int(self.tab.evaluate("Number(document.body.dataset.answers || 0)"))

    def answered(self, before: int) -> None:
        self.tab.wait_for_function(
            "n => Number(document.body.dataset.answers || 0) > n", arg=before, timeout=60_000
        )

    def source(self) -> str:
        return self.tab.input_value("#source")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Page]:
    tab = Page(browser, served)
    yield tab
    tab.close()
    assert tab.errors == []


def repo_file(*parts: str) -> Path:
    return Path(__file__).resolve().parents[2].joinpath(*parts)
