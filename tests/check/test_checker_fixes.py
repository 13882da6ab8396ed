"""Three checker cases with hand-computed answers: a linear (identity) hidden layer, a learning rate
of zero, and a conceptual mistake made on top of an earlier wrong number."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from viz.check import WorkedExampleError, check
from viz.check.__main__ import main
from viz.check.spec import tomllib

ROOT = Path(__file__).resolve().parents[2]
TANH = ROOT / "examples" / "tanh_neuron_check.toml"


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ---- a linear hidden layer ----------------------------------------------------------------------

X = (1.0, 2.0)
W1 = ((0.5, -0.1), (0.2, 0.4))
B1 = (0.1, -0.1)
W2 = (0.7, -0.6)
B2 = 0.05
LR = 0.5

LINEAR_HIDDEN = """\
id = "linear-hidden"
title = "A linear hidden layer, then a sigmoid output"

[network]
inputs = 2

[[network.layers]]
activation = "identity"          # a linear hidden layer: h = W·x + b, no squashing
weights = [[0.5, -0.1], [0.2, 0.4]]
bias = [0.1, -0.1]
z_names = ["h1", "h2"]

[[network.layers]]
activation = "sigmoid"
weights = [[0.7, -0.6]]
bias = [0.05]
weight_names = [["v1", "v2"]]
bias_names = ["c"]
z_names = ["s"]
a_names = ["o"]

[data]
inputs = [1.0, 2.0]
targets = [1.0]

[loss]
kind = "squared_error"
half = true

