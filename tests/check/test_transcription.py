"""What a second, independent transcription of public worked examples met: linear and identity
layers, a mistake that moves a number too little to be evidence, a given restated wrongly, pages
that never update, max/min in formulas, and internal failures named as such."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

from viz.check import CheckerError, WorkedExampleError, check
from viz.check.__main__ import main
from viz.check.classify import Judge


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def linear_output(a_names: list[str] | None) -> dict[str, Any]:
    layer: dict[str, Any] = {"activation": "identity", "weights": [[0.5, -0.25]], "bias": [0.1]}
    if a_names is not None:
        layer["a_names"] = a_names
    return {
        "network": {"inputs": 2, "layers": [layer]},
        "data": {"inputs": [1.0, 2.0], "targets": [1.0]},
        "loss": {"kind": "squared_error", "half": True, "name": "L"},
        "optimizer": [{"kind": "sgd", "lr": 0.1}],
    }


@pytest.mark.parametrize(("a_names", "name"), [(["yhat"], "yhat"), (None, "a1_1")])
def test_a_linear_output_layer_checks_by_either_name(a_names: list[str] | None, name: str) -> None:
    data = linear_output(a_names)
    yhat = 0.5 * 1.0 - 0.25 * 2.0 + 0.1  # by hand
    data["printed"] = [
        {"quantity": name, "where": "forward", "printed": f"{yhat:.4f}"},
        {"quantity": f"dL/d{name}", "where": "backward", "printed": f"{yhat - 1.0:.4f}"},
        {"quantity": "dL/dz1_1", "where": "backward", "printed": f"{yhat - 1.0:.4f}"},
        {"quantity": "dL/dW1_12", "where": "backward", "printed": f"{(yhat - 1.0) * 2.0:.4f}"},
        {"quantity": "dL/dW1_11", "where": "backward", "printed": "-0.9", "formula": f"dL/d{name} * x1"},
        {"quantity": "W1_11'", "where": "step", "printed": f"{0.5 - 0.1 * (yhat - 1.0):.4f}"},
    ]
    report = check(data)
    assert [v.cls for v in report.items] == ["exact", "exact", "repeat", "exact", "exact", "exact"]
    assert report.items[2].repeat_of == 1  # ∂L/∂z is ∂L/∂ŷ: an identity layer's output is its z


def test_an_identity_hidden_layer_passes_its_gradient_through() -> None:
    data = {
        "network": {
            "inputs": 1,
            "layers": [
                {"activation": "identity", "weights": [[2.0], [-1.0]]},
                {"activation": "sigmoid", "weights": [[0.5, 0.25]], "a_names": ["o"]},
            ],
        },
        "data": {"inputs": [0.4], "targets": [1.0]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": 0.1}],
    }
    z1, z2 = 2.0 * 0.4, -1.0 * 0.4
    o = sig(0.5 * z1 + 0.25 * z2)
    delta = (o - 1.0) * o * (1 - o)
    data["printed"] = [
        {"quantity": "dE/dW1_11", "where": "backward", "printed": f"{delta * 0.5 * 0.4:.6f}"},
        {"quantity": "dE/dz1_2", "where": "backward", "printed": f"{delta * 0.25:.6f}"},
    ]
    assert [v.cls for v in check(data).items] == ["exact", "exact"]


def test_a_failure_of_the_checker_is_its_own_error_naming_file_and_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = linear_output(None)
    data["printed"] = [{"quantity": "a1_1", "where": "forward", "printed": "0.1"}]
    path = tmp_path / "file.toml"
    path.write_text(
        "[network]\ninputs = 2\n[[network.layers]]\nweights = [[0.5, -0.25]]\nbias = [0.1]\n"
        '[data]\ninputs = [1.0, 2.0]\ntargets = [1.0]\n[loss]\nkind = "squared_error"\n'
        '[[optimizer]]\nkind = "sgd"\nlr = 0.1\n[[printed]]\nquantity = "a1_1"\nwhere = "forward"\n'
        'printed = "0.1"\n',
        encoding="utf-8",
    )
    assert main([str(path)]) == 0

    def broken(self: Judge, *args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(Judge, "redo", broken)
    with pytest.raises(
        CheckerError, match=r"file\.toml: printed\[0\] \('a1_1' at 'forward'\): the checker failed"
    ):
        check(path)
    assert main([str(path)]) == 3
    assert "ZeroDivisionError" in capsys.readouterr().err


def two_two_one(printed: list[dict[str, str]]) -> dict[str, Any]:
    """A 2-2-1 sigmoid network without biases, one SGD step (lr 0.5) on ½(o − 0.2)²."""
    return {
        "network": {
            "inputs": 2,
            "layers": [
                {"activation": "sigmoid", "weights": [[0.3, -0.2], [0.6, 0.1]]},
                {"activation": "sigmoid", "weights": [[0.7, -0.4]]},
            ],
        },
        "data": {"inputs": [0.5, 0.8], "targets": [0.2]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": 0.5}],
        "printed": printed,
    }


def hand_221() -> dict[str, float]:
    """The 2-2-1 network's quantities by hand, and the hidden gradient as computed with the
    output weights already updated (the mistake updated_weights_in_backprop)."""
    x1, x2, t, lr = 0.5, 0.8, 0.2, 0.5
    a1, a2 = sig(0.3 * x1 - 0.2 * x2), sig(0.6 * x1 + 0.1 * x2)
    o = sig(0.7 * a1 - 0.4 * a2)
    delta_o = (o - t) * o * (1 - o)
    w5_new = 0.7 - lr * delta_o * a1
    return {
        "delta_o": delta_o,
        "dW1_11": delta_o * 0.7 * a1 * (1 - a1) * x1,
        "dW1_11 mistaken": delta_o * w5_new * a1 * (1 - a1) * x1,
        "dW2_12": delta_o * a2,
    }


@pytest.mark.parametrize(("decimals", "cls"), [(4, "slip"), (6, "conceptual")])
def test_a_mistake_must_move_the_number_away_from_the_true_value(decimals: int, cls: str) -> None:
    """The hidden gradient is printed as the mistake gives it, after a wrong δ_o (so the step
    redone from the printed inputs is far away). Four decimals: the mistake moves the number
    about 2 units of the last digit from the truth, no evidence (a slip). Six: about 200."""
    h = hand_221()
    moved = abs(h["dW1_11 mistaken"] - h["dW1_11"]) * 10**decimals
    assert (moved < 20) == (cls == "slip")
    report = check(
        two_two_one(
            [
                {"quantity": "dE/dz2_1", "where": "output δ", "printed": f"{2 * h['delta_o']:.5f}"},
                {
                    "quantity": "dE/dW1_11",
                    "where": "hidden",
                    "printed": f"{h['dW1_11 mistaken']:.{decimals}f}",
                },
            ]
        )
    )
    verdict = report.items[1]
    assert verdict.cls == cls
    if cls == "conceptual":
        assert verdict.mistake is not None and verdict.mistake.id == "updated_weights_in_backprop"


def test_a_given_restated_wrongly_is_a_copy_error_and_later_steps_use_the_given() -> None:
    """ "w6 = -0.1 + …" where w6 (W2_12) is -0.4; the update is computed from the true -0.4 and
    a gradient printed 10% too large: it inherits from the gradient, not from the restatement."""
    h = hand_221()
    g = 1.1 * h["dW2_12"]
    report = check(
        two_two_one(
            [
                {"quantity": "dE/dW2_12", "where": "gradient", "printed": f"{g:.6f}"},
                {"quantity": "W2_12", "where": "update", "printed": "-0.1"},
                {"quantity": "W2_12'", "where": "update", "printed": f"{-0.4 - 0.5 * g:.6f}"},
            ]
        )
    )
    gradient, given, update = report.items
    assert gradient.cls == "slip"
    assert (given.cls, given.typo_kind) == ("typo", "a digit replaced")
    assert (update.cls, update.inherits_from) == ("inherited", [0])


def test_a_given_restated_wrongly_and_used_so_is_what_later_steps_inherit_from() -> None:
    """The page's update line computes with the value it restated: the update inherits from it."""
    h = hand_221()
    report = check(
        two_two_one(
            [
                {"quantity": "dE/dW2_12", "where": "gradient", "printed": f"{h['dW2_12']:.6f}"},
                {"quantity": "W2_12", "where": "update", "printed": "-0.1"},
                {
                    "quantity": "W2_12'",
                    "where": "update",
                    "printed": f"{-0.1 - 0.5 * h['dW2_12']:.6f}",
                    "formula": "W2_12 - 0.5 * dE/dW2_12",
                },
            ]
        )
    )
    gradient, given, update = report.items
    assert gradient.cls == "exact" and given.cls == "typo"
    assert (update.cls, update.inherits_from) == ("inherited", [1])


