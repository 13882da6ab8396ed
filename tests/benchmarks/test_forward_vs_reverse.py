"""The multiplication counts of docs/forward-vs-reverse.md are what the instrumented engine
measures, and the instrument counts what a hand count says on a tiny graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd import Value, backward, tangents
from autograd.value import COMPILED
from benchmarks.forward_vs_reverse import NEEDS_INTERPRETED, SIZES, Counted, _instrument, measure, table

DOC = Path(__file__).resolve().parents[2] / "docs" / "forward-vs-reverse.md"


def test_the_counter_counts_each_multiplication_of_both_modes() -> None:
    x = Value(3.0)
    y = x * x + x  # edges: mul→x twice, add→mul, add→x
    if COMPILED:
        with pytest.raises(RuntimeError, match="run it on the interpreted engine"):
            _instrument(y)
        return
    assert _instrument(y) == 4
    Counted.count = 0
    backward(y)
    assert (Counted.count, x.grad) == (4, 7.0)  # one multiplication per edge
    Counted.count = 0
    assert tangents([y], {x: 1.0})[y] == 7.0
    assert Counted.count == 4


def test_the_documented_tables_are_what_the_engine_measures() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.findall(r"^\| n inputs .*?(?=\n\n)", text, flags=re.MULTILINE | re.DOTALL)
    assert len(documented) == 2
    if COMPILED:
        with pytest.raises(RuntimeError, match=re.escape(NEEDS_INTERPRETED)):
            measure("parameters", 1)
        return
    for name, doc_table in zip(("parameters", "inputs"), documented):
        rows = [measure(name, size) for size in SIZES[name]]
        assert all(r.agree for r in rows)
        assert table(rows) == doc_table
        assert rows[-1].forward > 2 * rows[-1].reverse  # many inputs: forward mode does far more work


def test_the_documented_example_runs_and_both_modes_agree() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    slope = namespace["slope"]
    forward = namespace["jacobian"](namespace["f"], [0.5, -1.5], mode="forward")  # type: ignore[operator]
    reverse = namespace["jacobian"](namespace["f"], [0.5, -1.5], mode="reverse")  # type: ignore[operator]
    assert forward[0][0] == slope and abs(forward[0][1] - reverse[0][1]) < 1e-12
