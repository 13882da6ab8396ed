"""Setups the checker once failed on (exit status 3) that it now checks or refuses by name: Adam
stepping on a gradient that is zero, a network with every layer frozen, and a name given to two
quantities. Every expected value here is computed by hand, on plain floats."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

from viz.check import PRECISE_NOTE, WorkedExampleError, check, true_values
from viz.check.__main__ import main
from viz.check.template import to_toml

BETAS, EPS = (0.9, 0.999), 1e-8


def adam_by_hand(p: float, g: float, m: float, v: float, t: int, lr: float) -> dict[str, float]:
    """One Adam step from parameter p with gradient g and moments m, v (t: the step's number)."""
    m = BETAS[0] * m + (1 - BETAS[0]) * g
    v = BETAS[1] * v + (1 - BETAS[1]) * g * g
    mhat, vhat = m / (1 - BETAS[0] ** t), v / (1 - BETAS[1] ** t)
    return {"m": m, "v": v, "mhat": mhat, "vhat": vhat, "p": p - lr * mhat / (math.sqrt(vhat) + EPS)}


def blanks(quantities: list[str]) -> list[dict[str, str]]:
    return [{"quantity": q, "where": "by hand", "printed": ""} for q in quantities]


# ---- Adam on a gradient that is zero -------------------------------------------------------------

# One softmax layer whose two neurons share ONE bias: ∂E/∂b1 = Σ (a_j − t_j) = 1 − 1 = 0 at every
# step, while the weights learn. float64 gives the bias's gradient as rounding noise (2e-16 in the
# engine, 0 by the textbook rules here), and Adam divides it by its own size.
SOFTMAX = {
    "id": "adam-shared-bias",
    "network": {
        "inputs": 2,
        "layers": [{"activation": "softmax", "weights": [[-0.2, 0.3], [-3.0, 2.0]], "bias": -3.0}],
    },
    "data": {"inputs": [2.0, 0.3], "targets": [0.0, 1.0]},
    "loss": {"kind": "cross_entropy"},
    "optimizer": [{"kind": "adam", "lr": 0.1}],
    "training": {"steps": 2},
}
WEIGHTS = ["W1_11", "W1_12", "W1_21", "W1_22"]


def softmax_adam_by_hand() -> dict[str, float]:
    """The setup's two Adam steps by hand: every weight, the shared bias b1, and Adam's state."""
    x, t, lr = [2.0, 0.3], [0.0, 1.0], 0.1
    w = {"W1_11": -0.2, "W1_12": 0.3, "W1_21": -3.0, "W1_22": 2.0}
    b = -3.0
    moments = {name: (0.0, 0.0) for name in [*WEIGHTS, "b1"]}
    out: dict[str, float] = {}
    for step in (1, 2):
        mark = "'" * (step - 1)
        z = [w[f"W1_{j}1"] * x[0] + w[f"W1_{j}2"] * x[1] + b for j in (1, 2)]
        exps = [math.exp(zj - max(z)) for zj in z]
        a = [e / sum(exps) for e in exps]
        dz = [a[j] - t[j] for j in range(2)]  # softmax with cross-entropy: ∂E/∂z_j = a_j − t_j
        grads = {f"W1_{j + 1}{k + 1}": dz[j] * x[k] for j in range(2) for k in range(2)}
        grads["b1"] = 0.0  # Σ_j (a_j − t_j) = Σ a_j − Σ t_j = 1 − 1
        values = {**w, "b1": b}
        for name, g in grads.items():
            new = adam_by_hand(values[name], g, *moments[name], step, lr)
            moments[name] = (new["m"], new["v"])
            for state in ("m", "v", "mhat", "vhat"):
                out[f"{state}({name}{mark})"] = new[state]
            out[f"{name}{mark}'"] = new["p"]
            if name == "b1":
                b = new["p"]
            else:
                w[name] = new["p"]
    return out


def test_adam_on_a_shared_softmax_bias_whose_gradient_is_zero_is_checked_by_hand() -> None:
    truth = softmax_adam_by_hand()
    data = {**SOFTMAX, "printed": blanks(list(truth))}
    values = true_values(data)
    # float64's rounding of the zero gradient, divided by √v̂ + ε, moves b1 by some lr·1e-8 at most.
    for i, (quantity, expected) in enumerate(truth.items()):
        assert values[i] == pytest.approx(expected, rel=1e-9, abs=1e-7), quantity
    assert truth["b1''"] == -3.0 and truth["m(b1')"] == 0.0  # the bias stays, its moments are 0
    assert abs(truth["W1_11''"] - truth["W1_11'"]) > 0.05  # while the weights learn, step after step


def test_a_zero_gradients_adam_step_printed_by_hand_is_exact_and_the_cli_exits_0(tmp_path: Path) -> None:
    truth = softmax_adam_by_hand()
    decimals = {"mhat(b1)": 6, "m(b1')": 6, "W1_11'": 6, "W1_22''": 6, "vhat(W1_21')": 6}
    # 12 decimals: more than float64 keeps through Adam's division of the zero gradient by its own
    # size; such a print is judged by the value computed with 50 digits.
    decimals.update({"b1'": 12, "b1''": 12})
    printed = [
        {"quantity": q, "where": "by hand", "printed": f"{truth[q]:.{d}f}"} for q, d in decimals.items()
    ]
    report = check({**SOFTMAX, "printed": printed})
    assert [v.cls for v in report.items] == ["exact"] * len(decimals)
    bias = [v for v in report.items if v.printed.quantity in ("b1'", "b1''")]
    assert [v.value for v in bias] == [-3.0, -3.0] and all(PRECISE_NOTE in v.explanation for v in bias)
    path = tmp_path / "adam_zero_gradient.toml"
    path.write_text(to_toml({**SOFTMAX, "printed": printed}), encoding="utf-8")
    assert main([str(path)]) == 0


# A ReLU that is off: its neuron's weights get an exact zero gradient, so Adam does not move them.
RELU_OFF = {
    "id": "adam-relu-off",
    "network": {
        "inputs": 2,
        "layers": [
            {"activation": "relu", "weights": [[-3.0, 1.0]], "bias": [0.5], "weight_names": [["w1", "w2"]]}
        ],
    },
    "data": {"inputs": [2.0, 0.0], "targets": [1.0]},
    "loss": {"kind": "squared_error", "half": True},
    "optimizer": [{"kind": "adam", "lr": 0.1}],
    "training": {"steps": 2},
}


def test_adam_behind_a_relu_that_is_off_leaves_the_weights_where_they_are() -> None:
    quantities = ["dE/dw1", "m(w1)", "v(w1)", "mhat(w1)", "vhat(w1)", "w1'", "w1''", "m(w1')", "w2''"]
    values = true_values({**RELU_OFF, "printed": blanks(quantities)})
    first = adam_by_hand(-3.0, 0.0, 0.0, 0.0, 1, 0.1)  # z = −3·2 + 1·0 + 0.5 < 0: no gradient
    second = adam_by_hand(first["p"], 0.0, first["m"], first["v"], 2, 0.1)
    expected = [0.0, first["m"], first["v"], first["mhat"], first["vhat"], first["p"], second["p"]]
    expected += [second["m"], 1.0]
    assert [values[i] for i in range(len(quantities))] == expected
    assert expected[5:7] == [-3.0, -3.0]


def test_an_adam_eps_of_zero_is_the_files_error() -> None:
    data = copy.deepcopy(RELU_OFF)
    data["optimizer"][0]["eps"] = 0.0
    with pytest.raises(WorkedExampleError, match=r": \[\[optimizer\]\] 1: eps must be above 0 .*got 0\.0$"):
        check(data)


# ---- every layer frozen ------------------------------------------------------------------------

X, W, B, Y = [2.0, 0.0], [-3.0, 1.0], 6.8813735870195432, 1.0


def frozen_setup(optimizer: dict[str, Any], printed: list[dict[str, str]], **training: Any) -> dict[str, Any]:
    """One tanh neuron with every parameter frozen."""
    return {
        "id": "all-frozen",
        "network": {
            "inputs": 2,
            "layers": [
                {
                    "activation": "tanh",
                    "weights": [W],
                    "bias": [B],
                    "weight_names": [["w1", "w2"]],
                    "bias_names": ["b"],
                    "a_names": ["o"],
                    "frozen": True,
                }
            ],
        },
        "data": {"inputs": X, "targets": [Y]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [optimizer],
        "training": {"steps": 2, **training},
        "printed": printed,
    }


def frozen_by_hand() -> dict[str, float]:
    o = math.tanh(X[0] * W[0] + X[1] * W[1] + B)
    loss = 0.5 * (o - Y) ** 2
    return {
        "w1''": W[0],
        "b''": B,
        "o": o,
        "o''": o,
        "E": loss,
        "E'": loss,
        "E''": loss,
        "dE/dw1''": (o - Y) * (1 - o * o) * X[0],
    }


OPTIMIZERS = [
    {"kind": "sgd", "lr": 0.1},
    {"kind": "sgd", "lr": 0.1, "momentum": 0.9},
    {"kind": "adam", "lr": 0.1},
]


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=["sgd", "momentum", "adam"])
def test_every_layer_frozen_takes_steps_that_change_nothing(optimizer: dict[str, Any]) -> None:
    truth = frozen_by_hand()
    values = true_values(frozen_setup(optimizer, blanks(list(truth))))
    assert [values[i] for i in range(len(truth))] == pytest.approx(list(truth.values()), rel=1e-12)
    printed = [{"quantity": q, "where": "by hand", "printed": f"{v:.6f}"} for q, v in truth.items()]
    report = check(frozen_setup(optimizer, printed))
    assert [v.cls for v in report.items] == ["exact"] * len(truth)


def test_every_layer_frozen_in_a_training_loop_runs_to_max_epochs(tmp_path: Path) -> None:
    loss = frozen_by_hand()["E"]  # 0.0429 > 0.01: never below, so past max_epochs
    printed = [
        {"quantity": "epoch@stop", "where": "loop", "printed": "6"},
        {"quantity": "E@stop", "where": "loop", "printed": f"{loss:.6f}"},
        {"quantity": "w1@stop", "where": "loop", "printed": f"{W[0]:.6f}"},
    ]
    data = frozen_setup({"kind": "adam", "lr": 0.1}, printed, steps=0, stop_below=0.01, max_epochs=5)
    report = check(data)
    assert [v.cls for v in report.items] == ["exact"] * 3
    assert report.loss_curve == pytest.approx([loss] * 6, rel=1e-12)
    path = tmp_path / "frozen_loop.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    assert main([str(path)]) == 0


def test_every_layer_frozen_gets_its_full_report() -> None:
    from viz.walkthrough import build, files

    written = files(build(frozen_setup({"kind": "sgd", "lr": 0.1}, blanks(["o''"]))))
    assert "all-frozen-report.html" in written


@pytest.mark.parametrize("state", ["m(w1)", "vhat(b)"])
def test_adams_state_of_a_frozen_parameter_is_the_files_error(state: str) -> None:
    data = frozen_setup({"kind": "adam", "lr": 0.1}, blanks([state]))
    name = state[state.index("(") + 1 : -1]
    with pytest.raises(WorkedExampleError, match=rf"printed\[0\] .*{name} is not trained .*keeps no"):
        check(data)


def test_the_velocity_of_a_frozen_parameter_is_the_files_error() -> None:
    data = frozen_setup({"kind": "sgd", "lr": 0.1, "momentum": 0.9}, blanks(["velocity(w2)"]))
    with pytest.raises(WorkedExampleError, match=r"w2 is not trained .*keeps no velocity for it"):
        check(data)


# ---- a name given to two quantities --------------------------------------------------------------


def tanh_neuron(input_names: tuple[str, str] = ("x1", "x2"), **layer: Any) -> dict[str, Any]:
    """The tanh neuron of examples/tanh_neuron_check.toml, with names changed in its layer (a
    name set to None: the layer leaves that key out, taking the default names)."""
    names = {"weight_names": [["w1", "w2"]], "bias_names": ["b"], "z_names": ["n"], "a_names": ["o"]}
    keys = {key: value for key, value in {**names, **layer}.items() if value is not None}
    return {
        "id": "names",
        "network": {
            "inputs": 2,
            "input_names": list(input_names),
            "layers": [{"activation": "tanh", "weights": [W], "bias": [B], **keys}],
        },
        "data": {"inputs": X, "targets": [Y], "target_names": ["y"]},
        "loss": {"kind": "squared_error", "half": True},
        "optimizer": [{"kind": "sgd", "lr": 0.1}],
        "printed": blanks(["E"]),
    }


def two_layers(**second: Any) -> dict[str, Any]:
    data = tanh_neuron()
    data["network"]["layers"].append({"activation": "sigmoid", "weights": [[0.5]], "bias": [0.1], **second})
    return data


LAYER = r"\[\[network\.layers\]\] "
ONE = "each name stands for one quantity"
COLLISIONS = [
    (
        tanh_neuron(a_names=["n"]),
        rf"{LAYER}1 a_names\[0\]: the name 'n' is also {LAYER}1 z_names\[0\]: {ONE} "
        r"\(a layer's z and a are two nodes, except on an identity layer, where they are one\)$",
    ),
    (
        two_layers(z_names=["n"], a_names=["yhat"]),
        rf"{LAYER}2 z_names\[0\]: the name 'n' is also {LAYER}1 z_names\[0\]: {ONE}$",
    ),
    (
        two_layers(weight_names=[["w1"]]),
        rf"{LAYER}2 weight_names\[0\]\[0\]: the name 'w1' is also {LAYER}1 weight_names\[0\]\[0\]: {ONE}$",
    ),
    (
        tanh_neuron(a_names=["x2"]),
        rf"{LAYER}1 a_names\[0\]: the name 'x2' is also \[network\] input_names\[1\]: {ONE}$",
    ),
    (
        tanh_neuron(bias_names=["w2"]),
        rf"{LAYER}1 bias_names\[0\]: the name 'w2' is also {LAYER}1 weight_names\[0\]\[1\]: {ONE}$",
    ),
    (
        tanh_neuron(a_names=["y"]),
        rf"{LAYER}1 a_names\[0\]: the name 'y' is also \[data\] target_names\[0\]: {ONE}$",
    ),
    (
        tanh_neuron(z_names=["epoch"]),
        rf"{LAYER}1 z_names\[0\]: the name 'epoch' is reserved: epoch@stop is where a training loop stopped$",
    ),
    (
        tanh_neuron(input_names=("x1", "a1_1"), a_names=None),  # the layer's default a name
        rf"{LAYER}1 a_names\[0\] \(default\): the name 'a1_1' is also \[network\] input_names\[1\]: {ONE}$",
    ),
    (
        tanh_neuron(input_names=("x1", "x1")),
        rf"\[network\] input_names\[1\]: the name 'x1' is also \[network\] input_names\[0\]: {ONE}$",
    ),
]


@pytest.mark.parametrize(("data", "message"), COLLISIONS, ids=[str(i) for i in range(len(COLLISIONS))])
def test_a_name_given_twice_is_the_files_error_naming_both_keys(data: dict[str, Any], message: str) -> None:
    with pytest.raises(WorkedExampleError, match=r"^<mapping>: " + message):
        check(data)


def test_names_given_twice_in_other_tables_are_the_files_error() -> None:
    data = tanh_neuron()
    data["loss"]["name"] = "o"
    with pytest.raises(WorkedExampleError, match=r"\[loss\] name: the name 'o' is also .* 1 a_names\[0\]"):
        check(data)
    data = tanh_neuron()
    data["aliases"] = {"b": "dE/db"}
    with pytest.raises(WorkedExampleError, match=r"\[aliases\] b: the name 'b' is also .* 1 bias_names\[0\]"):
        check(data)
    graph = {"graph": {"inputs": {"a": 2.0, "b": -3.0}, "nodes": ["e = a * b"]}, "aliases": {"e": "de/da"}}
    with pytest.raises(WorkedExampleError, match=r"\[aliases\] e: the name 'e' is also \[graph\] nodes\[0\]"):
        check({**graph, "training": {"steps": 0}})


def test_an_identity_layers_a_may_take_its_zs_name() -> None:
    data = tanh_neuron(activation="identity", z_names=["yhat"], a_names=["yhat"])
    data["printed"] = blanks(["yhat"])
    assert true_values(data)[0] == pytest.approx(X[0] * W[0] + X[1] * W[1] + B, rel=1e-15)


def test_the_cli_refuses_a_name_given_twice_with_exit_status_2(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "same_names.toml"
    path.write_text(to_toml(tanh_neuron(a_names=["n"])), encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: [[network.layers]] 1 a_names[0]: the name 'n' is also ")
    assert "Traceback" not in err and "bug in chainrule" not in err