def forward_only(**training: Any) -> dict[str, Any]:
    data = copy.deepcopy(linear_output(["yhat"]))
    del data["optimizer"]
    data["training"] = training
    data["printed"] = [{"quantity": "yhat", "where": "forward", "printed": "0.1"}]
    return data


def test_a_page_that_never_updates_needs_no_optimizer() -> None:
    assert [v.cls for v in check(forward_only(steps=0)).items] == ["exact"]
    with pytest.raises(WorkedExampleError, match=r"missing \[\[optimizer\]\].*steps = 0"):
        check(forward_only(steps=1))
    with pytest.raises(WorkedExampleError, match=r"missing \[\[optimizer\]\]"):
        check(forward_only(steps=0, stop_below=0.1))


def test_max_and_min_in_formulas() -> None:
    data = two_two_one([])
    data["network"]["layers"][1] = {"activation": "softmax", "weights": [[0.7, -0.4], [0.2, 0.9]]}
    data["loss"] = {"kind": "cross_entropy"}
    data["data"]["targets"] = [1.0, 0.0]
    a1, a2 = sig(0.3 * 0.5 - 0.2 * 0.8), sig(0.6 * 0.5 + 0.1 * 0.8)
    z = [0.7 * a1 - 0.4 * a2, 0.2 * a1 + 0.9 * a2]
    stable = math.exp(z[0] - max(z)) / sum(math.exp(v - max(z)) for v in z)
    data["printed"] = [
        {"quantity": "z2_1 - max(z2_1, z2_2)", "where": "stable softmax", "printed": f"{z[0] - max(z):.6f}"},
        {"quantity": "min(z2_1, z2_2)", "where": "stable softmax", "printed": f"{min(z):.6f}"},
        {
            "quantity": "a2_1",
            "where": "softmax",
            "printed": f"{stable:.6f}",
            "formula": "exp(z2_1 - max(z2_1, z2_2))"
            " / (exp(z2_1 - max(z2_1, z2_2)) + exp(z2_2 - max(z2_1, z2_2)))",
        },
    ]
    data["printed"].append(
        {"quantity": "-log(a2_1)", "where": "loss, log is ln", "printed": f"{-math.log(stable):.6f}"}
    )
    assert [v.cls for v in check(data).items] == ["exact"] * 4


