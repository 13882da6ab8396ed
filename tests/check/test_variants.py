"""A page that works the same setup with a second set of numbers: each [[variant]] is replayed
and checked on its own."""

from __future__ import annotations

import math
from typing import Any

import pytest

from viz.check import WorkedExampleError, check
from viz.check.report import rows
from viz.walkthrough import build


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def neuron(printed: list[dict[str, str]], **variant: Any) -> dict[str, Any]:
    """One sigmoid neuron o = σ(w·x + b), x = 1.5; a variant with other weights or data."""
    return {
        "network": {
            "inputs": 1,
            "layers": [{"activation": "sigmoid", "weights": [[0.5]], "bias": [0.1], "a_names": ["o"]}],
        },
        "data": {"inputs": [1.5], "targets": [1.0]},
        "loss": {"kind": "squared_error", "half": True},
        "training": {"steps": 0},
        "variant": [{"name": "second weights", **variant}],
        "printed": printed,
    }


def test_each_variant_is_its_own_replay() -> None:
    o1, o2 = sig(0.5 * 1.5 + 0.1), sig(-0.8 * 1.5 + 0.3)
    printed = [
        {"quantity": "o", "where": "first weights", "printed": f"{o1:.6f}"},
        {"quantity": "o", "where": "second weights", "printed": f"{o2:.6f}", "variant": "second weights"},
        {
            "quantity": "dE/do",
            "where": "second weights",
            "printed": f"{o2 - 1:.6f}",
            "variant": "second weights",
        },
    ]
    report = check(neuron(printed, layers=[{"weights": [[-0.8]], "bias": [0.3]}]))
    assert [v.cls for v in report.items] == ["exact", "exact", "exact"]
    assert [v.printed.index for v in report.items] == [0, 1, 2]
    mixed = [dict(printed[1], variant="")]  # the second weights' output, read as the first's: wrong
    assert check(neuron(mixed, layers=[{"weights": [[-0.8]], "bias": [0.3]}])).items[0].wrong


def test_a_variant_may_change_the_data_and_its_wrong_gradients_are_explained() -> None:
    o = sig(0.5 * -2.0 + 0.1)
    printed = [
        {"quantity": "dE/dW1_11", "where": "other input", "printed": "0.5", "variant": "second weights"}
    ]
    doc = build(neuron(printed, data={"inputs": [-2.0], "targets": [0.0]}))
    (explained,) = doc.explained
    assert explained.explanation.gradient == pytest.approx((o - 0.0) * o * (1 - o) * -2.0, rel=1e-12)
    assert rows(doc.check, doc.check.items)[0][1] == "other input (second weights)"  # the where column


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ({"layers": [{"weights": [[1.0, 2.0]]}]}, r"weights\[0\]: expected 1 numbers"),
        ({"layers": [{"bias": 0.3}]}, r"bias: expected a list of numbers"),
        ({"inputs": {"a": 1.0}}, r"unknown key\(s\) \['inputs'\]"),
    ],
)
def test_a_bad_variant_is_named(variant: dict[str, Any], message: str) -> None:
    with pytest.raises(WorkedExampleError, match=r"\[\[variant\]\] 1.*" + message):
        check(neuron([], **variant))


def test_a_number_of_an_unknown_variant_is_named() -> None:
    printed = [{"quantity": "o", "where": "x", "printed": "0.5", "variant": "third"}]
    with pytest.raises(WorkedExampleError, match=r"variant 'third' is not a \[\[variant\]\]'s name"):
        check(neuron(printed))


def test_a_graph_variant_changes_its_inputs() -> None:
    data = {
        "graph": {"inputs": {"a": 2.0, "b": -3.0}, "nodes": ["L = a * b + a"]},
        "training": {"steps": 0},
        "variant": [{"name": "a = 3", "inputs": {"a": 3.0}}],
        "printed": [
            {"quantity": "dL/da", "where": "a = 2", "printed": "-2.0"},
            {"quantity": "L", "where": "a = 3", "printed": "-6.0", "variant": "a = 3"},
        ],
    }
    assert [v.cls for v in check(data).items] == ["exact", "exact"]
