"""Settings for every test pytest collects, doctests included: hypothesis runs without deadlines
(CI machines are noisy), and an op a test defines with ``define_op`` is gone after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from autograd import OPS


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