def one_neuron(weight: float, printed: list[dict[str, str]], **top: Any) -> dict[str, Any]:
    """One input 1.0 (or 0.5), one sigmoid neuron without bias, ½(a − 1)², no step."""
    return {
        **top,
        "network": {"inputs": 1, "layers": [{"activation": "sigmoid", "weights": [[weight]]}]},
        "data": {"inputs": [1.0], "targets": [1.0]},
        "loss": {"kind": "squared_error", "half": True},
        "training": {"steps": 0},
        "printed": printed,
    }


def test_a_long_print_gets_only_the_rounding_of_its_float_format() -> None:
    a = sig(0.3)
    right, off = f"{a:.15f}", f"{a + 7e-15:.15f}"  # 15 decimals; the second 7 units off
    report = check(
        one_neuron(0.3, [{"quantity": "a1_1", "where": "program", "printed": t} for t in (right, off)])
    )
    assert [v.cls for v in report.items] == ["exact", "typo"]  # a repeat copied wrong
    alone = check(one_neuron(0.3, [{"quantity": "a1_1", "where": "program", "printed": off}]))
    assert alone.items[0].cls == "slip" and alone.items[0].units_off > 6


def test_where_float64_cancels_the_truth_is_computed_with_more_digits() -> None:
    """1 − σ(16) in float64 keeps about 7 of its digits; 1/(1 + e¹⁶) is the same number, stably."""
    exact = 1.0 / (1.0 + math.exp(16.0))
    report = check(
        one_neuron(16.0, [{"quantity": "1 - a1_1", "where": "program", "printed": f"{exact:.14e}"}])
    )
    (v,) = report.items
    assert v.cls == "exact" and v.value == pytest.approx(exact, rel=1e-15)
    assert "computed with 50 digits" in v.explanation


