"""A document's formula is evidence of how it computed, not a definition of what is right; a
page's δ = −∂E/∂z goes through the same mistake search as ∂E/∂z."""

from __future__ import annotations

import math
from typing import Any

import pytest

from viz.check import check


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


W = {"w1": 0.3, "w2": -0.2, "w3": 0.6, "w4": 0.1, "w5": 0.7, "w6": -0.4}
X, T, LR = (0.5, 0.8), 0.2, 0.5


def hand() -> dict[str, float]:
    """The 2-2-1 network without biases, by hand; the hidden δ with w5 already updated."""
    h1 = sig(W["w1"] * X[0] + W["w2"] * X[1])
    h2 = sig(W["w3"] * X[0] + W["w4"] * X[1])
    o = sig(W["w5"] * h1 + W["w6"] * h2)
    d_o = (o - T) * o * (1 - o)
    w5_new = W["w5"] - LR * d_o * h1
    return {
        "h1": h1,
        "d_o": d_o,
        "w5'": w5_new,
        "d_h1": d_o * W["w5"] * h1 * (1 - h1),
        "d_h1 updated": d_o * w5_new * h1 * (1 - h1),
        "d_h1 with w6": d_o * W["w6"] * h1 * (1 - h1),
    }


def page(printed: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "network": {
            "inputs": 2,
            "input_names": ["i1", "i2"],
            "layers": [
                {
                    "activation": "sigmoid",
                    "weights": [[W["w1"], W["w2"]], [W["w3"], W["w4"]]],
                    "weight_names": [["w1", "w2"], ["w3", "w4"]],
                    "z_names": ["net_h1", "net_h2"],
                    "a_names": ["out_h1", "out_h2"],
                },
                {
                    "activation": "sigmoid",
                    "weights": [[W["w5"], W["w6"]]],
                    "weight_names": [["w5", "w6"]],
                    "z_names": ["net_o"],
                    "a_names": ["out_o"],
                },
            ],
        },
        "data": {"inputs": list(X), "targets": [T]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": LR}],
        "printed": printed,
    }


@pytest.mark.parametrize("negated", [True, False], ids=["delta=-dE/dz", "delta=dE/dz"])
@pytest.mark.parametrize("with_formula", [True, False], ids=["formula", "no formula"])
@pytest.mark.parametrize("from_printed", [True, False], ids=["from printed inputs", "from exact values"])
def test_updated_weights_in_backprop_is_named_however_the_page_writes_it(
    negated: bool, with_formula: bool, from_printed: bool
) -> None:
    h = hand()
    sign = -1.0 if negated else 1.0
    q = "-dE/d{}" if negated else "dE/d{}"
    value = 0.082 * 0.6795 * 0.5 * 0.5 if from_printed else h["d_h1 updated"]  # the page's way
    entry = {"quantity": q.format("net_h1"), "where": "hidden δ", "printed": f"{sign * value:.6f}"}
    if with_formula:
        entry["formula"] = f"{'(-dE/dnet_o)' if negated else 'dE/dnet_o'} * w5' * out_h1 * (1 - out_h1)"
    report = check(
        page(
            [
                {"quantity": "out_h1", "where": "forward", "printed": f"{h['h1']:.2f}"},
                {"quantity": q.format("net_o"), "where": "output δ", "printed": f"{sign * h['d_o']:.3f}"},
                {"quantity": "w5'", "where": "update", "printed": "0.6795"},
                entry,
            ]
        )
    )
    verdict = report.items[-1]
    assert verdict.cls == "conceptual" and verdict.mistake is not None
    assert verdict.mistake.id == "updated_weights_in_backprop"


def test_a_wrong_formula_that_no_mistake_explains_is_said_to_be_wrong() -> None:
    """The page multiplies by w6 where the chain rule takes w5: its number follows from its
    formula and its printed inputs, yet it is not inherited: the formula itself is wrong."""
    h = hand()
    report = check(
        page(
            [
                {"quantity": "out_h1", "where": "forward", "printed": f"{h['h1']:.6f}"},
                {"quantity": "dE/dnet_o", "where": "output δ", "printed": f"{h['d_o']:.6f}"},
                {
                    "quantity": "dE/dnet_h1",
                    "where": "hidden δ",
                    "printed": f"{h['d_h1 with w6']:.6f}",
                    "formula": "dE/dnet_o * w6 * out_h1 * (1 - out_h1)",
                },
            ]
        )
    )
    verdict = report.items[-1]
    assert verdict.cls == "slip" and verdict.explanation.startswith("the formula itself is wrong")


def test_a_right_formula_with_a_wrong_input_still_inherits() -> None:
    h = hand()
    report = check(
        page(
            [
                {"quantity": "dE/dnet_o", "where": "output δ", "printed": f"{1.1 * h['d_o']:.6f}"},
                {
                    "quantity": "dE/dnet_h1",
                    "where": "hidden δ",
                    "printed": f"{1.1 * h['d_h1']:.6f}",
                    "formula": "dE/dnet_o * w5 * out_h1 * (1 - out_h1)",
                },
            ]
        )
    )
    assert (report.items[-1].cls, report.items[-1].inherits_from) == ("inherited", [0])
