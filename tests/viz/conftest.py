"""The two Graphviz engines the rendering tests run with, each by its explicit path."""

from __future__ import annotations

import platform
import shutil

import pytest

from viz.engine import graphviz_pure_path

# The machines pyproject.toml's marker installs graphviz-pure on: missing there, the install is
# broken, and its tests fail rather than skip.
PURE_PLATFORMS = {"x86_64", "AMD64", "aarch64", "arm64", "ARM64"}


# Looked up once, before any test changes PATH.
_SYSTEM_DOT = shutil.which("dot")
_PURE_DOT = graphviz_pure_path()


def system_dot() -> str:
    """The system Graphviz's dot, or skip the test (for this engine only) saying why."""
    path = _SYSTEM_DOT
    if path is None:
        pytest.skip("system Graphviz not installed: no `dot` on PATH (apt-get install graphviz)")
    return path


def pure_dot() -> str:
    """graphviz-pure's program; fail where it should have been installed, else skip."""
    path = _PURE_DOT
    if path is None:
        message = "graphviz-pure is not installed (pip install graphviz-pure)"
        if platform.machine() in PURE_PLATFORMS:
            pytest.fail(f"{message}, although it is a dependency of chainrule on this platform")
        pytest.skip(f"{message}; chainrule does not install it on {platform.machine()}")
    return path


@pytest.fixture(params=["system-dot", "graphviz-pure"])
def dot(request: pytest.FixtureRequest) -> str:
    """The path of one engine; tests using it run once per engine."""
    return system_dot() if request.param == "system-dot" else pure_dot()