def test_a_float32_print_of_a_number_is_a_repeat_not_a_copy_error() -> None:
    import struct

    a = sig(0.7)
    single = struct.unpack("f", struct.pack("f", a))[0]
    assert abs(float(f"{single:.9f}") - a) > 20e-9  # float32 shows in the ninth decimal
    printed = [
        {"quantity": "a1_1", "where": "by hand", "printed": f"{a:.9f}"},
        {"quantity": "a1_1", "where": "program output", "printed": f"{single:.9f}", "precision": "float32"},
    ]
    report = check(one_neuron(0.7, printed))
    assert [v.cls for v in report.items] == ["exact", "repeat"]
    as_float64 = check(one_neuron(0.7, [{**p, "precision": "float64"} for p in printed]))
    assert as_float64.items[1].cls == "typo"  # the same digits from a float64 program are a copy error
    everywhere = check(one_neuron(0.7, printed[1:], precision="float32"))
    assert everywhere.items[0].cls == "exact"


def test_a_number_printed_again_to_fewer_digits_is_read_at_its_precise_printing() -> None:
    """a is printed to 15 digits, slightly wrong, then restated to 4; σ' printed to 15 digits
    from the precise (wrong) a inherits from it."""
    a_wrong = sig(0.3) + 3e-14
    report = check(
        one_neuron(
            0.3,
            [
                {"quantity": "a1_1", "where": "forward", "printed": f"{a_wrong:.15f}"},
                {"quantity": "a1_1", "where": "table", "printed": f"{a_wrong:.4f}"},
                {
                    "quantity": "da1_1/dz1_1",
                    "where": "backward",
                    "printed": f"{a_wrong * (1 - a_wrong):.15f}",
                    "formula": "a1_1 * (1 - a1_1)",
                },
            ],
        )
    )
    first, again, derivative = report.items
    assert first.cls == "slip" and again.cls == "repeat"
    assert (derivative.cls, derivative.inherits_from) == ("inherited", [0])


def test_the_documents_sign_convention_is_an_alias_or_arithmetic() -> None:
    """δ = −∂E/∂z, as the docs answer: an alias that is an expression, or the expression itself."""
    h = hand_221()
    data = two_two_one(
        [
            {"quantity": "delta_o1", "where": "δ", "printed": f"{-h['delta_o']:.6f}"},
            {"quantity": "-dE/dz2_1", "where": "δ", "printed": f"{-h['delta_o']:.6f}"},
        ]
    )
    data["aliases"] = {"delta_o1": "-dE/dz2_1"}
    first, again = check(data).items
    assert first.cls == "exact" and again.cls == "repeat"


@pytest.mark.parametrize("lr", [0.0, -0.5])
def test_a_learning_rate_that_is_not_positive_is_named(lr: float) -> None:
    data = two_two_one([])
    data["optimizer"] = [{"kind": "sgd", "lr": lr}]
    with pytest.raises(WorkedExampleError, match=r"\[\[optimizer\]\] 1: lr must be a positive learning rate"):
        check(data)