[[optimizer]]
kind = "sgd"
lr = 0.5
"""


def by_hand() -> dict[str, float]:
    """The whole step with plain floats: the hidden layer passes its sums on unchanged."""
    h = [W1[j][0] * X[0] + W1[j][1] * X[1] + B1[j] for j in range(2)]
    s = W2[0] * h[0] + W2[1] * h[1] + B2
    o = sig(s)
    delta = (o - 1.0) * o * (1.0 - o)  # dE/ds
    dh = [delta * W2[j] for j in range(2)]  # dE/dh_j: times the identity's derivative, 1
    grads = {f"W1_{j + 1}{k + 1}": dh[j] * X[k] for j in range(2) for k in range(2)}
    w1_11 = W1[0][0] - LR * grads["W1_11"]
    h1_after = w1_11 * X[0] + (W1[0][1] - LR * grads["W1_12"]) * X[1] + (B1[0] - LR * dh[0])
    return {
        "h1": h[0],
        "h2": h[1],
        "o": o,
        "E": 0.5 * (o - 1.0) ** 2,
        "dE/ds": delta,
        "dE/dh1": dh[0],
        "dE/dh2": dh[1],
        "dE/dW1_11": grads["W1_11"],
        "dE/dW1_22": grads["W1_22"],
        "dE/db1_2": dh[1],
        "dE/dv1": delta * h[0],
        "W1_11'": w1_11,
        "h1'": h1_after,
    }


def worked(values: dict[str, str]) -> str:
    entries = "".join(
        f'\n[[printed]]\nquantity = "{q}"\nwhere = "step"\nprinted = "{p}"\n' for q, p in values.items()
    )
    return LINEAR_HIDDEN + entries


def test_a_linear_hidden_layer_checks_every_number_by_hand(tmp_path: Path, capsys: Any) -> None:
    truth = by_hand()
    path = tmp_path / "linear_hidden.toml"
    path.write_text(worked({q: f"{v:.6f}" for q, v in truth.items()}), encoding="utf-8")
    assert main([str(path), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [item["class"] for item in items] == ["exact"] * len(truth)
    for item in items:  # the replay agrees with the hand computation
        assert item["value"] == pytest.approx(truth[item["quantity"]], abs=1e-12)
    assert truth["dE/dW1_11"] != 0.0  # the hidden layer's weights do learn


def test_a_slip_in_a_linear_hidden_layer_is_found_and_carried(tmp_path: Path) -> None:
    truth = by_hand()
    printed = {q: f"{v:.6f}" for q, v in truth.items()}
    printed["dE/dh1"] = f"{truth['dE/dh1'] * 2:.6f}"  # a slip at dE/dh1 ...
    printed["dE/dW1_11"] = f"{truth['dE/dh1'] * 2 * X[0]:.6f}"  # ... carried into dE/dW1_11
    path = tmp_path / "linear_hidden.toml"
    path.write_text(worked(printed), encoding="utf-8")
    report = check(path)
    classes = {v.printed.quantity: v.cls for v in report.items}
    assert classes["dE/dh1"] == "slip" and classes["dE/dW1_11"] == "inherited"
    assert report.first_wrong is not None and report.first_wrong.printed.quantity == "dE/dh1"


# ---- a learning rate of zero --------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.0, 0, -0.1])
def test_a_learning_rate_that_is_not_positive_is_the_files_error(
    tmp_path: Path, capsys: Any, lr: float
) -> None:
    path = tmp_path / "lr.toml"
    path.write_text(LINEAR_HIDDEN.replace("lr = 0.5", f"lr = {lr}"), encoding="utf-8")
    with pytest.raises(WorkedExampleError, match=r"\[\[optimizer\]\] 1: lr must be a positive") as caught:
        check(path)
    assert "steps = 0" in str(caught.value)  # what to change to check a page without an update
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "lr.toml" in err and "Traceback" not in err


def test_a_graphs_learning_rate_of_zero_is_refused_too() -> None:
    data = {
        "graph": {"inputs": {"a": 2.0, "b": -3.0}, "nodes": ["L = a * b"]},
        "optimizer": [{"kind": "sgd", "lr": 0.0, "parameters": ["a"]}],
    }
    with pytest.raises(WorkedExampleError, match=r"lr must be a positive learning rate \(> 0\), got 0\.0"):
        check(data)


def test_a_page_without_an_update_takes_no_optimizer(tmp_path: Path) -> None:
    truth = by_hand()
    text = LINEAR_HIDDEN.replace('[[optimizer]]\nkind = "sgd"\nlr = 0.5\n', "[training]\nsteps = 0\n")
    path = tmp_path / "no_step.toml"
    path.write_text(text + worked({"dE/dW1_11": f"{truth['dE/dW1_11']:.6f}"})[len(LINEAR_HIDDEN) :])
    report = check(path)
    assert [v.cls for v in report.items] == ["exact"]


# ---- a conceptual mistake on top of an earlier wrong number --------------------------------------


def tanh_page(edits: dict[str, str]) -> dict[str, Any]:
    data = tomllib.loads(TANH.read_text(encoding="utf-8"))
    for entry in data["printed"]:
        if entry["quantity"] in edits:
            entry["printed"] = edits[entry["quantity"]]
    return data


def test_a_conceptual_mistake_on_a_wrong_input_also_inherits_from_it() -> None:
    o = math.tanh(2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432)
    de_do = "-0.3929"  # a slip: o − y is -0.2929
    de_dw1 = 2.0 * float(de_do)  # x1 · dE/do: the factor 1 − o² forgotten, on the wrong number
    w1_after = -3.0 - 0.1 * de_dw1
    data = tanh_page(
        {
            "E": f"{0.5 * (o - 1.0) ** 2:.5f}",
            "dE/do": de_do,
            "dE/dw1": f"{de_dw1:.4f}",
            "w1'": f"{w1_after:.4f}",
        }
    )
    report = check(data)
    index = {v.printed.quantity: v.printed.index for v in report.items}
    verdict = {v.printed.quantity: v for v in report.items}
    assert verdict["dE/do"].cls == "slip"
    grad = verdict["dE/dw1"]
    assert grad.cls == "conceptual" and grad.mistake is not None
    assert grad.mistake.id == "activation_derivative_forgotten"
    assert grad.inherits_from == [index["dE/do"]]
    assert "also carries the earlier error of dE/do = -0.3929" in grad.explanation
    assert f"{2.0 * float(de_do) * (1 - o**2):.6f}"[:6] in grad.explanation  # the rule on the page's inputs
    item = next(i for i in report.to_dict()["items"] if i["quantity"] == "dE/dw1")
    assert item["inherits_from"] == [index["dE/do"]]
    assert verdict["w1'"].cls == "inherited" and verdict["w1'"].inherits_from == [index["dE/dw1"]]


def test_a_conceptual_mistake_on_right_inputs_inherits_nothing() -> None:
    report = check(TANH)
    grad = next(v for v in report.items if v.printed.quantity == "dE/dw1")
    assert grad.cls == "conceptual" and grad.inherits_from == []
    assert "earlier error" not in grad.explanation
