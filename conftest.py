"""Settings for every test pytest collects, doctests included: hypothesis runs without deadlines
(CI machines are noisy), and an op a test defines with ``define_op`` is gone after it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from autograd import OPS


# In the compiled build (see setup.py) a core module is an extension module beside its source, and
# pytest cannot collect doctests from it: they run in the interpreted build's tests.
def _compiled_sources() -> list[str]:
    """The ``.py`` source of each ``autograd`` module imported from an extension module."""
    package = Path(sys.modules["autograd"].__path__[0])
    sources = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ".py"
        source = package / f"{name.rsplit('.', 1)[-1]}.py"
        if name.startswith("autograd.") and not file.endswith(".py") and source.is_file():
            sources.append(str(source))  # (the build's shared library has no source of its own)
    return sources


collect_ignore = _compiled_sources()


def pytest_configure(config: pytest.Config) -> None:
    settings.register_profile(
        "chainrule",
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile("chainrule")


@pytest.fixture(autouse=True)
def _restore_ops() -> Iterator[None]:
    """The op table as it was before the test: ops a test defines do not leak into the next."""
    before = dict(OPS)
    yield
    for name in set(OPS) - set(before):
        del OPS[name]
    OPS.update(before)
