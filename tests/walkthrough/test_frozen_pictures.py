"""A document's frozen parameters are drawn frozen in its pictures and its replay page, whether
some or all of them are frozen (with everything frozen no optimizer is built, so the page cannot
learn it from the optimizer)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from viz.walkthrough.document import build

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TANH = Path(__file__).resolve().parents[2] / "examples" / "tanh_neuron_check.toml"


def frozen_labels(svg: str) -> int:
    return svg.count(">frozen<")


@pytest.mark.parametrize(("frozen", "expected"), [(["weights"], 2), (["weights", "bias"], 3), ([], 0)])
def test_frozen_parameters_are_marked_in_every_picture(frozen: list[str], expected: int) -> None:
    data = tomllib.loads(TANH.read_text(encoding="utf-8"))
    if frozen:
        data["network"]["layers"][0]["frozen"] = frozen
    data["printed"] = []
    doc = build(data)
    assert doc.page is not None
    assert frozen_labels(doc.page.svg) == expected
    forward = next(f for f in doc.figures if f.name.endswith("-forward.svg"))
    assert frozen_labels(forward.svg) == expected
